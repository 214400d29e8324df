import { spawn } from 'node:child_process';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuler, type Ruler, type RulerOptions } from '../../src/app/ruler.js';
import type { RuleConfig, RuleGroupConfig } from '../../src/config/rules/types.js';
import { DATASOURCE_DOWN_ALERT } from '../../src/rules/group.js';
import type { PostableAlert } from '../../src/rules/sender.js';
import { CollectingSender, listen, metricTarget, sleep, startPrometheus, testDeps, waitFor } from './harness.js';

/** Takeover and datasource outages, against the Debian `prometheus` binary scraping a test-controlled target. */
const env = testDeps('ruler-failover');
let target: Awaited<ReturnType<typeof metricTarget>>;
let prom: Awaited<ReturnType<typeof startPrometheus>>;
const rulers: Ruler[] = [];

beforeAll(async () => {
  target = await metricTarget();
  target.values.set('klaxon_failover_up{host="a"}', 1);
  prom = await startPrometheus({ targetPort: target.port });
  await waitFor(async () => {
    const body = (await (await fetch(`${prom.url}/api/v1/query?query=klaxon_failover_up`)).json()) as {
      data: { result: unknown[] };
    };
    return body.data.result.length > 0;
  });
});

afterAll(async () => {
  for (const r of rulers) await r.stop();
  await prom?.stop();
  await target?.close();
  await env.cleanup();
});

const alertRule = (name: string, forMs: number): RuleConfig => ({
  kind: 'alerting',
  name,
  expr: 'klaxon_failover_up > 0',
  forMs,
  keepFiringForMs: 0,
  labels: {},
  annotations: {},
  index: 1,
});

const group = (name: string, rule: RuleConfig): RuleGroupConfig => ({
  file: 'failover.yml',
  name,
  intervalMs: 1000,
  queryOffsetMs: 0,
  limit: 0,
  labels: {},
  rules: [rule],
  source: name,
});

function newRuler(groups: RuleGroupConfig[], sender: CollectingSender, over: Partial<RulerOptions> = {}) {
  const r = createRuler(env.deps(), {
    groups,
    datasource: { url: prom.url, timeoutMs: 500 },
    sender,
    externalLabels: {},
    externalURL: 'http://klaxon.example',
    ...over,
  });
  rulers.push(r);
  return r;
}

async function apiGet(r: Ruler, url: string) {
  const app = Fastify();
  r.routes?.(app);
  const res = await app.inject({ method: 'GET', url });
  await app.close();
  return res.json().data;
}

