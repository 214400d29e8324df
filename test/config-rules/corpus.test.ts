/**
 * The shared rule corpus against promtool 2.42's recorded verdicts. Klaxon targets Prometheus 3 (SEMANTICS §1),
 * so where the corpus README's "Newer Prometheus versions" section says Prometheus 3 differs, these tests follow
 * Prometheus 3 and say so next to the case.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../src/config/errors.js';
import { parseRuleFile } from '../../src/config/rules/parse.js';
import { DEFAULT_RULE_LOAD_OPTIONS, type RuleLoadOptions } from '../../src/config/rules/types.js';
import { checkRuleTemplate } from '../../src/template/index.js';
import { CORPUS, cases, errorKind, firstPromtoolError, promtoolResults, sourceLine } from './corpus.js';

const LEGACY: RuleLoadOptions = {
  ...DEFAULT_RULE_LOAD_OPTIONS,
  validationScheme: 'legacy',
  checkTemplate: checkRuleTemplate,
};
const UTF8: RuleLoadOptions = { ...DEFAULT_RULE_LOAD_OPTIONS, checkTemplate: checkRuleTemplate };

function load(folder: string, file: string, opts: RuleLoadOptions) {
  const full = path.join(CORPUS, folder, file);
  return parseRuleFile(full, readFileSync(full, 'utf8'), opts);
}

const errorsOf = (problems: ConfigProblem[]) => problems.filter((p) => p.severity === 'error');
const ruleCount = (groups: { rules: unknown[] }[]) => groups.reduce((n, g) => n + g.rules.length, 0);

describe('kube-prometheus corpus', () => {
  const rows = promtoolResults();
  const plain = new Map(rows.filter((r) => r.corpus === 'kube-prometheus-plain').map((r) => [r.file, r]));

  it.each(rows.filter((r) => r.corpus === 'kube-prometheus-plain'))('plain $file: promtool rule count', (row) => {
    const { groups, problems } = load(row.corpus, row.file, UTF8);
    expect(errorsOf(problems)).toEqual([]);
    expect(row.exitCode).toBe(0);
    expect(ruleCount(groups)).toBe(row.rulesFoundLintNone);
  });

  // promtool rejects PrometheusRule resources (exit 1, unknown fields apiVersion/kind/…); Klaxon loads them
  // (SEMANTICS §1.7), with the same rules as the plain form.
  it.each(rows.filter((r) => r.corpus === 'kube-prometheus'))('manifest $file: loads like its plain form', (row) => {
    const { groups, problems } = load(row.corpus, row.file, UTF8);
    expect(errorsOf(problems)).toEqual([]);
    expect(ruleCount(groups)).toBe(plain.get(row.file)?.rulesFoundLintNone);
    expect(ruleCount(groups)).toBe(row.yamlRules);
    const raw = load('kube-prometheus-plain', row.file, UTF8).groups;
    expect(groups.map((g) => [g.name, g.rules])).toEqual(raw.map((g) => [g.name, g.rules]));
    for (const g of groups)
      expect(g.file).toBe(`${path.join(CORPUS, row.corpus, row.file)}#monitoring/${nameOf(row.file)}`);
  });

  it('reports the duplicate rule in kubernetesControlPlane as a warning with promtool’s text', () => {
    const { problems } = load('kube-prometheus-plain', 'kubernetesControlPlane-prometheusRule.yaml', UTF8);
    const warnings = problems.filter((p) => p.severity === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe(
      '1 duplicate rule(s) found.\nMetric: code_verb:apiserver_request_total:increase1h\nLabel(s):\n' +
        'Might cause inconsistency while recording expressions',
    );
    expect(warnings[0]!.line).toBeGreaterThan(0);
  });
});

function nameOf(file: string): string {
  const text = readFileSync(path.join(CORPUS, 'kube-prometheus', file), 'utf8');
  return /^ {2}name: (\S+)$/m.exec(text)![1]!;
}

describe('edge-accepted corpus', () => {
  it.each(cases('edge-accepted'))('$file is accepted ($description)', (c) => {
    expect(c.exit_code).toBe(0);
    for (const opts of [LEGACY, UTF8]) {
      const { groups, problems } = load('edge-accepted', c.file, opts);
      expect(errorsOf(problems)).toEqual([]);
      expect(ruleCount(groups)).toBe(Number(/SUCCESS: (\d+) rules found/.exec(c.stdout)![1]));
    }
  });
});

/** Files whose only mistake is a name that is valid under Prometheus 3's UTF-8 names. */
const VALID_UNDER_UTF8 = new Set([
  'label-name-with-dash.yml',
  'annotation-name-with-dash.yml',
  'record-name-with-dash.yml',
]);
/** Uses a field newer than promtool 2.42 (query_offset, Prometheus 2.53): valid for Klaxon. */
const NEWER_FIELDS = new Set(['newer-field-query-offset.yml']);
const LINT_ONLY = new Set(['lint-duplicate-rules.yml']);
const TEMPLATE_CASES = cases('invalid').filter((c) => c.category === 'template');

