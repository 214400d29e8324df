/**
 * parseRuleFile: one file's text → rule groups and every problem, in rulefmt's order: YAML syntax, then
 * decoding (types, unknown fields, durations) and only if those pass, semantic validation and lint.
 */
import type { LineCounter, Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import type { ConfigProblem } from '../errors.js';
import { nodePosition, parseYaml, syntaxProblems } from '../yaml.js';
import { isKubernetesObject, type RawGroup, RuleDecoder } from './decode.js';
import { duplicateRules, labelIdentityWarnings } from './lint.js';
import type { RuleConfig, RuleGroupConfig, RuleLoadOptions, RuleLoadResult } from './types.js';
import { validateGroups } from './validate.js';

/** Pure: parses and validates one rule file or PrometheusRule manifest. Groups are returned only without errors. */
export function parseRuleFile(file: string, source: string, opts: RuleLoadOptions): RuleLoadResult {
  const { documents, lineCounter: lc } = parseYaml(source);
  const manifest = documents.some((d) => isKubernetesObject(d.contents));
  const used = manifest ? documents : documents.slice(0, 1);
  const problems: ConfigProblem[] = used.flatMap((d) => syntaxProblems(file, d, lc));
  if (!manifest && documents.length > 1) {
    problems.push({
      file,
      ...nodePosition(lc, documents[1]?.contents),
      message: 'Multiple document yaml rules files are not supported; only the first document is used',
      severity: 'warning',
    });
  }
  if (problems.some((p) => p.severity === 'error')) return { groups: [], problems };

  // Each entry is one name space for group names: the file, or one PrometheusRule resource.
  const units: RawGroup[][] = [];
  for (const doc of used) {
    const decoder = new RuleDecoder(file, doc, lc);
    if (manifest) units.push(...manifestUnits(decoder, doc.contents, file, problems, lc));
    else units.push(decoder.ruleFile(doc.contents, file));
    problems.push(...decoder.problems);
  }
  if (problems.some((p) => p.severity === 'error')) return { groups: [], problems };

  for (const groups of units) problems.push(...validateGroups(file, lc, groups, opts));
  const all = units.flat();
  problems.push(...duplicateRules(file, lc, all), ...labelIdentityWarnings(file, lc, all));
  if (problems.some((p) => p.severity === 'error')) return { groups: [], problems };
  return { groups: all.map((g) => toConfig(g, opts)), problems };
}

/** PrometheusRule objects of one document (also inside `kind: List`), each decoded as its own group set. */
function manifestUnits(
  decoder: RuleDecoder,
  root: unknown,
  path: string,
  problems: ConfigProblem[],
  lc: LineCounter,
): RawGroup[][] {
  const node = decoder.resolve(root);
  if (node === null || decoder.isNull(node)) return [];
  if (!isMap(node)) {
    decoder.typeError(node, 'v1.PrometheusRule');
    return [];
  }
  const text = (key: string, from: Node = node) => {
    const v = isMap(from) ? decoder.resolve(from.get(key, true)) : null;
    return v && !isMap(v) && !isSeq(v) ? (decoder.string(v) ?? '') : '';
  };
  const kind = text('kind');
  if (kind === 'List') {
    const items = decoder.sequence(node.get('items', true), '[]runtime.RawExtension') ?? [];
    return items.flatMap((item) => manifestUnits(decoder, item, path, problems, lc));
  }
  if (kind !== 'PrometheusRule' || !text('apiVersion').startsWith('monitoring.coreos.com/')) {
    problems.push({
      file: path,
      ...nodePosition(lc, node),
      message: `ignoring ${text('apiVersion')} ${kind}: not a PrometheusRule`,
      severity: 'warning',
    });
    return [];
  }
  const metadata = decoder.resolve(node.get('metadata', true));
  const name = metadata ? text('name', metadata) : '';
  const namespace = (metadata ? text('namespace', metadata) : '') || 'default';
  return [decoder.manifestSpec(node.get('spec', true), `${path}#${namespace}/${name}`)];
}

function entriesToRecord(entries: Array<{ key: string; value: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) out[e.key] = e.value;
  return out;
}

function toConfig(g: RawGroup, opts: RuleLoadOptions): RuleGroupConfig {
  const rules: RuleConfig[] = g.rules.map((r) => ({
    kind: r.alert.value !== '' ? 'alerting' : 'recording',
    name: r.alert.value !== '' ? r.alert.value : r.record.value,
    expr: r.expr.value,
    forMs: r.forMs,
    keepFiringForMs: r.keepFiringForMs,
    labels: entriesToRecord(r.labels),
    annotations: entriesToRecord(r.annotations),
    index: r.index,
  }));
  const group: Omit<RuleGroupConfig, 'source'> = {
    file: g.file,
    name: g.name.value,
    intervalMs: g.intervalMs === 0 ? opts.defaultIntervalMs : g.intervalMs,
    queryOffsetMs: g.queryOffsetMs ?? opts.defaultQueryOffsetMs,
    limit: g.limit,
    labels: entriesToRecord(g.labels),
    rules,
    ...(g.partialResponse ? { partialResponse: g.partialResponse } : {}),
  };
  return { ...group, source: JSON.stringify(group) };
}
