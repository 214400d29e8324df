import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveriesRoutes } from '../../src/api/klaxon-v1/deliveries.js';
import { notificationJobId } from '../../src/notify/job-id.js';
import { createNotifier, type KlaxonNotifier } from '../../src/notify/notifier.js';
import type { TemplateRenderer } from '../../src/notify/template-data.js';
import { webhookBody } from '../../src/notify/webhook/payload.js';
import {
  alert,
  eventually,
  outcomeRecorder,
  request,
  type Sink,
  startSink,
  type TestDeps,
  testDeps,
} from './helpers.js';

/** Webhook URLs here are plain, so nothing is rendered; rendering would be a test bug. */
const noTemplates: TemplateRenderer = {
  render() {
    throw new Error('plain webhook URLs are not rendered');
  },
};

/**
 * Every case runs twice: through the queue (`enqueue`), and with the first attempt made in-process (`deliverNow`,
 * what a flush on a delivering instance does) and later ones through the queue. Both must log, retry, report and
 * dead-letter alike.
 */
describe.each(['queue', 'in-process first attempt'] as const)('webhook delivery: %s', (mode) => {
  const inProcess = mode === 'in-process first attempt';
  let deps: TestDeps;
  let sink: Sink;
  let notifier: KlaxonNotifier;
  const rec = outcomeRecorder();
  const hits = new Map<string, number>();
  /** ClaimKeeper calls of in-process attempts, by receiver. */
  const claimCalls: string[] = [];

  beforeAll(async () => {
    deps = await testDeps('notify-webhook');
    sink = await startSink((r, res) => {
      const n = (hits.get(r.path) ?? 0) + 1;
      hits.set(r.path, n);
      if (r.path === '/flaky' && n <= 2) return void res.writeHead(503).end('busy');
      if (r.path === '/bad') return void res.writeHead(400).end('bad request');
      if (r.path === '/limited' && n === 1) return void res.writeHead(429, { 'retry-after': '1' }).end();
      if (r.path === '/moved') return void res.writeHead(307, { location: '/moved-here' }).end();
      if (r.path === '/slow' && n === 1) return void setTimeout(() => res.end('late'), 600);
      res.end('ok');
    });
    const hook = (name: string, extra = {}) => ({
      name,
      webhookConfigs: [{ sendResolved: true, url: `${sink.url}/${name}`, ...extra }],
    });
    notifier = createNotifier(deps, {
      receivers: [
        hook('ok', { httpConfig: { basicAuth: { username: 'u', password: 'p' } } }),
        hook('bearer', {
          httpConfig: { authorization: { credentials: 'tok' }, httpHeaders: { 'X-Team': { values: ['sre'] } } },
        }),
        hook('flaky'),
        hook('bad'),
        hook('limited'),
        hook('slow', { timeout: 150 }),
        hook('truncating', { maxAlerts: 1 }),
        hook('moved'),
      ],
      templates: noTemplates,
      onOutcome: rec.handler,
      backoffMs: 50,
      attempts: 5,
    });
    await notifier.start();
  });

  afterAll(async () => {
    await notifier.stop();
    await sink.close();
    await deps.cleanup();
  });

  const outcomesFor = (receiver: string) => rec.outcomes.filter((o) => o.request.receiver === receiver);
  async function deliver(receiver: string, extra = {}) {
    const req = request({ receiver, integration: 'webhook', ...extra });
    const before = rec.outcomes.length;
    if (inProcess) {
      const claim = {
        renew: async () => void claimCalls.push(`${receiver} renew`),
        queued: async () => void claimCalls.push(`${receiver} queued`),
      };
      expect(notifier.deliverNow(req, claim)).toBe(true);
    } else {
      await notifier.enqueue(req);
    }
    await rec.waitFor(before + 1);
    return req;
  }

  it('is ready once its worker runs', () => {
    expect(notifier.notReadyReason!()).toBeNull();
  });

  it('posts the v4 body with http_config auth and reports the delivery once', async () => {
    const req = await deliver('ok');
    const got = sink.received.filter((r) => r.path === '/ok');
    expect(got).toHaveLength(1);
    expect(got[0]!.body).toBe(webhookBody(req, 0));
    expect(got[0]!.headers['content-type']).toBe('application/json');
    expect(got[0]!.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(outcomesFor('ok').map((o) => o.outcome)).toEqual([{ delivered: true }]);

    await deliver('bearer');
    const b = sink.received.find((r) => r.path === '/bearer')!;
    expect(b.headers.authorization).toBe('Bearer tok');
    expect(b.headers['x-team']).toBe('sre');
  });

  it('retries 5xx with backoff and succeeds without duplicate outcomes', async () => {
    await deliver('flaky');
    expect(hits.get('/flaky')).toBe(3);
    expect(outcomesFor('flaky').map((o) => o.outcome.delivered)).toEqual([true]);
    const log = await notifier.deliveries('flaky', 10);
    expect(log.map((e) => [e.status, e.attempt])).toEqual([
      ['delivered', 3],
      ['retry', 2],
      ['retry', 1],
    ]);
    expect(log[2]!.error).toBe('unexpected status code 503');
    // The claim is extended once the failed first attempt is in the queue.
    if (inProcess) expect(claimCalls.filter((c) => c.startsWith('flaky'))).toEqual(['flaky queued']);
  });

  it('delivered at the first attempt, leaves nothing in the queue', async () => {
    const req = await deliver('ok', { flushTs: 7 });
    const id = notificationJobId(req);
    const log = await notifier.deliveries('ok', 1);
    expect(log.map((e) => [e.status, e.attempt, e.jobId])).toEqual([['delivered', 1, id]]);
    const queue = new Queue('notify', { connection: deps.bullConnection, prefix: deps.queuePrefix });
    // Through the queue, the completed job is kept (removeOnComplete count); in-process, no job was made.
    expect(Boolean(await queue.getJob(id))).toBe(!inProcess);
    await queue.close();
    expect(claimCalls.filter((c) => c.startsWith('ok '))).toEqual([]);
  });

  it('fails other 4xx at once and keeps the job as a dead letter', async () => {
    await deliver('bad');
    expect(hits.get('/bad')).toBe(1);
    expect(outcomesFor('bad').map((o) => o.outcome)).toEqual([
      { delivered: false, reason: 'unexpected status code 400' },
    ]);
    await eventually(async () => {
      const dead = await notifier.deadLetters(10);
      expect(dead.map((d) => [d.receiver, d.failedReason])).toEqual([['bad', 'unexpected status code 400']]);
    });
  });

  it('honours 429 Retry-After without spending an attempt', async () => {
    await deliver('limited');
    const times = sink.received.filter((r) => r.path === '/limited').map((r) => r.at);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    const log = await notifier.deliveries('limited', 10);
    expect(log.map((e) => [e.status, e.attempt])).toEqual([
      ['delivered', 1],
      ['rate_limited', 1],
    ]);
  });

  it('times out a slow receiver and retries', async () => {
    await deliver('slow');
    const log = await notifier.deliveries('slow', 10);
    expect(log.map((e) => e.status)).toEqual(['delivered', 'retry']);
    expect(log[1]!.error).toMatch(/timeout/);
  });

  it('follows a 307 redirect with the same POST body', async () => {
    const req = await deliver('moved');
    const [first, second] = sink.received.filter((r) => r.path.startsWith('/moved'));
    expect([first!.path, second!.method, second!.path]).toEqual(['/moved', 'POST', '/moved-here']);
    expect(second!.body).toBe(webhookBody(req, 0));
  });

  it('applies max_alerts', async () => {
    const alerts = ['a', 'b', 'c'].map((i) => alert({ alertname: 'X', instance: i }));
    await deliver('truncating', { alerts });
    const body = JSON.parse(sink.received.find((r) => r.path === '/truncating')!.body);
    expect([body.alerts.length, body.truncatedAlerts]).toEqual([1, 2]);
  });

  // A queue property: the dispatcher's claim, not the notifier, keeps an in-process attempt single.
  if (!inProcess) {
    it('enqueues the same request once', async () => {
      const req = request({ receiver: 'ok', integration: 'webhook', flushTs: 42 });
      const before = sink.received.length;
      await Promise.all([notifier.enqueue(req), notifier.enqueue(req)]);
      await rec.waitFor(rec.outcomes.length + 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(sink.received.length - before).toBe(1);
    });
  }

  it('serves the delivery log, dead letters and the retry action over HTTP', async () => {
    const app = Fastify();
    deliveriesRoutes(app, notifier);
    const log = (await app.inject({ url: '/api/klaxon/v1/deliveries?receiver=flaky&limit=2' })).json();
    expect(log.deliveries.map((d: { status: string }) => d.status)).toEqual(['delivered', 'retry']);
    expect(log.deliveries[0]).toMatchObject({ receiver: 'flaky', integration: 'webhook', alerts: 1, error: '' });
    const all = (await app.inject({ url: '/api/klaxon/v1/deliveries' })).json();
    expect(new Set(all.deliveries.map((d: { receiver: string }) => d.receiver))).toContain('bad');
    expect((await app.inject({ url: '/api/klaxon/v1/deliveries?limit=x' })).statusCode).toBe(400);

    const dead = (await app.inject({ url: '/api/klaxon/v1/dead-letters' })).json().deadLetters;
    expect(dead).toHaveLength(1);
    const before = hits.get('/bad');
    const retried = await app.inject({ method: 'POST', url: `/api/klaxon/v1/dead-letters/${dead[0].id}/retry` });
    expect(retried.statusCode).toBe(202);
    await rec.waitFor(rec.outcomes.length + 1);
    expect(hits.get('/bad')).toBe(before! + 1);
    expect((await app.inject({ method: 'POST', url: '/api/klaxon/v1/dead-letters/nope/retry' })).statusCode).toBe(404);

    const metrics = await deps.metrics.metrics();
    expect(metrics).toContain('klaxon_notifications_total{receiver="flaky",integration="webhook",status="retry"} 2');
    expect(metrics).toMatch(/klaxon_notify_queue_jobs\{state="failed"\} 1/);
    await app.close();
  });
  it('reloads receivers without restarting', async () => {
    expect(notifier.integrationsFor('ok')).toEqual([{ type: 'webhook', index: 0, sendResolved: true }]);
    expect(notifier.integrationsFor('new')).toEqual([]);
    notifier.reload([{ name: 'new', webhookConfigs: [{ sendResolved: false, url: `${sink.url}/ok` }] }], noTemplates);
    expect(notifier.integrationsFor('new')).toEqual([{ type: 'webhook', index: 0, sendResolved: false }]);
    expect(notifier.integrationsFor('ok')).toEqual([]);
    const before = rec.outcomes.length;
    const gone = request({ receiver: 'gone-after-reload', integration: 'webhook' });
    if (inProcess) expect(notifier.deliverNow(gone, { renew: async () => {}, queued: async () => {} })).toBe(true);
    else await notifier.enqueue(gone);
    await rec.waitFor(before + 1);
    expect(rec.outcomes[before]!.outcome).toEqual({ delivered: false, reason: 'integration is no longer configured' });
  });
});