describe('invalid corpus, legacy names (promtool 2.42 verdicts)', () => {
  const rejected = cases('invalid').filter((c) => !NEWER_FIELDS.has(c.file) && !LINT_ONLY.has(c.file));

  it.each(rejected)('$file is rejected like promtool ($description)', (c) => {
    expect(c.exit_code).toBe(1);
    const full = path.join(CORPUS, 'invalid', c.file);
    const { groups, problems } = load('invalid', c.file, LEGACY);
    const errors = errorsOf(problems);
    expect(groups).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    const expected = firstPromtoolError(c);
    const got = errors[0]!;
    // Prometheus 3 rejects braces in a record name with its own message, after the generic name error.
    expect(errors.map((e) => errorKind(e.message))).toContain(errorKind(expected.text));
    expect(errorKind(got.message)).toBe(errorKind(expected.text));
    expect(got.file).toBe(full);
    if (expected.pos) {
      expect({ line: got.line, col: got.col }).toEqual(expected.pos);
    } else if (expected.syntax) {
      // Go's yaml.v3 names the line where the broken block starts; the yaml library the offending line itself.
      expect(got.line).toBeGreaterThanOrEqual(expected.yamlLine!);
    } else if (expected.yamlLine !== undefined) {
      expect(got.line).toBe(expected.yamlLine);
    } else {
      // promtool gave no position (or 0:0): Klaxon points at the offending key or value.
      expect(got.line).toBeGreaterThan(0);
      expect(got.col).toBeGreaterThan(0);
      const hint = /(?:name: |label "|annotation "|string: ")([^"]+)/.exec(expected.text)?.[1];
      if (hint) expect(sourceLine(full, got.line)).toContain(hint);
    }
    const innerPos = /could not parse expression: (\d+:\d+):/.exec(expected.text)?.[1];
    if (innerPos) expect(got.message).toContain(`could not parse expression: ${innerPos}:`);
  });

  // rulefmt's own messages (not Go yaml's) are reproduced word for word: `file: L:C: text` becomes `file:L:C: text`,
  // and where promtool gave no position (or 0:0) Klaxon adds one in front of the same text.
  const RULEFMT_WORDING = new Set(['group', 'rule-kind', 'rule-expr', 'recording-rule-field', 'promql', 'multiple']);
  /** Prometheus 3 texts that differ from 2.42's. */
  const PROMETHEUS_3_TEXT: Record<string, string[]> = {
    'record-name-with-braces.yml': [
      'group "example", rule 1, "job:up:sum{job=\\"api\\"}": braces present in the recording rule name; should it be in expr?: job:up:sum{job="api"}',
    ],
    // Prometheus 3 anchors matcher regexes as ^(?s:…)$ (2.42: ^(?:…)$).
    'promql-invalid-regex.yml': [
      'group "example", rule 1, "HighErrorRate": could not parse expression: 1:4: parse error: error parsing regexp: missing closing ): `^(?s:(api)$`',
    ],
  };
  it.each(rejected.filter((c) => RULEFMT_WORDING.has(c.category) || c.category.endsWith('-name')))(
    '$file: promtool’s exact error texts',
    (c) => {
      const expected = c.stderr
        .split('\n')
        .filter((l) => l.startsWith(`${c.file}: `))
        .map((l) => l.slice(c.file.length + 2).replace(/^0:0: /, ''));
      const got = errorsOf(load('invalid', c.file, LEGACY).problems).map((p) =>
        expected.includes(`${p.line}:${p.col}: ${p.message}`) ? `${p.line}:${p.col}: ${p.message}` : p.message,
      );
      const unexplained = got.filter((g) => !expected.includes(g));
      expect(unexplained).toEqual(PROMETHEUS_3_TEXT[c.file] ?? []);
    },
  );

  it('reports every error in a file, in promtool’s order (multiple-errors.yml)', () => {
    const { problems } = load('invalid', 'multiple-errors.yml', LEGACY);
    expect(errorsOf(problems).map((p) => [p.line, p.col, errorKind(p.message)])).toEqual([
      [4, 17, 'record-name'],
      [7, 15, 'promql'],
      [11, 11, 'label-name'],
    ]);
  });

  it('accepts query_offset, which promtool 2.42 did not know (Prometheus 2.53+)', () => {
    const { groups, problems } = load('invalid', 'newer-field-query-offset.yml', LEGACY);
    expect(errorsOf(problems)).toEqual([]);
    expect(groups[0]!.queryOffsetMs).toBeGreaterThan(0);
  });

  it('treats the duplicate rule as a lint warning, not an error', () => {
    const { groups, problems } = load('invalid', 'lint-duplicate-rules.yml', LEGACY);
    expect(errorsOf(problems)).toEqual([]);
    expect(ruleCount(groups)).toBe(2);
    expect(problems.map((p) => p.severity)).toEqual(['warning']);
  });
});

