/** Groups survive a restart: state and the next tick live in Redis, another instance resumes the flush. */
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../src/app/router.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { FLUSH_QUEUE } from '../../src/dispatch/dispatcher.js';
import type { IntegrationInfo, NotificationRequest, Notifier } from '../../src/notify/types.js';
import { redisTestDeps } from '../support/redis-deps.js';

const env = redisTestDeps('dispatch-restart', { queues: [FLUSH_QUEUE] });
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

function instance(sent: NotificationRequest[]): Router {
  let router: Router | undefined;
  const notifier: Notifier = {
    integrationsFor: (): IntegrationInfo[] => [{ type: 'webhook', index: 0, sendResolved: true }],
    async enqueue(request) {
      sent.push(request);
      await router!.onOutcome(request, { delivered: true });
    },
  };
  router = createRouter(env.forAnotherInstance(), { config: config!, notifier, externalURL: 'http://klaxon' });
  return router;
}

afterAll(() => env.cleanup());

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
