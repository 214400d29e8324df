/**
 * Semantic validation of decoded rule groups: Prometheus' rulefmt RuleGroups.Validate and Rule.Validate, in the
 * same order and with the same texts, except that every problem carries a position (SEMANTICS §1.5, Klaxon).
 */
import type { Node } from 'yaml';
import { validLabelName } from '../../labels/matcher.js';
import type { ConfigProblem, Position } from '../errors.js';
import { checkPromQL, formatPromQLError } from '../promql.js';
import { nodePosition } from '../yaml.js';
import type { RawEntry, RawGroup, RawRule } from './decode.js';
import type { RuleLoadOptions } from './types.js';

type LineCounterLike = Parameters<typeof nodePosition>[0];

const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function isValidMetricName(name: string, scheme: RuleLoadOptions['validationScheme']): boolean {
  return scheme === 'legacy' ? LEGACY_METRIC_NAME.test(name) : name !== '' && name.isWellFormed();
}

export function ruleName(rule: RawRule): string {
  return rule.alert.value !== '' ? rule.alert.value : rule.record.value;
}

/** Validates groups that share one name space (a rule file, or one PrometheusRule resource). */
export function validateGroups(
  file: string,
  lc: LineCounterLike,
  groups: RawGroup[],
  opts: RuleLoadOptions,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (node: Node | null, fallback: Position, message: string) =>
    problems.push({ file, ...nodePosition(lc, node, fallback), message, severity: 'error' });
  const seen = new Set<string>();
  for (const group of groups) {
    const groupPos = nodePosition(lc, group.node);
    if (group.name.value === '') at(group.node, groupPos, 'Groupname must not be empty');
    if (seen.has(group.name.value)) {
      at(group.node, groupPos, `groupname: ${JSON.stringify(group.name.value)} is repeated in the same file`);
    }
    seen.add(group.name.value);
    for (const label of group.labels) {
      for (const message of labelProblems(label, opts)) at(label.keyNode, groupPos, message);
    }
    for (const rule of group.rules) {
      const prefix = `group ${JSON.stringify(group.name.value)}, rule ${rule.index}, ${JSON.stringify(ruleName(rule))}: `;
      for (const p of validateRule(rule, opts)) {
        const alt = p.alt ? nodePosition(lc, p.alt) : undefined;
        at(p.node, nodePosition(lc, rule.node), `${alt ? `${alt.line}:${alt.col}: ` : ''}${prefix}${p.message}`);
      }
    }
  }
  return problems;
}

interface RuleProblem {
  node: Node | null;
  /** A second position, printed before the message as upstream does (`L1:C1: L2:C2: group …`). */
  alt?: Node | null;
  message: string;
}

function labelProblems(label: RawEntry, opts: RuleLoadOptions): string[] {
  const out: string[] = [];
  if (!validLabelName(label.key, opts.validationScheme) || label.key === '__name__') {
    out.push(`invalid label name: ${label.key}`);
  }
  if (!label.value.isWellFormed()) out.push(`invalid label value: ${label.value}`);
  return out;
}

/** Rule.Validate; a problem without a node of its own is reported at the rule's mapping by the caller. */
function validateRule(rule: RawRule, opts: RuleLoadOptions): RuleProblem[] {
  const out: RuleProblem[] = [];
  const { record, alert, expr } = rule;
  if (record.value !== '' && alert.value !== '') {
    // Upstream prints both positions: `L1:C1: L2:C2: group …`; the second one goes into the message.
    out.push({ node: record.node, alt: alert.node, message: "only one of 'record' and 'alert' must be set" });
  }
  if (record.value === '' && alert.value === '') {
    out.push({ node: record.node ?? alert.node, message: "one of 'record' or 'alert' must be set" });
  }
  if (expr.value === '') {
    out.push({ node: expr.node, message: "field 'expr' must be set in rule" });
  } else {
    const err = checkPromQL(expr.value);
    if (err) out.push({ node: expr.node, message: formatPromQLError(expr.value, err) });
  }
  if (record.value !== '') {
    if (rule.annotations.length > 0)
      out.push({ node: record.node, message: "invalid field 'annotations' in recording rule" });
    if (rule.forMs !== 0) out.push({ node: record.node, message: "invalid field 'for' in recording rule" });
    if (rule.keepFiringForMs !== 0) {
      out.push({ node: record.node, message: "invalid field 'keep_firing_for' in recording rule" });
    }
    if (!isValidMetricName(record.value, opts.validationScheme)) {
      out.push({ node: record.node, message: `invalid recording rule name: ${record.value}` });
    }
    if (record.value.includes('{') || record.value.includes('}')) {
      out.push({
        node: record.node,
        message: `braces present in the recording rule name; should it be in expr?: ${record.value}`,
      });
    }
  }
  for (const label of rule.labels) {
    for (const message of labelProblems(label, opts)) out.push({ node: label.keyNode, message });
  }
  for (const annotation of rule.annotations) {
    if (!validLabelName(annotation.key, opts.validationScheme)) {
      out.push({ node: annotation.keyNode, message: `invalid annotation name: ${annotation.key}` });
    }
  }
  // Only alerting rules have their templates parse-tested upstream.
  if (alert.value !== '' && opts.checkTemplate) {
    for (const [what, entries] of [
      ['label', rule.labels],
      ['annotation', rule.annotations],
    ] as const) {
      for (const e of entries) {
        const err = opts.checkTemplate(alert.value, e.value);
        if (err !== null) out.push({ node: e.keyNode, message: `${what} ${JSON.stringify(e.key)}: ${err}` });
      }
    }
  }
  return out;
}
