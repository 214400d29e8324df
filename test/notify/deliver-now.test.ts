/**
 * The in-process first attempt (`deliverNow`) beyond what the shared webhook cases check: its slots, its claim
 * lease renewal while a send runs, and a shutdown that cuts a send off and hands it to the queue.
 */
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notificationJobId } from '../../src/notify/job-id.js';
import { createNotifier, type KlaxonNotifier } from '../../src/notify/notifier.js';
import type { ClaimKeeper } from '../../src/notify/types.js';
import {
  eventually,
  outcomeRecorder,
  request,
  type Sink,
  sleep,
  startSink,
  type TestDeps,
  testDeps,
} from './helpers.js';

function keeper() {
  const calls: string[] = [];
  const claim: ClaimKeeper = {
    renew: async () => void calls.push('renew'),
    queued: async () => void calls.push('queued'),
  };
  return { calls, claim };
}

describe('deliverNow', () => {
  let deps: TestDeps;
  let sink: Sink;
  let notifier: KlaxonNotifier;
  const rec = outcomeRecorder();
  /** Requests to /hang are answered only when the test says so. */
  const held: (() => void)[] = [];

  beforeEach(async () => {
    deps = await testDeps('notify-now');
    sink = await startSink((r, res) => {
      if (r.path === '/hang') return void held.push(() => res.end('ok'));
      res.end('ok');
    });
  });
  afterEach(async () => {
    for (const release of held.splice(0)) release();
    await notifier.stop();
    await sink.close();
    await deps.cleanup();
  });

  function start(extra: Partial<Parameters<typeof createNotifier>[1]> = {}) {
    notifier = createNotifier(deps, {
      receivers: [{ name: 'hang', webhookConfigs: [{ sendResolved: true, url: `${sink.url}/hang` }] }],
      templates: { render: (t) => t },
      onOutcome: rec.handler,
      backoffMs: 50,
      ...extra,
    });
    return notifier.start();
  }

  it('uses at most `concurrency` slots, renews the claim while a send runs, and frees the slot after', async () => {
    await start({ concurrency: 1, claimRenewMs: 50 });
    const first = keeper();
    expect(notifier.deliverNow(request({ receiver: 'hang', integration: 'webhook', flushTs: 1 }), first.claim)).toBe(
      true,
    );
    const second = request({ receiver: 'hang', integration: 'webhook', flushTs: 2 });
    expect(notifier.deliverNow(second, keeper().claim)).toBe(false);
    await sleep(300);
    expect(first.calls.filter((c) => c === 'renew').length).toBeGreaterThanOrEqual(3);
    expect(await deps.metrics.metrics()).toContain('klaxon_notifications_in_process 1');
    const before = rec.outcomes.length;
    held.shift()!();
    await rec.waitFor(before + 1);
    const renewals = first.calls.length;
    await sleep(150);
    // Renewals stop with the send; nothing was queued.
    expect(first.calls).toHaveLength(renewals);
    expect(first.calls).not.toContain('queued');
    expect(await deps.metrics.metrics()).toContain('klaxon_notifications_in_process 0');
    expect(notifier.deliverNow(second, keeper().claim)).toBe(true);
    await eventually(() => expect(held).toHaveLength(1));
    held.shift()!();
    await rec.waitFor(before + 2);
  });

  it('is refused when this instance does not deliver', async () => {
    await start({ runWorker: false });
    expect(notifier.deliverNow(request({ receiver: 'hang', integration: 'webhook' }), keeper().claim)).toBe(false);
  });

  it('on shutdown, cuts a running send off and hands it to the queue with its claim extended', async () => {
    await start({ stopTimeoutMs: 200 });
    const req = request({ receiver: 'hang', integration: 'webhook', flushTs: 3 });
    const { calls, claim } = keeper();
    expect(notifier.deliverNow(req, claim)).toBe(true);
    await sleep(100);
    await notifier.stop();
    expect(calls).toContain('queued');
    const queue = new Queue('notify', { connection: deps.bullConnection, prefix: deps.queuePrefix });
    const job = await queue.getJob(notificationJobId(req));
    expect(job?.data).toMatchObject({ request: { flushTs: 3 }, priorAttempts: 1 });
    expect(await job?.getState()).toMatch(/delayed|waiting/);
    const log = await notifier.deliveries('hang', 5);
    expect(log.map((e) => [e.status, e.attempt])).toEqual([['retry', 1]]);
    await queue.close();
    // No outcome yet: whoever runs the queued job reports it.
    expect(rec.outcomes.filter((o) => o.request.flushTs === 3)).toEqual([]);
  });
});
