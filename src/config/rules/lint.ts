/**
 * Lint findings (warnings, never errors): promtool's duplicate-rules check, and Klaxon's checks for labels that
 * make an alert's identity unstable (SEMANTICS §1.6).
 */
import { compareBytes } from '../../labels/labels.js';
import type { ConfigProblem } from '../errors.js';
import { nodePosition } from '../yaml.js';
import type { RawGroup } from './decode.js';
import { ruleName } from './validate.js';

type LineCounterLike = Parameters<typeof nodePosition>[0];

export type LintKind = 'duplicate-rules' | 'klaxon';

const DUPLICATE_RULES = /^\d+ duplicate rule\(s\) found\.\n/;

/** Which lint check produced a warning; `--lint` selects by this. */
export function lintKind(problem: ConfigProblem): LintKind {
  return DUPLICATE_RULES.test(problem.message) ? 'duplicate-rules' : 'klaxon';
}

interface RuleKey {
  metric: string;
  labels: Array<[string, string]>;
  at: { line: number; col: number };
}

function laterOf(a: RuleKey['at'], b: RuleKey['at']): RuleKey['at'] {
  return b.line > a.line || (b.line === a.line && b.col > a.col) ? b : a;
}

function compareKeys(a: RuleKey, b: RuleKey): number {
  const byMetric = compareBytes(a.metric, b.metric);
  if (byMetric !== 0) return byMetric;
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a.labels[i]!;
    const [bn, bv] = b.labels[i]!;
    const c = compareBytes(an, bn) || compareBytes(av, bv);
    if (c !== 0) return c;
  }
  return a.labels.length - b.labels.length;
}

/**
 * promtool's checkDuplicates: same name and same merged group+rule labels anywhere in the file. The text is
 * promtool's, one finding for the file, reported at the last duplicate.
 */
export function duplicateRules(file: string, lc: LineCounterLike, groups: RawGroup[]): ConfigProblem[] {
  const keys: RuleKey[] = [];
  for (const group of groups) {
    for (const rule of group.rules) {
      const merged = new Map(group.labels.map((l) => [l.key, l.value]));
      for (const l of rule.labels) merged.set(l.key, l.value);
      const labels = [...merged].sort(([a], [b]) => compareBytes(a, b));
      const nameNode = rule.alert.value !== '' ? rule.alert.node : rule.record.node;
      keys.push({ metric: ruleName(rule), labels, at: nodePosition(lc, nameNode ?? rule.node) });
    }
  }
  keys.sort(compareKeys);
  const duplicates: RuleKey[] = [];
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    if (compareKeys(keys[i - 1]!, key) !== 0) continue;
    // Each duplicated name+labels is listed once, however many copies there are (promtool does the same).
    const previous = duplicates.at(-1);
    if (previous && compareKeys(previous, key) === 0) previous.at = laterOf(previous.at, key.at);
    else duplicates.push(key);
  }
  if (duplicates.length === 0) return [];
  let message = `${duplicates.length} duplicate rule(s) found.\n`;
  for (const d of duplicates) {
    message += `Metric: ${d.metric}\nLabel(s):\n`;
    for (const [name, value] of d.labels) message += `\t${name}: ${value}\n`;
  }
  message += 'Might cause inconsistency while recording expressions';
  const at = duplicates.map((d) => d.at).reduce(laterOf);
  return [{ file, ...at, message, severity: 'warning' }];
}

// `query` only as the template function (not `$labels.query`).
const UNSTABLE_LABEL = /\$value\b|\.Value\b|(?:^|[\s(|{])query\s/;

/** Klaxon's warnings about templated labels on alerting rules. */
export function labelIdentityWarnings(file: string, lc: LineCounterLike, groups: RawGroup[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const group of groups) {
    for (const rule of group.rules) {
      if (rule.alert.value === '') continue;
      const prefix = `group ${JSON.stringify(group.name.value)}, rule ${rule.index}, ${JSON.stringify(ruleName(rule))}: `;
      for (const label of rule.labels) {
        if (!label.value.includes('{{')) continue;
        const warn = (message: string) =>
          out.push({ file, ...nodePosition(lc, label.keyNode), message: prefix + message, severity: 'warning' });
        if (UNSTABLE_LABEL.test(label.value)) {
          warn(
            `label ${JSON.stringify(label.key)} uses $value, .Value or query: the alert's identity changes with every evaluation`,
          );
        }
        if (rule.forMs > 0) {
          warn(
            `label ${JSON.stringify(label.key)} is templated on a rule with 'for': pending state cannot be restored after a restart`,
          );
        }
      }
    }
  }
  return out;
}
