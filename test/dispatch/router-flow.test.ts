import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../src/app/router.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { FLUSH_QUEUE } from '../../src/dispatch/dispatcher.js';
import type { IntegrationInfo, NotificationRequest, Notifier } from '../../src/notify/types.js';
import { redisTestDeps } from '../support/redis-deps.js';

const CONFIG = `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - matchers: ['team="quiet"']
      receiver: quiet
    - matchers: ['team="slow"']
      group_wait: 3s
    - matchers: ['team="instant"']
      group_wait: 0s
receivers:
  - name: default
    webhook_configs:
      - url: http://127.0.0.1:9/default
  - name: quiet
    webhook_configs:
      - url: http://127.0.0.1:9/quiet
        send_resolved: false
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
`;

/** A notifier standing in for the real one: records requests and reports them delivered. */
class RecordingNotifier implements Notifier {
  readonly sent: { at: number; request: NotificationRequest }[] = [];
  onOutcome: Router['onOutcome'] | undefined;
  integrationsFor(receiver: string): IntegrationInfo[] {
    return [{ type: 'webhook', index: 0, sendResolved: receiver !== 'quiet' }];
  }
  /** Outcomes being handled, for the teardown to wait for before closing Redis. */
  readonly outcomes = new Set<Promise<void>>();
  /** While set, enqueues wait for it: a slow notifier. */
  gate: Promise<void> | undefined;
  async enqueue(request: NotificationRequest): Promise<void> {
    await this.gate;
    this.sent.push({ at: Date.now(), request });
    setTimeout(() => {
      const outcome = this.onOutcome?.(request, { delivered: true });
      if (!outcome) return;
      this.outcomes.add(outcome);
      void outcome.finally(() => this.outcomes.delete(outcome));
    }, 5);
  }
}

const deps = redisTestDeps('dispatch-flow', { queues: [FLUSH_QUEUE] });
let router: Router;
let app: FastifyInstance;
const notifier = new RecordingNotifier();

beforeAll(async () => {
  const { config, problems } = parseAlertmanagerConfig('am.yml', CONFIG);
  if (!config) throw new Error(JSON.stringify(problems));
  router = createRouter(deps, { config, notifier, externalURL: 'http://klaxon', labelNames: 'legacy' });
  notifier.onOutcome = router.onOutcome;
  app = Fastify();
  router.routes?.(app);
  await app.ready();
  await router.start();
});

