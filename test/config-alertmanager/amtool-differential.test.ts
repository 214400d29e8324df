/**
 * Differential test against the real `amtool check-config` (Debian prometheus-alertmanager 0.25): random
 * mutations of valid configs must get the same verdict from Klaxon's loader in legacy/classic mode, which is
 * what 0.25 implements (no UTF-8 names or matcher syntax).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { runPool } from '../support/pool.js';
import { readScenarioConfig } from './scenario-configs.js';

const run = promisify(execFile);
const AMTOOL = '/usr/bin/amtool';
const SCENARIOS = '/work/shared/scenarios';
const seeds = [
  ...['good.yml', 'minimal.yml', 'deprecated-match-and-mute-key.yml'].map((f) =>
    path.join(SCENARIOS, 'amtool/configs', f),
  ),
  ...readdirSync(path.join(SCENARIOS, 'cases')).map((d) => path.join(SCENARIOS, 'cases', d, 'alertmanager.yml')),
].map((f) => readScenarioConfig(f, 9));

const TOKENS = ['-1', 'yes', 'no', '~', '[]', '{}', "'(('", '0s', '1x', '...', 'monday:sunday', '-3:5', '24:00'];
const TOKENS2 = ['a=~"("', '{a="b"}', 'true', '5', '"5"', '[a, a]', 'x', '-5:-1', 'http://x', 'foo bar', `'a="b"'`];
const KEYS = ['send_resolved', 'max_alerts', 'continue', 'group_by', 'matchers', 'match', 'match_re', 'receiver'];
const KEYS2 = ['equal', 'times', 'location', 'weekdays', 'days_of_month', 'url', 'resolve_timeout', 'source_matchers'];

/** One line-level edit: replace a value, a key or a list item, drop or duplicate lines, or append to a value. */
function mutate(src: string, n: number, tok: string, kind: number): string {
  const lines = src.split('\n');
  const candidates = lines.map((l, j) => (/:\s*\S/.test(l) || /^\s*- /.test(l) ? j : -1)).filter((j) => j >= 0);
  const j = candidates[n % candidates.length]!;
  const keys = [...KEYS, ...KEYS2];
  if (kind === 0) lines[j] = lines[j]!.replace(/:\s*\S.*$/, `: ${tok}`);
  else if (kind === 1) lines.splice(j, 1);
  else if (kind === 2) lines[j] = lines[j]!.replace(/- .*$/, `- ${tok}`);
  else if (kind === 3) lines.splice(j, 0, lines[j]!);
  else if (kind === 4) lines[j] = lines[j]!.replace(/^(\s*-?\s*)[a-z_]+:/, `$1${keys[n % keys.length]}:`);
  else lines[j] = lines[j]!.replace(/(\S)\s*$/, `$1${tok}`);
  return lines.join('\n');
}

const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-amtool-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('differential: amtool check-config', () => {
  it('agrees on the verdict for 300 mutated configs', async () => {
    const samples = fc.sample(
      fc.tuple(fc.nat(seeds.length - 1), fc.nat(), fc.constantFrom(...TOKENS, ...TOKENS2), fc.nat(5)),
      { numRuns: 300, seed: 20261126 },
    );
    const disagreements: string[] = [];
    let invalid = 0;
    const check = async ([si, n, tok, kind]: (typeof samples)[number], i: number) => {
      const source = mutate(seeds[si]!, n, tok, kind);
      const file = path.join(dir, `c${i}.yml`);
      writeFileSync(file, source);
      const amtoolOk = await run(AMTOOL, ['check-config', file]).then(
        () => true,
        () => false,
      );
      const { config, problems } = parseAlertmanagerConfig(file, source, {
        validationScheme: 'legacy',
        matcherMode: 'classic',
      });
      if (!amtoolOk) invalid++;
      if ((config !== undefined) !== amtoolOk) {
        disagreements.push(`${file}: amtool ${amtoolOk ? 'accepts' : 'rejects'}; Klaxon: ${problems[0]?.message}`);
      }
    };
    // A few amtool processes at a time: enough to overlap process start-up without swamping the machine.
    await runPool(samples, { limit: 4 }, check);
    expect(disagreements).toEqual([]);
    // The mutations must exercise both verdicts to mean anything.
    expect(invalid).toBeGreaterThan(50);
    expect(invalid).toBeLessThan(250);
  }, 120_000);
});
