import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KlaxonInstance, startKlaxon } from '../../src/app/klaxon.js';
import { resolveSettings } from '../../src/config/klaxon.js';
import { type FakeDatasource, startFakeDatasource } from '../support/datasource.js';
import { freePort, waitFor } from '../support/net.js';
import { deleteInstanceKeys } from '../support/redis-deps.js';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';

const amConfig = (sinkUrl: string, receiver = 'team') => `
route:
  receiver: ${receiver}
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: ${receiver}
    webhook_configs:
      - url: ${sinkUrl}/${receiver}
`;

const rules = `
groups:
  - name: app
    interval: 1s
    rules:
      - alert: QueueTooLong
        expr: queue_length > 10
        labels: { severity: page }
        annotations: { summary: 'queue {{ $labels.queue }} holds {{ $value }} items' }
`;

async function configDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'klaxon-app-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

function settingsFor(dir: string, extra: Parameters<typeof resolveSettings>[1]) {
  return resolveSettings(
    { rule_files: ['rules.yml'], alertmanager_config: 'alertmanager.yml' },
    { listenAddress: '127.0.0.1:0', keyPrefix: `klaxon-test-app-${process.pid}-${Date.now()}:`, ...extra },
    dir,
  );
}

describe('a Klaxon instance', () => {
  let sink: WebhookSink;
  let datasource: FakeDatasource;
  let dir: string;
  let klaxon: KlaxonInstance;
  let keyPrefix: string;

  beforeAll(async () => {
    sink = await startWebhookSink();
    datasource = await startFakeDatasource();
    dir = await configDir({ 'alertmanager.yml': amConfig(sink.url), 'rules.yml': rules });
    const settings = settingsFor(dir, { datasourceUrl: datasource.url });
    keyPrefix = settings.keyPrefix;
    klaxon = await startKlaxon({ settings, logger: pino({ level: 'silent' }) });
    await klaxon.ready;
  });

  afterAll(async () => {
    await klaxon?.stop();
    await Promise.all([sink?.close(), datasource?.close()]);
    await rm(dir, { recursive: true, force: true });
    await deleteInstanceKeys(keyPrefix);
  });

  it('is ready and serves the status page', async () => {
    expect(await (await fetch(`${klaxon.url}/-/ready`)).text()).toBe('OK');
    const page = await (await fetch(`${klaxon.url}/`)).text();
    expect(page).toContain('<td>app</td>');
  });

  it('exposes Redis reachability, its round trip and every queue depth on /metrics', async () => {
    const metrics = await (await fetch(`${klaxon.url}/metrics`)).text();
    expect(metrics).toContain('klaxon_redis_up 1');
    expect(metrics).toMatch(/^klaxon_redis_ping_seconds 0\.\d+/m);
    for (const queue of ['group-flush', 'notify', 'rule-eval']) {
      expect(metrics).toMatch(new RegExp(`^klaxon_queue_jobs\\{queue="${queue}",state="waiting"\\} \\d+$`, 'm'));
    }
    expect(metrics).toContain('klaxon_rule_group_iterations_total');
    expect(metrics).toContain('process_resident_memory_bytes');
  });

  it('routes a posted alert to its webhook receiver', async () => {
    const res = await fetch(`${klaxon.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'Posted', instance: 'a' }, annotations: { summary: 'hi' } }]),
    });
    expect(res.status).toBe(200);
    const delivery = await waitFor(() => sink.deliveries.find((d) => d.body.groupKey === '{}:{alertname="Posted"}'), {
      what: 'the webhook notification',
    });
    expect(delivery.path).toBe('/team');
    expect(delivery.body.status).toBe('firing');
    expect(delivery.body.alerts?.[0]?.labels).toEqual({ alertname: 'Posted', instance: 'a' });
  });

  it('evaluates its rules and notifies when one fires', async () => {
    datasource.set('queue_length > 10', [{ labels: { __name__: 'queue_length', queue: 'mail' }, value: 42 }]);
    const delivery = await waitFor(
      () => sink.deliveries.find((d) => d.body.groupKey === '{}:{alertname="QueueTooLong"}'),
      { timeoutMs: 15_000, what: 'the rule notification' },
    );
    expect(delivery.body.alerts?.[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'QueueTooLong', queue: 'mail', severity: 'page' },
      annotations: { summary: 'queue mail holds 42 items' },
    });
  });

  it('keeps the running configuration when a reload is invalid', async () => {
    await writeFile(join(dir, 'alertmanager.yml'), 'route:\n  receiver: nobody\nreceivers: []\n');
    const res = await fetch(`${klaxon.url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/^failed to reload config: .*alertmanager\.yml:\d+:\d+: .*nobody/);
    const metrics = await (await fetch(`${klaxon.url}/metrics`)).text();
    expect(metrics).toContain('klaxon_config_last_reload_successful 0');
    const status = (await (await fetch(`${klaxon.url}/api/v2/status`)).json()) as { config: { original: string } };
    expect(status.config.original).toContain('receiver: team');

    await writeFile(join(dir, 'alertmanager.yml'), amConfig(sink.url, 'other'));
    expect((await fetch(`${klaxon.url}/-/reload`, { method: 'POST' })).status).toBe(200);
    const after = (await (await fetch(`${klaxon.url}/api/v2/status`)).json()) as { config: { original: string } };
    expect(after.config.original).toContain('receiver: other');
    expect(await (await fetch(`${klaxon.url}/metrics`)).text()).toContain('klaxon_config_last_reload_successful 1');
  });
});

describe('start-up on a port in use', () => {
  it('rejects with EADDRINUSE', async () => {
    const dir = await configDir({ 'alertmanager.yml': amConfig('http://127.0.0.1:1'), 'rules.yml': 'groups: []\n' });
    const settings = settingsFor(dir, {});
    const first = await startKlaxon({ settings, logger: pino({ level: 'silent' }) });
    try {
      const taken = first.url.replace(/^http:\/\//, '');
      await expect(
        startKlaxon({ settings: settingsFor(dir, { listenAddress: taken }), logger: pino({ level: 'silent' }) }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.stop();
      await rm(dir, { recursive: true, force: true });
      await deleteInstanceKeys(settings.keyPrefix);
    }
  });
});

describe('start-up without Redis', () => {
  it('says Redis is unreachable on /-/ready and becomes ready once Redis starts', async () => {
    const port = await freePort();
    const dir = await configDir({ 'alertmanager.yml': amConfig('http://127.0.0.1:1'), 'rules.yml': 'groups: []\n' });
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });
    const klaxon = await startKlaxon({ settings: settingsFor(dir, { redisUrl: `redis://127.0.0.1:${port}` }), logger });
    let redis: ReturnType<typeof spawn> | undefined;
    try {
      const notReady = await fetch(`${klaxon.url}/-/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.text()).toContain(`Redis at redis://127.0.0.1:${port}`);
      await waitFor(() => logs.some((l) => l.includes('cannot reach Redis')), { what: 'the Redis error line' });
      expect(logs.filter((l) => l.includes('cannot reach Redis'))).toHaveLength(1);

      redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await waitFor(async () => ((await fetch(`${klaxon.url}/-/ready`)).status === 200 ? true : undefined), {
        timeoutMs: 20_000,
        what: 'readiness after Redis started',
      });
    } finally {
      await klaxon.stop();
      redis?.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('instances with separate roles on one Redis', () => {
  it('split the pipeline: api ingests, ruler evaluates, router and notifier deliver, each once', async () => {
    const sink = await startWebhookSink();
    const datasource = await startFakeDatasource();
    const dir = await configDir({ 'alertmanager.yml': amConfig(sink.url), 'rules.yml': rules });
    const keyPrefix = `klaxon-test-roles-${process.pid}-${Date.now()}:`;
    const settings = settingsFor(dir, { datasourceUrl: datasource.url, keyPrefix });
    const logger = pino({ level: 'silent' });
    const instances: KlaxonInstance[] = [];
    try {
      for (const roles of [['api'], ['ruler'], ['router', 'notifier']] as const) {
        instances.push(await startKlaxon({ settings, roles, logger }));
      }
      await Promise.all(instances.map((k) => k.ready));
      const [api, ruler, worker] = instances as [KlaxonInstance, KlaxonInstance, KlaxonInstance];

      // Only the api instance serves the APIs; every instance answers health, readiness and metrics.
      for (const k of instances) expect(await (await fetch(`${k.url}/-/ready`)).text()).toBe('OK');
      expect((await fetch(`${ruler.url}/api/v2/alerts`)).status).toBe(404);
      expect((await fetch(`${worker.url}/api/v2/status`)).status).toBe(404);
      expect((await fetch(`${api.url}/api/v1/rules`)).status).toBe(200);

      const posted = await fetch(`${api.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'Posted', instance: 'a' } }]),
      });
      expect(posted.status).toBe(200);
      datasource.set('queue_length > 10', [{ labels: { __name__: 'queue_length', queue: 'mail' }, value: 42 }]);
      const groupKeys = ['{}:{alertname="Posted"}', '{}:{alertname="QueueTooLong"}'];
      await waitFor(
        () => (groupKeys.every((k) => sink.deliveries.some((d) => d.body.groupKey === k)) ? true : undefined),
        {
          timeoutMs: 20_000,
          what: 'both notifications',
        },
      );

      // The api instance's rule view shows the state the ruler instance keeps in Redis.
      const view = (await (await fetch(`${api.url}/api/v1/alerts`)).json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      };
      expect(view.data.alerts.map((a) => [a.labels.alertname, a.state])).toEqual([['QueueTooLong', 'firing']]);

      // group_interval is 1s: a second firing notification for either group would come within ~2s.
      await new Promise((r) => setTimeout(r, 2500));
      for (const key of groupKeys) {
        expect(sink.deliveries.filter((d) => d.body.groupKey === key && d.body.status === 'firing')).toHaveLength(1);
      }
    } finally {
      for (const k of instances.reverse()) await k.stop();
      await Promise.all([sink.close(), datasource.close()]);
      await rm(dir, { recursive: true, force: true });
      await deleteInstanceKeys(keyPrefix);
    }
  }, 60_000);
});