afterAll(async () => {
  await router.stop();
  await sleep(10);
  await Promise.all(notifier.outcomes);
  await app.close();
  await deps.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One sample of a metric in the router's registry (0 when absent), matched by sample name and labels. */
async function metric(name: string, sample: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await deps.metrics.getSingleMetric(name)?.get())?.values ?? [];
  const match = values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === sample &&
      Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  );
  return match?.value ?? 0;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('router: ingest → groups → flush → notifier → nflog', () => {
  it('answers POST /api/v2/alerts like Alertmanager', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/v2/alerts', payload: '{"labels": ' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 400 });
    const missing = await app.inject({ method: 'POST', url: '/api/v2/alerts', payload: [{ annotations: {} }] });
    expect([missing.statusCode, JSON.parse(missing.body)]).toEqual([
      422,
      { code: 602, message: '0.labels in body is required' },
    ]);
    const mixed = await app.inject({
      method: 'POST',
      url: '/api/v2/alerts',
      payload: [{ labels: { alertname: 'Kept' } }, { labels: {} }, { labels: { '1bad': 'x' } }],
    });
    expect([mixed.statusCode, JSON.parse(mixed.body)]).toEqual([
      400,
      'at least one label pair required; invalid label set: invalid name "1bad"',
    ]);
    // Counted as Alertmanager counts them: every posted alert by its (defaulted) end, the invalid ones apart.
    const resolved = await app.inject({
      method: 'POST',
      url: '/api/v2/alerts',
      payload: [{ labels: { alertname: 'Gone' }, endsAt: '2020-01-01T00:00:00Z' }],
    });
    expect(resolved.statusCode).toBe(200);
    expect(
      await metric('alertmanager_alerts_received_total', 'alertmanager_alerts_received_total', { status: 'firing' }),
    ).toBe(3);
    expect(
      await metric('alertmanager_alerts_received_total', 'alertmanager_alerts_received_total', { status: 'resolved' }),
    ).toBe(1);
    expect(await metric('alertmanager_alerts_invalid_total', 'alertmanager_alerts_invalid_total')).toBe(2);
    const list = await app.inject({ method: 'GET', url: '/api/v2/alerts?filter=alertname%3D%22Kept%22' });
    expect(JSON.parse(list.body)).toMatchObject([{ labels: { alertname: 'Kept' }, status: { state: 'active' } }]);
  });

  it('flushes after group_wait, then per group_interval, only on change; resolved goes out once', async () => {
    const t0 = Date.now();
    const post = (alerts: unknown[]) => app.inject({ method: 'POST', url: '/api/v2/alerts', payload: alerts });
    expect(
      (await post([{ labels: { alertname: 'Flow', i: '1' }, startsAt: iso(t0), endsAt: iso(t0 + 60_000) }])).statusCode,
    ).toBe(200);
    await sleep(100);
    await post([{ labels: { alertname: 'Flow', i: '2' }, startsAt: iso(t0), endsAt: iso(t0 + 60_000) }]);
    // group_wait 1s: one flush at t0+1s; the next tick is at t0+3s.
    await sleep(t0 + 1700 - Date.now());
    const flow = () => notifier.sent.filter((s) => s.request.groupKey === '{}:{alertname="Flow"}');
    expect(flow()).toHaveLength(1);
    expect(flow()[0]!.at - t0).toBeGreaterThanOrEqual(950);
    expect(flow()[0]!.request).toMatchObject({ notificationReason: 'first notification', receiver: 'default' });
    expect(flow()[0]!.request.alerts.map((a) => a.labels.i)).toEqual(['1', '2']);
    // Resolve one: sent at the next tick as "some alerts resolved".
    await post([{ labels: { alertname: 'Flow', i: '2' }, startsAt: iso(t0), endsAt: iso(Date.now()) }]);
    await sleep(t0 + 3800 - Date.now());
    expect(flow().map((s) => s.request.notificationReason)).toEqual(['first notification', 'some alerts resolved']);
    expect(flow()[1]!.request.alerts.map((a) => `${a.labels.i}:${a.status}`)).toEqual(['1:firing', '2:resolved']);
  });

  it('inhibited alerts are dropped at flush time and reported by the API', async () => {
    const now = Date.now();
    await app.inject({
      method: 'POST',
      url: '/api/v2/alerts',
      payload: [
        { labels: { alertname: 'Inh', severity: 'critical' }, startsAt: iso(now), endsAt: iso(now + 60_000) },
        { labels: { alertname: 'Inh', severity: 'warning' }, startsAt: iso(now), endsAt: iso(now + 60_000) },
      ],
    });
    await sleep(1700);
    const sent = notifier.sent.filter((s) => s.request.groupKey === '{}:{alertname="Inh"}');
    expect(sent.map((s) => s.request.alerts.map((a) => a.labels.severity))).toEqual([['critical']]);
    const res = await app.inject({ method: 'GET', url: '/api/v2/alerts?inhibited=true&active=false' });
    expect(JSON.parse(res.body)).toMatchObject([{ labels: { severity: 'warning' }, status: { state: 'suppressed' } }]);
    const groups = JSON.parse(
      (await app.inject({ method: 'GET', url: '/api/v2/alerts/groups?filter=alertname%3D%22Inh%22' })).body,
    );
    expect(groups).toMatchObject([{ labels: { alertname: 'Inh' }, receiver: { name: 'default' } }]);
    expect(groups[0].alerts.map((a: { labels: { severity: string } }) => a.labels.severity)).toEqual([
      'critical',
      'warning',
    ]);
  });

  it('a re-post merged with an older start makes its unflushed group due at once (dispatch.go insert)', async () => {
    const t0 = Date.now();
    const post = (alerts: unknown[]) => app.inject({ method: 'POST', url: '/api/v2/alerts', payload: alerts });
    await post([{ labels: { alertname: 'Merged', team: 'slow' }, startsAt: iso(t0 - 2000), endsAt: iso(t0 + 60_000) }]);
    await sleep(1200);
    // Without startsAt the re-post starts now, but the merge keeps the stored start (SEMANTICS §5.1): the alert
    // the group sees is older than group_wait, so the group flushes now instead of at t0+3s.
    await post([{ labels: { alertname: 'Merged', team: 'slow' } }]);
    await sleep(200);
    const sent = notifier.sent.filter((s) => s.request.alerts.some((a) => a.labels.alertname === 'Merged'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.at - t0).toBeLessThan(2500);
  });

  it('requests arriving during a write share the next one and are merged in the order they came', async () => {
    const t0 = Date.now();
    const version = async () => Number((await deps.redis.get(`${deps.keyPrefix}{alerts}:version`))?.split(':')[1]);
    const before = await version();
    const writesBefore = await metric('klaxon_ingest_write_alerts', 'klaxon_ingest_write_alerts_count');
    const alertsBefore = await metric('klaxon_ingest_write_alerts', 'klaxon_ingest_write_alerts_sum');
    const labels = { alertname: 'Coalesced', i: '1' };
    // Called in one tick: the first goes out alone, the next two wait for it and go out together.
    const results = await Promise.all([
      router.ingest([{ labels, annotations: { v: 'a' }, startsAt: t0 - 600_000, endsAt: t0 + 600_000 }]),
      router.ingest([{ labels, annotations: { v: 'b' }, startsAt: t0 - 60_000, endsAt: t0 + 300_000 }]),
      router.ingest([
        { labels, annotations: { v: 'c' }, startsAt: t0 - 120_000 },
        { labels: { alertname: 'Coalesced', i: '2' } },
      ]),
    ]);
    expect(results.map((r) => r.accepted)).toEqual([1, 1, 2]);
    expect((await version()) - before).toBe(2);
    expect((await metric('klaxon_ingest_write_alerts', 'klaxon_ingest_write_alerts_count')) - writesBefore).toBe(2);
    expect((await metric('klaxon_ingest_write_alerts', 'klaxon_ingest_write_alerts_sum')) - alertsBefore).toBe(4);
    // Each merged into what the one before it left (SEMANTICS §5.1): the last posted is the base, the earliest
    // start and the explicit end outlasting a resolve_timeout end are kept.
    const list = JSON.parse(
      (await app.inject({ method: 'GET', url: '/api/v2/alerts?filter=alertname%3D%22Coalesced%22' })).body,
    ) as { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }[];
    const first = list.find((a) => a.labels.i === '1')!;
    expect(first.annotations).toEqual({ v: 'c' });
    expect([first.startsAt, first.endsAt]).toEqual([iso(t0 - 600_000), iso(t0 + 600_000)]);
    expect(list.map((a) => a.labels.i).sort()).toEqual(['1', '2']);
  });

  it('a slow flush made due by one write does not hold up the next write', async () => {
    let open: () => void = () => undefined;
    notifier.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // group_wait 0: the write flushes the new group itself, and the flush waits in the notifier.
    let firstDone = false;
    const first = router.ingest([{ labels: { alertname: 'Instant', team: 'instant' } }]).then(() => {
      firstDone = true;
    });
    await sleep(100);
    const second = await router.ingest([{ labels: { alertname: 'AfterInstant' } }]);
    expect([second.accepted, firstDone]).toEqual([1, false]);
    open();
    notifier.gate = undefined;
    await first;
    expect(notifier.sent.some((s) => s.request.groupKey.endsWith(':{alertname="Instant"}'))).toBe(true);
  });

  it('reload re-routes every stored alert into new groups that flush at once (SEMANTICS §5.9)', async () => {
    const { config } = parseAlertmanagerConfig(
      'am.yml',
      CONFIG.replace('group_by: [alertname]', 'group_by: [alertname, i]'),
    );
    const before = notifier.sent.length;
    await router.reload(config!);
    await sleep(1000);
    const keys = notifier.sent.slice(before).map((s) => s.request.groupKey);
    expect(keys).toContain('{}:{alertname="Flow", i="1"}');
    const groups = JSON.parse(
      (await app.inject({ method: 'GET', url: '/api/v2/alerts/groups?filter=alertname%3D%22Flow%22' })).body,
    );
    expect(groups.map((g: { labels: Record<string, string> }) => g.labels)).toEqual([{ alertname: 'Flow', i: '1' }]);
  });
});
