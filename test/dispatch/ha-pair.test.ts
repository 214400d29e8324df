/**
 * Two Klaxon instances on one Redis receive the same alerts, as from an HA pair of Prometheus servers:
 * every notification is delivered exactly once (SEMANTICS §9 row 8).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KlaxonInstance, startKlaxon } from '../../src/app/klaxon.js';
import { resolveSettings } from '../../src/config/klaxon.js';
import { freePort } from '../support/net.js';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// group_wait 0 takes the other path: each instance's ingest finds the group due and claims its tick and its
// notification in the group add itself.
describe.each(['500ms', '0s'])('HA pair on one Redis (group_wait %s)', (groupWait) => {
  const PREFIX = `klaxon-test-dispatch-ha-${randomBytes(4).toString('hex')}:`;
  let sink: WebhookSink;
  let dir: string;
  const instances: KlaxonInstance[] = [];

  beforeAll(async () => {
    sink = await startWebhookSink();
    dir = mkdtempSync(join(tmpdir(), 'klaxon-ha-'));
    const configPath = join(dir, 'alertmanager.yml');
    writeFileSync(
      configPath,
      `route:
  receiver: hook
  group_by: [alertname]
  group_wait: ${groupWait}
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${sink.url}/hook
`,
    );
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const settings = resolveSettings(
        {},
        {
          listenAddress: `127.0.0.1:${port}`,
          externalURL: 'http://klaxon.example',
          keyPrefix: PREFIX,
          alertmanagerConfig: configPath,
          ruleFiles: [],
        },
        dir,
      );
      instances.push(
        await startKlaxon({ settings, roles: ['api', 'router', 'notifier'], logger: pino({ level: 'silent' }) }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
    const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
    const queuePrefix = `{${PREFIX.replace(/[:{}]+$/g, '')}}`;
    for (const name of ['group-flush', 'notify']) {
      const queue = new Queue(name, { connection: redis, prefix: queuePrefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('delivers each notification once although both instances get every alert', async () => {
    const now = Date.now();
    const alerts = (names: string[], endsAt: number) =>
      JSON.stringify(
        names.map((n) => ({
          labels: { alertname: n, instance: 'i1' },
          startsAt: new Date(now).toISOString(),
          endsAt: new Date(endsAt).toISOString(),
        })),
      );
    const post = (body: string) =>
      Promise.all(
        instances.map((i) =>
          fetch(`${i.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
        ),
      );
    // Both "Prometheus servers" keep re-sending, as they do every evaluation.
    for (let k = 0; k < 4; k++) {
      await post(alerts(['A', 'B', 'C'], now + 60_000));
      await sleep(300);
    }
    await sleep(1500);
    await post(alerts(['B'], Date.now()));
    await sleep(2500);
    const seen = sink.deliveries.map((d) => `${d.body.groupKey} ${d.body.status} ${d.contentHash}`);
    expect(new Set(seen).size).toBe(seen.length);
    expect(sink.deliveries.map((d) => `${d.body.groupKey} ${d.body.status}`).sort()).toEqual([
      '{}:{alertname="A"} firing',
      '{}:{alertname="B"} firing',
      '{}:{alertname="B"} resolved',
      '{}:{alertname="C"} firing',
    ]);
  });
});
