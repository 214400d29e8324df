/**
 * The real amtool (Debian prometheus-alertmanager 0.25) against Klaxon's API, command by command, compared
 * with the transcript recorded against Alertmanager 0.25 (/work/shared/scenarios/amtool/cases.json).
 * The commands share one server and run in the recorded order, as they were recorded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMTOOL_BIN } from '../support/binaries.js';
import { runAmtool } from './run.js';
import { type AmtoolServer, startAmtoolServer } from './server.js';

const DIR = '/work/shared/scenarios/amtool';

interface RecordedCase {
  name: string;
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

const recorded = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { cases: RecordedCase[] };
// check-config and --version never reach a server; they test amtool itself.
const cases = recorded.cases.filter((c) => c.argv.some((a) => a.includes('{{PORT}}')));

/** The alerts the recording server held before the commands ran (labels and annotations as the outputs show). */
const ALERTS = [
  {
    labels: { alertname: 'NodeDown', cluster: 'c1', instance: 'i3', severity: 'critical', team: 'db' },
    annotations: { summary: 'node down', description: 'multi\nline' },
  },
  {
    labels: { alertname: 'HighLatency', cluster: 'c1', instance: 'i1', service: 'web', severity: 'warning' },
    annotations: { summary: 'p99 > 1s' },
  },
  {
    labels: { alertname: 'HighLatency', cluster: 'c2', instance: 'i2', service: 'web', severity: 'warning' },
    annotations: { summary: 'p99 > 1s' },
  },
  { labels: { alertname: 'DiskFull', cluster: 'c2', instance: 'i4', severity: 'info', team: 'db' } },
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const NIL_LIKE = '00000000-0000-4000-8000-000000000000';

let server: AmtoolServer;
let home: string;
const ids: string[] = [];

function normalise(text: string, port: string): string {
  return text
    .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:{{PORT}}')
    .replace(UUID, (id) => {
      if (id === NIL_LIKE) return id;
      if (!ids.includes(id)) ids.push(id);
      return `<silence-id-${ids.indexOf(id) + 1}>`;
    })
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, '<time>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '<rfc3339-time>');
}

function concreteArgs(argv: string[], port: string): string[] {
  // The one recorded command with literal times asks for a start after the end.
  const times = [new Date(Date.now() + 2 * 3600_000), new Date(Date.now() + 3600_000)].map((d) =>
    d.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  );
  return argv.slice(1).map((a) =>
    a
      .replace('{{PORT}}', port)
      .replace(/<silence-id-(\d+)>/, (_all, n: string) => ids[Number(n) - 1] ?? 'unknown')
      .replace('<rfc3339-time>', () => times.shift()!),
  );
}

beforeAll(async () => {
  if (!existsSync(AMTOOL_BIN)) throw new Error(`${AMTOOL_BIN} is missing: apt-get install prometheus-alertmanager`);
  const config = readFileSync(join(DIR, 'configs/good.yml'), 'utf8');
  server = await startAmtoolServer(config);
  home = mkdtempSync(join(tmpdir(), 'klaxon-amtool-'));
  const res = await fetch(`${server.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ALERTS),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('amtool 0.25 against Klaxon', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.argv.slice(2).join(' ')}`, async () => {
      const port = new URL(server.url).port;
      // Asynchronous: the server under test runs in this process and must keep answering.
      const run = await runAmtool(concreteArgs(c.argv, port), home);
      const got = {
        exitCode: run.code,
        stdout: normalise(run.stdout, port),
        stderr: normalise(run.stderr, port),
      };
      expect(got).toEqual({ exitCode: c.exitCode, stdout: c.stdout, stderr: c.stderr });
    });
  }
});
