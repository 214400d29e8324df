import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import type { ParseAlertmanagerOptions } from '../../src/config/alertmanager/types.js';
import { formatProblem } from '../../src/config/errors.js';
import { readScenarioConfig } from './scenario-configs.js';

const SCENARIOS = '/work/shared/scenarios';
const AMTOOL = path.join(SCENARIOS, 'amtool');

interface AmtoolCase {
  name: string;
  argv: string[];
  config?: string;
  exitCode: number;
  stdout: string;
}

const cases = (
  JSON.parse(readFileSync(path.join(AMTOOL, 'cases.json'), 'utf8')) as { cases: AmtoolCase[] }
).cases.filter((c) => c.argv[1] === 'check-config' && c.argv.length === 3 && c.config !== undefined);

/** amtool 0.25's message for a file, or undefined when it passed. */
function amtoolMessage(c: AmtoolCase): string | undefined {
  const m = /FAILED: ([\s\S]*?)\n?$/.exec(c.stdout);
  return m ? m[1]!.trim() : undefined;
}

/**
 * amtool 0.25 and current Alertmanager word a few errors differently; the kind (the same check failing) is what
 * must agree. Each entry maps amtool's text to the current upstream text Klaxon uses.
 */
const RENAMED: Record<string, string> = {
  'no routes provided': 'no route provided in config',
  'missing URL in webhook config': 'one of url or url_file must be configured',
  '"bad-label" is not a valid label name': 'invalid label name "bad-label" in equal list',
  // prometheus/common now names the unknown unit.
  'not a valid duration string: "1x"': 'unknown unit "x" in duration "1x"',
};

function expectedKind(amtool: string): string {
  if (amtool.startsWith('yaml: unmarshal errors:')) return amtool.split('\n')[1]!.replace(/^\s*line \d+: /, '');
  if (amtool.startsWith('yaml: line')) return 'yaml:';
  return RENAMED[amtool] ?? amtool;
}

// amtool 0.25 predates UTF-8 names and the UTF-8 matcher parser: it behaves like Klaxon's legacy/classic mode.
const AMTOOL_025: ParseAlertmanagerOptions = { validationScheme: 'legacy', matcherMode: 'classic' };

describe('amtool check-config parity', () => {
  it('covers the recorded cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(36);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const file = path.join(AMTOOL, c.config!);
    const { config, problems } = parseAlertmanagerConfig(file, readFileSync(file, 'utf8'), AMTOOL_025);
    const errors = problems.filter((p) => p.severity === 'error');
    const expected = amtoolMessage(c);
    if (c.exitCode === 0) {
      expect(errors.map(formatProblem)).toEqual([]);
      expect(config).toBeDefined();
      return;
    }
    expect(config).toBeUndefined();
    const kind = expectedKind(expected!);
    expect(errors.map((p) => p.message).some((m) => m.startsWith(kind))).toBe(true);
    for (const p of errors) {
      expect(p.file).toBe(file);
      expect(p.line).toBeGreaterThan(0);
      expect(p.col).toBeGreaterThan(0);
    }
  });

  it('accepts UTF-8 label names by default, as Alertmanager 0.28+ does', () => {
    for (const name of ['invalid-group-by-label.yml', 'inhibit-bad-equal-label.yml']) {
      const file = path.join(AMTOOL, 'configs', name);
      expect(parseAlertmanagerConfig(file, readFileSync(file, 'utf8')).problems).toEqual([]);
    }
  });

  it('gives the same verdicts in the default mode for every other case', () => {
    const utf8Only = new Set(['configs/invalid-group-by-label.yml', 'configs/inhibit-bad-equal-label.yml']);
    for (const c of cases) {
      if (utf8Only.has(c.config!)) continue;
      const file = path.join(AMTOOL, c.config!);
      const { config } = parseAlertmanagerConfig(file, readFileSync(file, 'utf8'));
      expect(config !== undefined, c.name).toBe(c.exitCode === 0);
    }
  });
});

describe('scenario configs', () => {
  const dirs = readdirSync(path.join(SCENARIOS, 'cases'));
  it('finds the scenarios', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(26);
  });

  it.each(dirs)('%s/alertmanager.yml loads without problems', (dir) => {
    const file = path.join(SCENARIOS, 'cases', dir, 'alertmanager.yml');
    const source = readScenarioConfig(file, 45678);
    const { config, problems } = parseAlertmanagerConfig(file, source);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(config?.route.receiver).toBeTruthy();
    expect(config?.original).toBe(source);
  });
});
