import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { MatcherError, parseMatcher, parseMatchers } from '../../src/labels/matcher.js';

const SCENARIOS = '/work/shared/scenarios';
const seeds = [
  ...readdirSync(path.join(SCENARIOS, 'amtool/configs')).map((f) => path.join(SCENARIOS, 'amtool/configs', f)),
  ...readdirSync(path.join(SCENARIOS, 'cases')).map((d) => path.join(SCENARIOS, 'cases', d, 'alertmanager.yml')),
].map((f) => readFileSync(f, 'utf8').replaceAll('{{SINK_PORT}}', '9'));

const TOKENS = [
  '-1',
  'yes',
  'no',
  '~',
  '[]',
  '{}',
  "'(('",
  '"{{"',
  '*anchor',
  '&anchor x',
  '<<: {}',
  '0s',
  '1x',
  '...',
  'monday:sunday',
  '-3:5',
  '24:00',
  'Mars/Olympus',
  'a=~"("',
  '{a="b"}',
  '\t',
  ':',
  '- ',
  '\n  ',
  '#',
  '!!binary x',
  '9223372036854775807y',
];

type Mutation = (src: string) => string;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat(40)).map(
    ([at, len]): Mutation =>
      (s) =>
        s.slice(0, at % (s.length + 1)) + s.slice((at % (s.length + 1)) + len),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)).map(
    ([at, tok]): Mutation =>
      (s) =>
        s.slice(0, at % (s.length + 1)) + tok + s.slice(at % (s.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.string({ maxLength: 8 })).map(
    ([at, str]): Mutation =>
      (s) =>
        s.slice(0, at % (s.length + 1)) + str + s.slice(at % (s.length + 1)),
  ),
  // Replace the value of one `key: value` line with a token.
  fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)).map(
    ([n, tok]): Mutation =>
      (s) => {
        const lines = s.split('\n');
        const idx = lines.map((l, i) => (/:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
        if (idx.length === 0) return s;
        const i = idx[n % idx.length]!;
        lines[i] = lines[i]!.replace(/:\s*\S.*$/, `: ${tok}`);
        return lines.join('\n');
      },
  ),
  // Duplicate or drop a line.
  fc.tuple(fc.nat(), fc.boolean()).map(
    ([n, dup]): Mutation =>
      (s) => {
        const lines = s.split('\n');
        const i = n % lines.length;
        lines.splice(i, dup ? 0 : 1, ...(dup ? [lines[i]!] : []));
        return lines.join('\n');
      },
  ),
);

describe('fuzz', () => {
  it('never crashes the loader on mutated configs (always structured problems)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, ms) => {
        const source = ms.reduce((s, m) => m(s), seed);
        const { config, problems } = parseAlertmanagerConfig('fuzz.yml', source);
        for (const p of problems) {
          expect(p.file).toBe('fuzz.yml');
          expect(Number.isInteger(p.line) && p.line >= 1).toBe(true);
          expect(Number.isInteger(p.col) && p.col >= 1).toBe(true);
          expect(typeof p.message).toBe('string');
          expect(p.message.length).toBeGreaterThan(0);
        }
        if (!config) expect(problems.some((p) => p.severity === 'error')).toBe(true);
        else expect(problems.every((p) => p.severity === 'warning')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never crashes the matcher parsers (a list of matchers or a MatcherError)', () => {
    const chars = fc.constantFrom(...'ab_:é日 \t\n{}!=~,"\'`\\()[]*+?.|^$-0x'.split(''), '\\x41', '\\u00e9', '\ud800');
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 30 }),
        fc.constantFrom('fallback', 'utf8', 'classic' as const),
        (cs, mode) => {
          const input = cs.join('');
          for (const parse of [() => parseMatchers(input, mode), () => [parseMatcher(input, mode)]]) {
            try {
              const ms = parse();
              for (const m of ms) {
                expect(typeof m.toString()).toBe('string');
                expect(typeof m.matches('x')).toBe('boolean');
              }
            } catch (e) {
              expect(e).toBeInstanceOf(MatcherError);
              expect((e as MatcherError).offset).toBeGreaterThanOrEqual(0);
            }
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
