/** Groups survive a restart: state and the next tick live in Redis, another instance resumes the flush. */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/app/component.js';
import { createRouter, type Router } from '../../src/app/router.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import type { IntegrationInfo, NotificationRequest, Notifier } from '../../src/notify/types.js';

const PREFIX = `klaxon-test-dispatch-restart-${randomBytes(4).toString('hex')}:`;
const QUEUE_PREFIX = `{${PREFIX}q}`;
const { config } = parseAlertmanagerConfig(
  'am.yml',
  `route:
  receiver: r
  group_by: [alertname]
  group_wait: 1500ms
  group_interval: 5m
receivers:
  - name: r
    webhook_configs:
      - url: http://127.0.0.1:9/r
`,
);
const connections: Redis[] = [];

function instance(sent: NotificationRequest[]): Router {
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const bull = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
  connections.push(redis, bull);
  const deps: Deps = {
    redis,
    bullConnection: bull,
    keyPrefix: PREFIX,
    queuePrefix: QUEUE_PREFIX,
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    now: Date.now,
  };
  let router: Router | undefined;
  const notifier: Notifier = {
    integrationsFor: (): IntegrationInfo[] => [{ type: 'webhook', index: 0, sendResolved: true }],
    async enqueue(request) {
      sent.push(request);
      await router!.onOutcome(request, { delivered: true });
    },
  };
  router = createRouter(deps, { config: config!, notifier, externalURL: 'http://klaxon' });
  return router;
}

afterAll(async () => {
  const redis = connections[0]!;
  const bull = connections[1]!;
  await new Queue('group-flush', { connection: bull, prefix: QUEUE_PREFIX }).obliterate({ force: true });
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await Promise.all(connections.map((c) => c.quit()));
});

describe('restart', () => {
  it('a group created before a restart flushes on schedule from the next instance', async () => {
    const firstSent: NotificationRequest[] = [];
    const first = instance(firstSent);
    await first.start();
    const t0 = Date.now();
    await first.ingest([{ labels: { alertname: 'Survivor' }, startsAt: t0, endsAt: t0 + 60_000 }]);
    await first.stop();

    const secondSent: NotificationRequest[] = [];
    const second = instance(secondSent);
    await second.start();
    const deadline = Date.now() + 5000;
    while (secondSent.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await second.stop();
    expect(firstSent).toEqual([]);
    expect(secondSent.map((r) => [r.groupKey, r.notificationReason])).toEqual([
      ['{}:{alertname="Survivor"}', 'first notification'],
    ]);
    // Not before group_wait (BullMQ's delayed job, give or take Redis' timer granularity).
    expect(secondSent[0]!.flushTs - t0).toBeGreaterThanOrEqual(1400);
  });
});