describe('invalid corpus, UTF-8 names (Prometheus 3 default)', () => {
  it.each([...VALID_UNDER_UTF8])('%s is valid under UTF-8 names', (file) => {
    expect(errorsOf(load('invalid', file, UTF8).problems)).toEqual([]);
  });

  it('still rejects __name__ as a label name and braces in a record name', () => {
    expect(errorsOf(load('invalid', 'label-name-dunder-name.yml', UTF8).problems)).toHaveLength(1);
    const braces = errorsOf(load('invalid', 'record-name-with-braces.yml', UTF8).problems);
    expect(braces.map((p) => p.message)).toEqual([
      'group "example", rule 1, "job:up:sum{job=\\"api\\"}": braces present in the recording rule name; should it be in expr?: job:up:sum{job="api"}',
    ]);
  });

  it('keeps only the non-name error of multiple-errors.yml', () => {
    const errors = errorsOf(load('invalid', 'multiple-errors.yml', UTF8).problems);
    expect(errors.map((p) => [p.line, p.col, errorKind(p.message)])).toEqual([[7, 15, 'promql']]);
  });

  it('rejects every other invalid file', () => {
    const others = cases('invalid').filter(
      (c) => !VALID_UNDER_UTF8.has(c.file) && !NEWER_FIELDS.has(c.file) && !LINT_ONLY.has(c.file),
    );
    const accepted = others.filter((c) => errorsOf(load('invalid', c.file, UTF8).problems).length === 0);
    expect(accepted.map((c) => c.file)).toEqual([]);
  });
});

describe('template checks through the RuleLoadOptions hook', () => {
  it.each(TEMPLATE_CASES)('$file: the template engine gives promtool’s exact text', (c) => {
    const errors = errorsOf(load('invalid', c.file, UTF8).problems);
    expect(errors.map((p) => p.message)).toEqual([firstPromtoolError(c).text]);
  });

  it.each(TEMPLATE_CASES)('$file: the hook sees every alerting-rule template, errors land at the key', (c) => {
    const seen: Array<[string, string]> = [];
    const spy = (rule: string, text: string) => {
      seen.push([rule, text]);
      return text.includes('{{') ? 'template: broken' : null;
    };
    const full = path.join(CORPUS, 'invalid', c.file);
    const { problems } = load('invalid', c.file, { ...UTF8, checkTemplate: spy });
    const expected = firstPromtoolError(c).text;
    const [, what, key] = /(label|annotation) "([^"]+)"/.exec(expected)!;
    const problem = errorsOf(problems).find((p) => p.message.includes(`${what} "${key}": template: broken`));
    expect(problem).toBeDefined();
    expect(sourceLine(full, problem!.line).trimStart().startsWith(`${key}:`)).toBe(true);
    expect(seen.every(([rule]) => rule === /"(\w+)": /.exec(expected)![1])).toBe(true);
  });

  it('never calls the hook for recording rules (edge-template-in-recording-label.yml)', () => {
    const calls: string[] = [];
    load('edge-accepted', 'edge-template-in-recording-label.yml', {
      ...UTF8,
      checkTemplate: (_rule, text) => {
        calls.push(text);
        return 'broken';
      },
    });
    expect(calls).toEqual([]);
  });
});
