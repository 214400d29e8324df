/**
 * Differential test against the real promtool (Debian's prometheus package, 2.42): one rule file per
 * expression or template, checked by both; the verdicts must agree. Cases where Prometheus 3 differs from 2.42
 * are listed separately with the reason and are not sent to promtool.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRuleFile } from '../../src/config/rules/parse.js';
import { DEFAULT_RULE_LOAD_OPTIONS } from '../../src/config/rules/types.js';
import { checkRuleTemplate } from '../../src/template/index.js';

const EXPRESSIONS = [
  'up',
  'up == 0',
  'up == on() 0',
  'up > on() group_left 1',
  'up + on(job) 1',
  'up and on(job) group_left up',
  'up or ignoring(job) up',
  '1 > 1',
  '1 > bool 1',
  'up + bool up',
  'up > bool 0',
  'vector(1) and 1',
  'time() - 1',
  '"a"',
  '"a" > 1',
  '-"a"',
  'x[5m]',
  'x[5m] + 1',
  'x[5m:1m]',
  'x[5m][5m]',
  'rate(x[5m])[5m:1m]',
  'rate(x[5m])[5m]',
  'rate(x)',
  'rate(x[5m], 1)',
  'rat(x[5m])',
  'abs(x, y)',
  'abs("x")',
  'round(x)',
  'round(x, 5)',
  'round(x, 5, 6)',
  'day_of_week()',
  'time(1)',
  'label_replace(up, "a", "$1", "b", "(.*)")',
  'label_replace(up, "a", "$1", "b")',
  'label_join(up, "a", ",")',
  'label_join(up, "a", ",", "b", "c", "d")',
  'histogram_quantile(0.9)',
  'histogram_quantile(0.9, rate(x_bucket[5m]))',
  'predict_linear(x[1h], 3600)',
  'predict_linear(x, 3600)',
  'clamp(x, 0, 1)',
  'clamp_max(x)',
  'sum(x)',
  'sum(x, y)',
  'sum by (job) (x)',
  'sum(x) by (job)',
  'sum without () (x)',
  'topk(3, x)',
  'topk(x)',
  'topk("a", x)',
  'quantile(0.5, x)',
  'count_values("v", x)',
  'count_values(1, x)',
  'sum(x[5m])',
  'absent(x{job="a"})',
  'up{job=~"(api"}',
  'up{job=~"a(?=b)"}',
  'up{job=~"(?P<n>x)|[[:alpha:]]"}',
  'up{job!~"\\\\d+"}',
  '{job=""}',
  '{job=~".*"}',
  '{job=~".+"}',
  '{job!=""}',
  '{job!~".*"}',
  'up offset 5m',
  'up offset -5m',
  'up offset > 0',
  'up @ 1609746000',
  'up @ start()',
  'rate(up[5m] offset 1h)',
  'rate(x[5x])',
  'rate(x[5m1h])',
  'rate(x[1h5m])',
  'up{job="api" == 0',
  'sum(rate(x[5m])',
  'up >',
  'up and',
  'foo bar',
  '(up)',
  '((up)',
  'sum(up) by (job) > 1 unless on(job) up',
  'up # comment',
  'up{job="a",}',
  'up{,}',
  '1 + 2 * 3 ^ 2 % 4',
  'x atan2 y',
  '-up',
  '+1',
  'scalar(up) + 1 > bool 0',
  'sort_desc(sum by (job) (up))',
  'changes(up[1h]) > 3',
  'increase(x[1h]) / 3600',
  'foo{__name__="bar"}',
  'foo{__name__=~"bar"}',
  '{__name__="bar"}',
  'a * on(x) group_left(x) b',
  'a * on(x) group_left(y) b',
  'a * ignoring(x) group_left(x) b',
  'x[0s]',
  'x[0s:1m]',
  'x[1m:0s]',
  'x[1m:]',
  'x > 0.',
  '1.e3 < x',
  'x > 5.m',
  'x1. > 1',
  'x{a="1."} > 1.5',
  '(up) offset 5m',
  'absent(up) offset 5m',
  'up offset 5m offset 1m',
  'up @ 1 @ 2',
  'sum(up) @ 100',
  'x[5m] offset 1m @ 100',
  'x offset 5m @ 100 offset 1m',
  'x[5m:1m] offset 1m',
  '# only a comment',
];

const TEMPLATES = [
  '{{ $labels.instance }}',
  '{{ $value | humanize }}',
  '{{ humanizePercentage $value }}',
  '{{ if gt $value 1.0 }}big{{ else }}small{{ end }}',
  '{{ range query "up" }}{{ .Labels.instance }}{{ end }}',
  '{{ with $x := 1 }}{{ $x }}{{ end }}',
  '{{ .Labels.job | toUpper | reReplaceAll "a" "b" }}',
  '{{ printf "%.2f" $value }}',
  '{{ $externalURL }}/graph',
  '{{',
  '{{ }}',
  '{{ end }}',
  '{{ if true }}',
  '{{ humanise $value }}',
  '{{ $undefined }}',
  '{{ .Labels.job; }}',
  '{{ template "x" }}',
  '{{/* comment */}}',
  '{{- $value -}}',
  '{{ "unterminated }}',
  '{{ 1 | }}',
  '{{ range $i, $e := . }}{{ end }}',
];

function ruleFile(expr: string, annotation?: string): string {
  const lines = ['groups:', '  - name: g', '    rules:', '      - alert: A', `        expr: ${JSON.stringify(expr)}`];
  if (annotation !== undefined) lines.push('        annotations:', `          a: ${JSON.stringify(annotation)}`);
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-promtool-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases = [
  ...EXPRESSIONS.map((expr, i) => ({ name: `expr-${i}.yml`, label: expr, source: ruleFile(expr) })),
  ...TEMPLATES.map((t, i) => ({ name: `tmpl-${i}.yml`, label: t, source: ruleFile('up', t) })),
];
for (const c of cases) writeFileSync(path.join(dir, c.name), c.source);

/** promtool's verdict per file, from one run over all of them: `Checking F` then `  SUCCESS` or a blank line. */
function promtoolVerdicts(): Map<string, boolean> {
  const r = spawnSync('promtool', ['check', 'rules', '--lint=none', ...cases.map((c) => c.name)], {
    cwd: dir,
    encoding: 'utf8',
  });
  expect(r.error).toBeUndefined();
  const lines = r.stdout.split('\n');
  const verdicts = new Map<string, boolean>();
  lines.forEach((line, i) => {
    const m = /^Checking (\S+)$/.exec(line);
    if (m) verdicts.set(m[1]!, (lines[i + 1] ?? '').startsWith('  SUCCESS'));
  });
  return verdicts;
}

describe('verdicts agree with promtool', () => {
  const verdicts = promtoolVerdicts();
  it.each(cases)('$label', ({ name }) => {
    const full = path.join(dir, name);
    const { problems } = parseRuleFile(full, readFileSync(full, 'utf8'), {
      ...DEFAULT_RULE_LOAD_OPTIONS,
      validationScheme: 'legacy',
      checkTemplate: checkRuleTemplate,
    });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => p.message);
    expect(verdicts.has(name)).toBe(true);
    expect(errors.length === 0 ? 'accepted' : errors).toEqual(verdicts.get(name) ? 'accepted' : expect.any(Array));
  });
});
