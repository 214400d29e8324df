/**
 * Differential test of the route tree against the real `amtool config routes test` (Alertmanager 0.25):
 * random label sets built from the names and values the configs' matchers mention must reach the same
 * receivers, in the same order.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import type { RouteConfig } from '../../src/config/alertmanager/types.js';
import { matchRoutes } from '../../src/dispatch/route.js';
import { runPool } from '../support/pool.js';
import { readScenarioConfig } from './scenario-configs.js';

const run = promisify(execFile);
const SCENARIOS = '/work/shared/scenarios';

const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-amtool-routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Subject {
  file: string;
  route: RouteConfig;
  /** Label name → values worth trying (from the matchers, plus values no matcher mentions). */
  pool: Map<string, string[]>;
}

function collect(route: RouteConfig, pool: Map<string, Set<string>>): void {
  for (const m of route.matchers) {
    const values = pool.get(m.name) ?? new Set<string>();
    // Regex matchers: try a few literal alternatives out of simple patterns like `^(?:web|api)$` or `web.*`.
    for (const v of m.value.replace(/^\^\(\?:|\)\$$/g, '').split('|')) values.add(v.replace(/[.*()^$]/g, ''));
    values.add('other');
    pool.set(m.name, values);
  }
  for (const child of route.routes) collect(child, pool);
}

const subjects: Subject[] = [
  path.join(SCENARIOS, 'amtool/configs/good.yml'),
  ...readdirSync(path.join(SCENARIOS, 'cases')).map((d) => path.join(SCENARIOS, 'cases', d, 'alertmanager.yml')),
].flatMap((src, i) => {
  const source = readScenarioConfig(src, 9);
  const file = path.join(dir, `config${i}.yml`);
  writeFileSync(file, source);
  const { config } = parseAlertmanagerConfig(file, source, { validationScheme: 'legacy', matcherMode: 'classic' });
  if (!config || config.route.routes.length === 0) return [];
  const pool = new Map<string, Set<string>>();
  collect(config.route, pool);
  if (pool.size === 0) return [];
  return [{ file, route: config.route, pool: new Map([...pool].map(([k, v]) => [k, [...v]])) }];
});

describe('differential: amtool config routes test', () => {
  it('reaches the same receivers for random label sets', async () => {
    expect(subjects.length).toBeGreaterThanOrEqual(5);
    const samples = fc.sample(
      fc.tuple(fc.nat(subjects.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 })),
      { numRuns: 150, seed: 5 },
    );
    const disagreements: string[] = [];
    const outcomes = new Set<string>();
    const check = async ([si, picks]: (typeof samples)[number]) => {
      const s = subjects[si]!;
      const names = [...s.pool.keys()];
      const labels: Record<string, string> = { alertname: 'Diff' };
      for (const [a, b] of picks) {
        const name = names[a % names.length]!;
        const values = s.pool.get(name)!;
        const value = values[b % values.length]!;
        if (value !== '') labels[name] = value;
      }
      const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
      const { stdout } = await run('/usr/bin/amtool', ['config', 'routes', 'test', `--config.file=${s.file}`, ...args]);
      const ours = matchRoutes(s.route, labels)
        .map((m) => m.route.receiver)
        .join(',');
      outcomes.add(ours);
      if (stdout.trim() !== ours)
        disagreements.push(`${s.file} ${args.join(' ')}: amtool ${stdout.trim()}, Klaxon ${ours}`);
    };
    await runPool(samples, { limit: 4 }, check);
    expect(disagreements).toEqual([]);
    // Many different receiver lists were reached, continue chains included.
    expect(outcomes.size).toBeGreaterThan(10);
    expect([...outcomes].some((o) => o.includes(','))).toBe(true);
  }, 120_000);
});