describe('ruler failover', () => {
  it('an instance killed mid-for is replaced by another that fires at the original activeAt + for', async () => {
    const g = group('takeover', alertRule('Takeover', 4000));
    const senderA = new CollectingSender();
    const a = newRuler([g], senderA);
    await a.start();
    const pending = await waitFor(async () => (await apiGet(a, '/api/v1/alerts')).alerts[0], 10_000);
    expect(pending.state).toBe('pending');
    const activeAt = Date.parse(pending.activeAt);
    await waitFor(() => Date.now() > activeAt + 1500);
    await a.stop();
    await sleep(1000);
    const senderB = new CollectingSender();
    const b = newRuler([g], senderB);
    await b.start();
    const fired = await waitFor(() => senderB.named('Takeover')[0], 10_000);
    expect(fired.alert.startsAt).toBe(activeAt + 4000);
    expect(fired.at - (activeAt + 4000)).toBeLessThan(1000);
    expect(senderA.named('Takeover')).toEqual([]);
    const firing = (await apiGet(b, '/api/v1/alerts')).alerts[0];
    expect(firing).toMatchObject({ state: 'firing', activeAt: pending.activeAt });
    await b.stop();
  });

  it('an instance SIGKILLed mid-for is replaced by another process that fires at the original activeAt + for', async () => {
    // `for` leaves room for a cold `node --import tsx` start of the replacement on a busy machine.
    const g = group('sigkill', alertRule('Sigkill', 12_000));
    const received: { at: number; alerts: PostableAlert[] }[] = [];
    const sink = await listen((_req, body, res) => {
      received.push({ at: Date.now(), alerts: JSON.parse(body) });
      res.end();
    });
    const startProcess = async () => {
      const cfg = {
        keyPrefix: env.keyPrefix,
        queuePrefix: env.queuePrefix,
        groups: [g],
        datasourceUrl: prom.url,
        senderUrl: `http://127.0.0.1:${sink.port}/`,
      };
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/rules/fixtures/ruler-process.ts', JSON.stringify(cfg)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`ruler process exited with ${code}`)));
      });
      return child;
    };
    const observer = newRuler([g], new CollectingSender()); // API only: never started
    const first = await startProcess();
    const pending = await waitFor(async () => (await apiGet(observer, '/api/v1/alerts')).alerts[0], 15_000);
    const activeAt = Date.parse(pending.activeAt);
    await waitFor(() => Date.now() > activeAt + 1500);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const second = await startProcess();
    try {
      expect(Date.now()).toBeLessThan(activeAt + 11_000); // the replacement runs before the alert is due
      const fired = await waitFor(
        () => received.flatMap((b) => b.alerts).find((a) => a.labels.alertname === 'Sigkill'),
        20_000,
      );
      expect(fired.startsAt).toBe(activeAt + 12_000);
      const firedAt = received.find((b) => b.alerts.some((a) => a.labels.alertname === 'Sigkill'))!.at;
      expect(firedAt - (activeAt + 12_000)).toBeLessThan(1000);
    } finally {
      second.kill('SIGTERM');
      await sink.close();
    }
  }, 40_000);

  it('datasource down for 3+ intervals: nothing resolves, KlaxonDatasourceDown fires; back up: it resolves', async () => {
    const g = group('outage', alertRule('Steady', 0));
    const sender = new CollectingSender();
    const r = newRuler([g], sender, { resendDelayMs: 1000 });
    await r.start();
    await waitFor(() => sender.named('Steady')[0], 10_000);
    await sleep(500);
    const downAt = Date.now();
    await prom.stop(false);
    await sleep(4200);
    const rules = await apiGet(r, '/api/v1/rules');
    expect(rules.groups[0].rules[0]).toMatchObject({ health: 'err', state: 'firing' });
    expect(rules.groups[0].rules[0].lastError).toMatch(/fetch failed|ECONNREFUSED/);
    const down = sender.named(DATASOURCE_DOWN_ALERT);
    expect(down.length).toBeGreaterThan(0);
    expect(down[0]!.alert.labels).toEqual({
      alertname: DATASOURCE_DOWN_ALERT,
      datasource: prom.url,
      reason: 'unreachable',
    });
    expect(down[0]!.alert.endsAt!).toBeGreaterThan(down[0]!.at);
    // Fires on the 3rd failed evaluation, i.e. between 2 and 4 intervals after the outage began.
    expect(down[0]!.at - downAt).toBeGreaterThanOrEqual(2000);
    expect(down[0]!.at - downAt).toBeLessThan(4100);
    // The rule's alert was refreshed during the outage and never sent as resolved.
    const during = sender.named('Steady').filter((s) => s.at > downAt);
    expect(during.length).toBeGreaterThan(0);
    for (const s of sender.named('Steady')) expect(s.alert.endsAt!).toBeGreaterThan(s.at);

    prom = await startPrometheus({ targetPort: target.port, port: prom.port, dir: prom.dir });
    const resolved = await waitFor(
      () => sender.named(DATASOURCE_DOWN_ALERT).find((s) => s.alert.endsAt! <= s.at),
      15_000,
    );
    expect(resolved.alert.startsAt).toBe(down[0]!.alert.startsAt);
    for (const s of sender.named('Steady')) expect(s.alert.endsAt!).toBeGreaterThan(s.at);
    const after = await apiGet(r, '/api/v1/rules');
    expect(after.groups[0].rules[0]).toMatchObject({ health: 'ok', state: 'firing' });
    await r.stop();
  }, 40_000);
});
