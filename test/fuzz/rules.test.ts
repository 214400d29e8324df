/**
 * Rule files: 10,000 inputs from three generators (mutated corpus files, YAML built from random rule-shaped
 * structures, raw bytes). parseRuleFile never throws; every problem is `file:line:col: message`; any error
 * means no groups.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { DEFAULT_RULE_LOAD_OPTIONS, parseRuleFile } from '../../src/config/rules/index.js';
import { checkRuleTemplate } from '../../src/template/index.js';
import { CORPUS } from '../config-rules/corpus.js';
import { deletion, editedSeed, expectPositioned, failOnProcessErrors, fuzzConfigFiles, insertion } from './support.js';

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

// Copies one line to another place, so keys and list items turn up where they do not belong.
const lineCopy = fc.tuple(fc.nat(), fc.nat()).map(([from, to]) => (text: string) => {
  const lines = text.split('\n');
  lines.splice(to % (lines.length + 1), 0, lines[from % lines.length]!);
  return lines.join('\n');
});
const mutated = editedSeed(seeds, [insertion(FRAGMENTS), deletion(20), lineCopy]);

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
  fuzzConfigFiles(
    'returns groups or positioned problems for 10,000 generated files',
    mutated,
    structured,
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
  );
});
