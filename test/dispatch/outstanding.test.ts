/**
 * At most one outstanding notification per (group key, receiver, integration, index): flushes while one is
 * queued or retrying enqueue nothing; the outcome frees the slot, and after a dead letter the next flush sends
 * again (upstream: a failed notify is re-sent on the next tick).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../src/app/router.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { FLUSH_QUEUE } from '../../src/dispatch/dispatcher.js';
import { GroupStore } from '../../src/dispatch/groups.js';
import { DispatchKeys } from '../../src/dispatch/keys.js';
import { groupKey, groupLabels, matchRoutes } from '../../src/dispatch/route.js';
import type { Labels } from '../../src/labels/labels.js';
import type { IntegrationInfo, NotificationRequest, Notifier } from '../../src/notify/types.js';
import { redisTestDeps } from '../support/redis-deps.js';
import { queueOnlyNotifier } from './queue-notifier.js';

const { config } = parseAlertmanagerConfig(
  'am.yml',
  `route:
  receiver: r
  group_by: [alertname]
  group_wait: 100ms
  group_interval: 300ms
  repeat_interval: 1h
receivers:
  - name: r
    webhook_configs:
      - url: http://127.0.0.1:9/r
`,
);
// Each test on prefixes of its own, so the first one's groups and claims cannot affect the second.
const outstandingDeps = redisTestDeps('dispatch-outstanding', { queues: [FLUSH_QUEUE] });
const leaseDeps = redisTestDeps('dispatch-outstanding-lease', { queues: [FLUSH_QUEUE] });
const aheadDeps = redisTestDeps('dispatch-outstanding-ahead', { queues: [FLUSH_QUEUE] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => Promise.all([outstandingDeps.cleanup(), leaseDeps.cleanup(), aheadDeps.cleanup()]));

describe('outstanding notifications', () => {
  it('holds later flushes until the outcome, then notifies only the difference; a dead letter is re-sent', async () => {
    const { notifier, sent } = queueOnlyNotifier();
    const router: Router = createRouter(outstandingDeps, { config: config!, notifier, externalURL: 'http://klaxon' });
    await router.start();
    try {
      const t0 = Date.now();
      await router.ingest([{ labels: { alertname: 'A', n: '1' }, startsAt: t0, endsAt: t0 + 600_000 }]);
      await waitUntil(() => sent.length >= 1);
      await router.ingest([{ labels: { alertname: 'A', n: '2' }, startsAt: t0, endsAt: t0 + 600_000 }]);
      // Several group intervals pass while the first notification is outstanding.
      await sleep(1500);
      expect(sent).toHaveLength(1);

      // Dead letter: the next flush sends again, now with both alerts.
      await router.onOutcome(sent[0]!, { delivered: false, reason: 'gave up' });
      await waitUntil(() => sent.length >= 2);
      expect(sent[1]!.alerts.map((a) => a.labels.n)).toEqual(['1', '2']);
      await sleep(1000);
      expect(sent).toHaveLength(2);

      // Delivered: the nflog covers both, nothing more is sent.
      await router.onOutcome(sent[1]!, { delivered: true });
      await sleep(1000);
      expect(sent).toHaveLength(2);
    } finally {
      await router.stop();
    }
  });
});

describe('a flusher that dies between claiming and enqueueing', () => {
  it('blocks the integration only for the enqueue lease; the next flush after it sends', async () => {
    const sent: NotificationRequest[] = [];
    let calls = 0;
    // The first enqueue never returns, as if the process died right after claiming; later ones record.
    const notifier: Notifier = {
      integrationsFor: (): IntegrationInfo[] => [{ type: 'webhook', index: 0, sendResolved: true }],
      async enqueue(request) {
        if (calls++ === 0) return new Promise<void>(() => {});
        sent.push(request);
      },
      retryHorizonMs: () => 600_000,
    };
    const router = createRouter(leaseDeps, {
      config: config!,
      notifier,
      externalURL: 'http://klaxon',
      enqueueLeaseMs: 1500,
    });
    await router.start();
    try {
      const t0 = Date.now();
      await router.ingest([{ labels: { alertname: 'L', n: '1' }, startsAt: t0, endsAt: t0 + 600_000 }]);
      await waitUntil(() => sent.length >= 1);
      expect(calls).toBeGreaterThanOrEqual(2);
      // Not before the lease ran out (group_interval is 300 ms, so earlier flushes found the claim held).
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
      expect(sent[0]!.alerts.map((a) => a.labels.n)).toEqual(['1']);
      // Once enqueued, the claim is confirmed for the retry horizon: no more sends while it is outstanding.
      await sleep(2000);
      expect(sent).toHaveLength(1);
    } finally {
      await router.stop();
    }
  }, 20_000);
});

describe('a group due at ingest (group_wait 0) takes its claims in the group add', () => {
  const { config: dueConfig } = parseAlertmanagerConfig(
    'am.yml',
    `route:
  receiver: r
  group_by: [alertname]
  group_wait: 0s
  group_interval: 300ms
  repeat_interval: 1h
receivers:
  - name: r
    webhook_configs:
      - url: http://127.0.0.1:9/a
      - url: http://127.0.0.1:9/b
`,
  );
  const keys = new DispatchKeys(aheadDeps.keyPrefix);
  /** The claim key of one webhook of the group an alert with these labels joins, as the dispatcher places it. */
  const claimKey = (labels: Labels, index: number) => {
    const [match] = matchRoutes(dueConfig!.route, labels);
    const key = groupKey(match!.routeKey, groupLabels(match!.route, labels));
    return keys.claim(key, 'r', 'webhook', index, GroupStore.groupId(match!.routeId, key));
  };

  it('skips a busy integration as a later tick does, and the outcome frees the claim it took', async () => {
    const { notifier, sent } = queueOnlyNotifier([
      { type: 'webhook', index: 0, sendResolved: true },
      { type: 'webhook', index: 1, sendResolved: true },
    ]);
    const router = createRouter(aheadDeps, { config: dueConfig!, notifier, externalURL: 'http://klaxon' });
    const redis = aheadDeps.redis;
    await router.start();
    try {
      const labels = { alertname: 'P' };
      // An earlier notification of the second webhook is still outstanding.
      await redis.set(claimKey(labels, 1), 'older', 'PX', 60_000);
      const t0 = Date.now();
      await router.ingest([{ labels, startsAt: t0, endsAt: t0 + 600_000 }]);
      expect(sent.map((r) => r.integrationIndex)).toEqual([0]);
      expect(await redis.get(claimKey(labels, 0))).toBe(sent[0]!.claimToken);
      await router.onOutcome(sent[0]!, { delivered: true });
      expect(await redis.exists(claimKey(labels, 0))).toBe(0);
      // The ticks after it claim the same keys: the second webhook waits for its outstanding notification.
      await sleep(700);
      expect(sent).toHaveLength(1);
      await redis.del(claimKey(labels, 1));
      await waitUntil(() => sent.length >= 2);
      expect(sent[1]).toMatchObject({ integrationIndex: 1, notificationReason: 'first notification' });
    } finally {
      await router.stop();
    }
  });

  it('frees the claims it took when the flush has nothing to send', async () => {
    const { notifier, sent } = queueOnlyNotifier([{ type: 'webhook', index: 0, sendResolved: false }]);
    const router = createRouter(aheadDeps, { config: dueConfig!, notifier, externalURL: 'http://klaxon' });
    await router.start();
    try {
      // Only a resolved alert, for an integration without send_resolved: the flush notifies nobody.
      const labels = { alertname: 'Q' };
      const t0 = Date.now();
      await router.ingest([{ labels, startsAt: t0 - 60_000, endsAt: t0 - 1000 }]);
      expect(sent).toEqual([]);
      expect(await aheadDeps.redis.exists(claimKey(labels, 0))).toBe(0);
    } finally {
      await router.stop();
    }
  });
});

async function waitUntil(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond() && Date.now() < deadline) await sleep(20);
}
