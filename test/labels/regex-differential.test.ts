/**
 * Differential test of matcher regexes (parsing with the classic parser, anchoring, RE2 semantics) against the
 * real Alertmanager 0.25 (`amtool config routes test`): a route with a random `=~` or `!~` matcher must accept
 * exactly the label values Alertmanager accepts, and reject exactly the patterns Go's regexp rejects.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { matchRoutes } from '../../src/dispatch/route.js';
import { runPool } from '../support/pool.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-regex-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const atom = fc.constantFrom(
  'a',
  'b',
  'A',
  '1',
  '.',
  '[a-b]',
  '[^a]',
  '\\d',
  '\\w',
  '\\s',
  '[[:alpha:]]',
  '\\pL',
  '_',
  '(',
  ')',
);
const quantifier = fc.constantFrom('', '', '*', '+', '?', '{1,2}', '*?', '{2}');
const piece = fc.tuple(atom, quantifier).map(([a, q]) => a + q);
const regex = fc
  .tuple(
    fc.constantFrom('', '', '(?i)', '(?s)'),
    fc.array(piece, { minLength: 1, maxLength: 4 }),
    fc.array(piece, { maxLength: 3 }),
  )
  .map(([flag, left, right]) => flag + left.join('') + (right.length > 0 ? `|${right.join('')}` : ''));
const value = fc
  .array(fc.constantFrom('a', 'b', 'A', '1', '_', '.', 'é'), { minLength: 1, maxLength: 4 })
  .map((cs) => cs.join(''));

describe('differential: regex matchers against Alertmanager 0.25', () => {
  it('accepts and rejects the same patterns and values', async () => {
    const samples = fc.sample(
      fc.tuple(regex, fc.constantFrom('=~', '!~'), fc.array(value, { minLength: 4, maxLength: 4 })),
      {
        numRuns: 40,
        seed: 77,
      },
    );
    const disagreements: string[] = [];
    let invalidPatterns = 0;
    let hits = 0;
    const check = async ([re, op, values]: (typeof samples)[number], i: number) => {
      const matcher = `x${op}"${re.replaceAll('\\', '\\\\')}"`;
      const source = `route:\n  receiver: default\n  routes:\n    - matchers: ['${matcher.replaceAll("'", "''")}']\n      receiver: hit\nreceivers: [{name: default}, {name: hit}]\n`;
      const file = path.join(dir, `c${i}.yml`);
      writeFileSync(file, source);
      const { config } = parseAlertmanagerConfig(file, source, { validationScheme: 'legacy', matcherMode: 'classic' });
      const amtoolValid = await run('/usr/bin/amtool', ['check-config', file]).then(
        () => true,
        () => false,
      );
      if (!amtoolValid) invalidPatterns++;
      if ((config !== undefined) !== amtoolValid) {
        disagreements.push(`${matcher}: amtool ${amtoolValid ? 'accepts' : 'rejects'} the pattern`);
        return;
      }
      if (!config) return;
      for (const v of values) {
        const { stdout } = await run('/usr/bin/amtool', [
          'config',
          'routes',
          'test',
          `--config.file=${file}`,
          `x=${v}`,
        ]);
        const ours = matchRoutes(config.route, { x: v })[0]!.route.receiver;
        if (ours === 'hit') hits++;
        if (stdout.trim() !== ours)
          disagreements.push(`${matcher} with x=${v}: amtool ${stdout.trim()}, Klaxon ${ours}`);
      }
    };
    await runPool(samples, { limit: 4 }, check);
    expect(disagreements).toEqual([]);
    // Both outcomes occur, so the comparison means something.
    expect(invalidPatterns).toBeGreaterThan(0);
    expect(hits).toBeGreaterThan(10);
    expect(hits).toBeLessThan(150);
  }, 120_000);
});
