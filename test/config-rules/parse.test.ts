/** parseRuleFile beyond the corpus: manifests (§1.7), defaults, canonical source, Klaxon's lint and positions. */
import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../../src/config/rules/parse.js';
import { DEFAULT_RULE_LOAD_OPTIONS, type RuleLoadOptions } from '../../src/config/rules/types.js';

const OPTS: RuleLoadOptions = { ...DEFAULT_RULE_LOAD_OPTIONS, defaultIntervalMs: 15_000, defaultQueryOffsetMs: 1000 };
const parse = (source: string, opts: RuleLoadOptions = OPTS) => parseRuleFile('r.yml', source, opts);
const where = (source: string, opts?: RuleLoadOptions) =>
  parse(source, opts).problems.map((p) => `${p.severity} ${p.line}:${p.col} ${p.message}`);

const MANIFESTS = `apiVersion: v1
kind: List
items:
  - apiVersion: monitoring.coreos.com/v1
    kind: PrometheusRule
    metadata:
      name: node
      namespace: ops
    spec:
      groups:
        - name: node
          partial_response_strategy: WARN
          rules:
            - alert: Down
              expr: 1
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: node}
status: {ignored: true}
spec:
  groups:
    - name: node
      rules:
        - record: x:y
          expr: up{job=~"(a"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
`;

describe('PrometheusRule manifests', () => {
  it('reads every document and List item; group file is <path>#<namespace>/<name>', () => {
    const fixed = MANIFESTS.replace('up{job=~"(a"}', 'up');
    const { groups, problems } = parse(fixed);
    expect(groups.map((g) => [g.file, g.name, g.partialResponse])).toEqual([
      ['r.yml#ops/node', 'node', 'warn'],
      ['r.yml#default/node', 'node', undefined],
    ]);
    // int-or-string expr: the number is kept as written.
    expect(groups[0]!.rules[0]!.expr).toBe('1');
    expect(problems.map((p) => [p.severity, p.line, p.message])).toEqual([
      ['warning', 28, 'ignoring v1 ConfigMap: not a PrometheusRule'],
    ]);
  });

  it('validates with positions inside the manifest; group names are per resource', () => {
    expect(where(MANIFESTS).filter((p) => p.startsWith('error'))).toEqual([
      'error 26:17 group "node", rule 1, "x:y": could not parse expression: 1:4: parse error: error parsing regexp: missing closing ): `^(?s:(a)$`',
    ]);
  });

  it('rejects unknown fields inside spec and bad strategies', () => {
    const src = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: a}
spec:
  groups:
    - name: g
      partial_response_strategy: maybe
      rules:
        - alert: A
          expr: up
          severity: page
`;
    expect(where(src)).toEqual([
      'error 7:34 invalid partial_response_strategy: maybe',
      'error 11:11 field severity not found in type rulefmt.Rule',
    ]);
  });
});

describe('rule files', () => {
  it('applies defaults, keeps labels raw and builds a canonical source', () => {
    const src = `groups:
  - name: g
    labels: {team: ops}
    rules:
      - alert: A
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        labels: {severity: "{{ if true }}page{{ end }}"}
        annotations: {summary: "{{ $labels.instance }}"}
  - name: h
    interval: 1m30s
    query_offset: 0s
    limit: 10
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
`;
    const { groups, problems } = parse(src);
    expect(problems.map((p) => p.message)).toEqual([
      `group "g", rule 1, "A": label "severity" is templated on a rule with 'for': pending state cannot be restored after a restart`,
    ]);
    const [g, h] = groups;
    expect(g).toMatchObject({ file: 'r.yml', name: 'g', intervalMs: 15_000, queryOffsetMs: 1000, limit: 0 });
    expect(g!.labels).toEqual({ team: 'ops' });
    expect(g!.rules[0]).toEqual({
      kind: 'alerting',
      name: 'A',
      expr: 'up == 0',
      forMs: 300_000,
      keepFiringForMs: 60_000,
      labels: { severity: '{{ if true }}page{{ end }}' },
      annotations: { summary: '{{ $labels.instance }}' },
      index: 1,
    });
    expect(h).toMatchObject({ intervalMs: 90_000, queryOffsetMs: 0, limit: 10 });
    expect(h!.rules[0]).toMatchObject({ kind: 'recording', name: 'job:up:sum', index: 1 });
    expect(parse(src.replace('up == 0', 'up == 1')).groups[0]!.source).not.toBe(g!.source);
    expect(parse(`# comment\n${src}`).groups[0]!.source).toBe(g!.source);
  });

  it('warns about $value, .Value and query in labels (identity changes every evaluation)', () => {
    const src = `groups:
  - name: g
    rules:
      - alert: A
        expr: up
        labels:
          v: "{{ $value }}"
          w: "{{ .Value | humanize }}"
          q: '{{ with query "up" }}x{{ end }}'
          ok: "{{ $labels.job }}"
          ok2: "{{ $labels.query }}"
`;
    expect(where(src).map((p) => p.slice(0, 14))).toEqual(['warning 7:11 g', 'warning 8:11 g', 'warning 9:11 g']);
  });

  it('reports every error of a file, label problems at their key', () => {
    const src = `groups:
  - name: g
    labels: {"bad-name": x}
    rules:
      - alert: A
        expr: up ==
        labels: {__name__: x}
        annotations: {"a b": y}
      - expr: up
  - name: g
`;
    expect(where(src, { ...OPTS, validationScheme: 'legacy' })).toEqual([
      'error 3:14 invalid label name: bad-name',
      'error 6:15 group "g", rule 1, "A": could not parse expression: 1:6: parse error: unexpected end of input',
      'error 7:18 group "g", rule 1, "A": invalid label name: __name__',
      'error 8:23 group "g", rule 1, "A": invalid annotation name: a b',
      `error 9:9 group "g", rule 2, "": one of 'record' or 'alert' must be set`,
      'error 10:5 groupname: "g" is repeated in the same file',
    ]);
  });

  it('reports type and field errors first, all of them, and then stops', () => {
    const src = `groups:
  - name: g
    interval: 1.5m
    limit: many
    rules:
      - alert: A
        expr: up ==
        for: [1m]
        labels: {a: {b: c}}
`;
    expect(where(src)).toEqual([
      'error 3:15 not a valid duration string: "1.5m"',
      'error 4:12 cannot unmarshal !!str `many` into int',
      'error 8:14 cannot unmarshal !!seq into string',
      'error 9:21 cannot unmarshal !!map into string',
    ]);
  });

  it('uses the first document only, with a warning', () => {
    const { groups, problems } = parse('groups: []\n---\ngroups: {bad: 1}\n');
    expect(groups).toEqual([]);
    expect(problems.map((p) => [p.severity, p.line])).toEqual([['warning', 3]]);
  });

  it('follows anchors and merge keys', () => {
    const src = `groups:
  - name: g
    rules:
      - &base
        alert: A
        expr: up == 0
        labels: &labels {severity: page}
      - <<: *base
        alert: B
        labels: *labels
`;
    const { groups, problems } = parse(src);
    expect(problems).toEqual([]);
    expect(groups[0]!.rules.map((r) => [r.name, r.expr, r.labels])).toEqual([
      ['A', 'up == 0', { severity: 'page' }],
      ['B', 'up == 0', { severity: 'page' }],
    ]);
  });

  it('reports duplicate keys like Go yaml, at the second key', () => {
    expect(where('groups:\n  - name: a\n    name: b\n')).toEqual([
      'error 3:5 mapping key "name" already defined at line 2',
    ]);
  });
});
