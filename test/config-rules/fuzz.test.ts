/** Random mutations of valid rule files never crash the loader: the answer is always groups or positioned problems. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../../src/config/rules/parse.js';
import { DEFAULT_RULE_LOAD_OPTIONS } from '../../src/config/rules/types.js';
import { CORPUS } from './corpus.js';

const MANIFEST = `apiVersion: v1
kind: List
items:
  - apiVersion: monitoring.coreos.com/v1
    kind: PrometheusRule
    metadata: {name: demo, namespace: ops}
    spec:
      groups:
        - name: demo
          interval: 30s
          partial_response_strategy: warn
          labels: {team: ops}
          rules:
            - alert: Down
              expr: up{job=~"api|web"} == 0
              for: 5m
              labels: {severity: page}
              annotations: {summary: "{{ $labels.instance }} down"}
            - record: job:up:sum
              expr: sum by (job) (up)
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: other}
spec:
  groups: []
`;

const seeds = [
  ...readdirSync(path.join(CORPUS, 'edge-accepted'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => readFileSync(path.join(CORPUS, 'edge-accepted', f), 'utf8')),
  readFileSync(path.join(CORPUS, 'invalid', 'multiple-errors.yml'), 'utf8'),
  MANIFEST,
];

const FRAGMENTS = [
  ':',
  '- ',
  ' ',
  '\n',
  '\t',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '`',
  '*a',
  '&a ',
  '<<: ',
  '!!str ',
  '|',
  '>',
  '#',
  '---\n',
  '~',
  '0',
  '1.5',
  'yes',
  '{{',
  '}}',
  '(',
  ')',
  'rate(',
  'for: ',
  'labels:',
  'expr: ',
  '\u{1F600}',
  '\uD800',
  '%',
  '@',
];

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate-line'; line: number }
  | { kind: 'swap-lines'; a: number; b: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
);

function apply(source: string, m: Mutation): string {
  if (m.kind === 'insert') {
    const at = m.at % (source.length + 1);
    return source.slice(0, at) + m.text + source.slice(at);
  }
  if (m.kind === 'delete') {
    const at = m.at % (source.length + 1);
    return source.slice(0, at) + source.slice(at + m.length);
  }
  const lines = source.split('\n');
  if (m.kind === 'duplicate-line') {
    const i = m.line % lines.length;
    lines.splice(i, 0, lines[i]!);
  } else {
    const a = m.a % lines.length;
    const b = m.b % lines.length;
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
  }
  return lines.join('\n');
}

describe('rule loader fuzzing', () => {
  it('always returns structured, positioned problems (2,000 mutated files)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('utf8' as const, 'legacy' as const),
        (seed, mutations, validationScheme) => {
          const source = mutations.reduce(apply, seed);
          const { groups, problems } = parseRuleFile('fuzz.yml', source, {
            ...DEFAULT_RULE_LOAD_OPTIONS,
            validationScheme,
          });
          for (const p of problems) {
            expect(p.file).toBe('fuzz.yml');
            expect(Number.isInteger(p.line) && p.line >= 1).toBe(true);
            expect(Number.isInteger(p.col) && p.col >= 1).toBe(true);
            expect(typeof p.message === 'string' && p.message.length > 0).toBe(true);
            expect(['error', 'warning']).toContain(p.severity);
          }
          if (problems.some((p) => p.severity === 'error')) expect(groups).toEqual([]);
          for (const g of groups) {
            expect(g.intervalMs).toBeGreaterThan(0);
            for (const r of g.rules) expect(r.name.length > 0 && r.expr.length > 0).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
