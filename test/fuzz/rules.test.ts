/**
 * Rule files: 10,000 inputs from three generators (mutated corpus files, YAML built from random rule-shaped
 * structures, raw bytes). parseRuleFile never throws; every problem is `file:line:col: message`; any error
 * means no groups.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_LOAD_OPTIONS, parseRuleFile } from '../../src/config/rules/index.js';
import { checkRuleTemplate } from '../../src/template/index.js';
import { CORPUS } from '../config-rules/corpus.js';
import { expectPositioned, FUZZ_TIMEOUT_MS, failOnProcessErrors, RUNS, rawText } from './support.js';

failOnProcessErrors();

const seeds = ['edge-accepted', 'invalid'].flatMap((dir) =>
  readdirSync(path.join(CORPUS, dir))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => readFileSync(path.join(CORPUS, dir, f), 'utf8')),
);

const FRAGMENTS = [
  ...[':', '- ', ' ', '\n', '\t', '{', '}', '[', ']', '"', "'", '*a', '&a ', '<<: ', '!!str ', '!!int ', '|', '>-'],
  ...['#', '---\n', '...\n', '~', '0', '-1', '1e400', '0x1f', 'yes', '{{', '}}', '{{ $labels.x }}', '(', ')'],
  ...['rate(', 'sum by (', ' offset ', '@ 1', '[5m]', '[5m:1m]', 'for: ', 'labels:', 'expr: ', 'alert: ', 'record: '],
  ...['\u{1F600}', '\uD800', '\u0000', '\r\n', '\uFEFF', '%', '@', '=~"("', '{__name__=""}'],
];

const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constant('insert' as const), fc.nat(), fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string())),
        fc.tuple(fc.constant('delete' as const), fc.nat(), fc.integer({ min: 1, max: 20 })),
        fc.tuple(fc.constant('line' as const), fc.nat(), fc.nat()),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([seed, ms]) =>
    ms.reduce((s, [kind, a, b]) => {
      const at = a % (s.length + 1);
      if (kind === 'insert') return s.slice(0, at) + b + s.slice(at);
      if (kind === 'delete') return s.slice(0, at) + s.slice(at + b);
      const lines = s.split('\n');
      const i = a % lines.length;
      lines.splice(b % (lines.length + 1), 0, lines[i]!);
      return lines.join('\n');
    }, seed),
  );

// YAML scalars that are wrong in interesting ways for some field: durations, names, exprs, templates, types.
const scalar = fc.oneof(
  fc.constantFrom('5m', '1h30m', '0s', '-1m', '1.5m', '5 minutes', '', '0', 'null', 'true', '[]', '{}', '1y1w1d'),
  fc.constantFrom('up == 0', 'sum(rate(x[5m])) by (job)', 'foo{', 'vector(1)', 'histogram_quantile(0.9, x)', ')'),
  fc.constantFrom('Up', 'job:up:sum', 'bad name', 'a-b', '0x', '__name__', 'ünïcode', '{{ .Value }}', '{{ if }}'),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const labelMap = fc.dictionary(
  fc.oneof(fc.constantFrom('severity', 'team', '__x', '0a', 'a b'), fc.string({ maxLength: 6 })),
  scalar,
  {
    maxKeys: 3,
  },
);
const rule = fc.record(
  {
    alert: scalar,
    record: scalar,
    expr: scalar,
    for: scalar,
    keep_firing_for: scalar,
    labels: fc.oneof(labelMap, scalar),
    annotations: fc.oneof(labelMap, scalar),
    extra_field: scalar,
  },
  { requiredKeys: [] },
);
const group = fc.record(
  {
    name: scalar,
    interval: scalar,
    query_offset: scalar,
    limit: scalar,
    labels: labelMap,
    rules: fc.oneof(fc.array(fc.oneof(rule, scalar), { maxLength: 4 }), scalar),
  },
  { requiredKeys: [] },
);
const structured = fc
  .record({ groups: fc.oneof(fc.array(fc.oneof(group, scalar), { maxLength: 3 }), scalar) }, { requiredKeys: [] })
  .chain((doc) => fc.constantFrom(JSON.stringify(doc), toBlockYaml(doc)));

/** Block-style YAML so the parser sees indentation and positions, not just JSON flow syntax. */
function toBlockYaml(v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return v.map((x) => `\n${indent}- ${toBlockYaml(x, `${indent}  `).replace(/^\n\s*/, '')}`).join('');
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    return entries.map(([k, x]) => `\n${indent}${JSON.stringify(k)}: ${toBlockYaml(x, `${indent}  `)}`).join('');
  }
  return JSON.stringify(v) ?? 'null';
}

describe('rule file fuzzing', () => {
  it(
    'returns groups or positioned problems for 10,000 generated files',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            { weight: 5, arbitrary: mutated },
            { weight: 4, arbitrary: structured },
            { weight: 1, arbitrary: rawText },
          ),
          fc.constantFrom('utf8' as const, 'legacy' as const),
          (source, validationScheme) => {
            const { groups, problems } = parseRuleFile('fuzz.yml', source, {
              ...DEFAULT_RULE_LOAD_OPTIONS,
              validationScheme,
              checkTemplate: checkRuleTemplate,
            });
            for (const p of problems) expectPositioned(p, 'fuzz.yml');
            if (problems.some((p) => p.severity === 'error')) expect(groups).toEqual([]);
            for (const g of groups) {
              expect(g.intervalMs).toBeGreaterThan(0);
              for (const r of g.rules) expect(r.name.length > 0 && r.expr.length > 0).toBe(true);
            }
          },
        ),
        RUNS,
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
