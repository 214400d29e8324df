import { setMaxListeners } from 'node:events';
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Component, Deps } from '../app/component.js';
import type { ReceiverSettings } from './config.js';
import { DeliveryLog, type DeliveryRecord, type NewDeliveryRecord } from './delivery-log.js';
import { notificationJobId } from './job-id.js';
import { notifyMetrics } from './metrics.js';
import { redactError } from './redact.js';
import { type IntegrationPlugin, IntegrationRegistry } from './registry.js';
import type { TemplateRenderer } from './template-data.js';
import type {
  ClaimKeeper,
  DeliveryOutcomeHandler,
  DeliveryResult,
  IntegrationInfo,
  NotificationRequest,
  Notifier,
} from './types.js';

export interface NotifierOptions {
  receivers: ReceiverSettings[];
  templates: TemplateRenderer;
  onOutcome: DeliveryOutcomeHandler;
  plugins?: IntegrationPlugin[];
  /** Parallel deliveries per instance, queued ones and in-process first attempts each (default 16). */
  concurrency?: number;
  /** Attempts before a notification becomes a dead letter (default 5). */
  attempts?: number;
  /** First backoff delay; doubles per attempt, jittered (default 1000 ms). */
  backoffMs?: number;
  /** Activations allowed in total, Retry-After delays included, before giving up (default 50). */
  maxStarts?: number;
  /** Entries kept per receiver in the delivery log (approximate, default 1000). */
  deliveryLogMaxLen?: number;
  /** Longest wait for running deliveries on stop (default 10 s). */
  stopTimeoutMs?: number;
  /** How often an in-process attempt renews its claim's lease (default 5 s; the dispatcher's lease is 15 s). */
  claimRenewMs?: number;
  /** Whether this instance delivers (the `notifier` role); without it, it only queues. Default true. */
  runWorker?: boolean;
}

export interface DeadLetter {
  id: string;
  receiver: string;
  integration: string;
  index: number;
  groupKey: string;
  alerts: number;
  failedReason: string;
  attemptsMade: number;
  finishedOn: number | undefined;
}

export type KlaxonNotifier = Component &
  Notifier & {
    deliverNow(request: NotificationRequest, claim: ClaimKeeper): boolean;
    reload(receivers: ReceiverSettings[], templates: TemplateRenderer, plugins?: IntegrationPlugin[]): void;
    deliveries(receiver: string | undefined, limit: number): Promise<DeliveryRecord[]>;
    deadLetters(limit: number): Promise<DeadLetter[]>;
    /** Moves a dead letter back to the queue with fresh attempts; false if no such dead letter. */
    retryDeadLetter(id: string): Promise<boolean>;
  };

interface NotifyJobData {
  request: NotificationRequest;
  /** Attempts already made in-process before the notification was queued (`deliverNow`). */
  priorAttempts?: number;
  /**
   * Set when the in-process attempt failed for good (outcome already reported): the job only keeps the
   * notification in the dead letters, where an operator can retry it.
   */
  failedInline?: string;
}

type DeliveryBase = Omit<NewDeliveryRecord, 'status' | 'error'>;

export const NOTIFY_QUEUE = 'notify';
/** Outcome reports are retried this often, this far apart (covers a Redis restart of ~half a minute). */
const OUTCOME_ATTEMPTS = 30;
const OUTCOME_RETRY_MS = 1000;
/** Allowance per attempt for the send itself and queue waits, on top of the backoff delays. */
const ATTEMPT_ALLOWANCE_MS = 60_000;

export function createNotifier(deps: Deps, opts: NotifierOptions): KlaxonNotifier {
  const attempts = opts.attempts ?? 5;
  const backoffMs = opts.backoffMs ?? 1000;
  const maxStarts = opts.maxStarts ?? 50;
  const concurrency = opts.concurrency ?? 16;
  const log = new DeliveryLog(deps.redis, deps.keyPrefix, opts.deliveryLogMaxLen);
  const queue = new Queue<NotifyJobData>(NOTIFY_QUEUE, { connection: deps.bullConnection, prefix: deps.queuePrefix });
  queue.on('error', (err) => deps.logger.error({ err: redactError(err) }, 'notify queue error'));
  const metrics = notifyMetrics(
    deps.metrics,
    () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    () => inline.size,
  );
  const buildRegistry = (receivers: ReceiverSettings[], templates: TemplateRenderer, plugins?: IntegrationPlugin[]) =>
    new IntegrationRegistry(
      receivers,
      { templates, redis: deps.redis, keyPrefix: deps.keyPrefix, logger: deps.logger, now: deps.now },
      plugins ?? [],
    );
  let plugins = opts.plugins;
  let registry = buildRegistry(opts.receivers, opts.templates, plugins);
  let workers: Worker<NotifyJobData>[] = [];
  /** In-process first attempts (`deliverNow`) running now. */
  const inline = new Set<Promise<void>>();
  const stopping = new AbortController();
  // Every running send (up to `concurrency`) listens for shutdown.
  setMaxListeners(0, stopping.signal);

  async function record(rec: NewDeliveryRecord): Promise<void> {
    metrics.notifications.inc({ receiver: rec.receiver, integration: rec.integration, status: rec.status });
    try {
      await log.append(rec);
    } catch (err) {
      deps.logger.warn({ err: redactError(err) }, 'delivery log write failed');
    }
  }

  /**
   * The outcome releases the dispatcher's claim and writes the nflog; losing it (Redis briefly away) would
   * make the next flushes send the same notification again, so it is retried for a while before giving up.
   */
  async function report(request: NotificationRequest, outcome: Parameters<DeliveryOutcomeHandler>[1]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await opts.onOutcome(request, outcome);
        return;
      } catch (err) {
        const last = attempt >= OUTCOME_ATTEMPTS || stopping.signal.aborted;
        deps.logger.error(
          { err: redactError(err), groupKey: request.groupKey, attempt },
          last ? 'delivery outcome handler failed' : 'delivery outcome handler failed, retrying',
        );
        if (last) return;
        await new Promise((r) => setTimeout(r, OUTCOME_RETRY_MS));
      }
    }
  }

  async function send(request: NotificationRequest): Promise<DeliveryResult> {
    const integration = registry.find(request.receiver, request.integration, request.integrationIndex);
    if (!integration) return { kind: 'permanent', reason: 'integration is no longer configured' };
    // §5.7: nothing left to send (e.g. only resolved alerts with send_resolved false) is a success.
    if (request.alerts.length === 0) return { kind: 'delivered' };
    // One signal per send, linked to shutdown: listeners that fetch attaches die with it instead of piling up
    // on the long-lived shutdown signal.
    const perSend = new AbortController();
    const abort = () => perSend.abort();
    stopping.signal.addEventListener('abort', abort, { once: true });
    try {
      return await integration.send(request, perSend.signal);
    } catch (err) {
      return { kind: 'retry', reason: redactError(err).message };
    } finally {
      stopping.signal.removeEventListener('abort', abort);
    }
  }

  /**
   * One attempt and its metrics; `record` adds the delivery-log entry once the caller knows its status. Without a
   * job id (the in-process first attempt) the request's own is computed once the send is on its way.
   */
  async function attempt(request: NotificationRequest, attemptNo: number, jobId?: string) {
    const started = deps.now();
    const result = await send(request);
    const latencyMs = deps.now() - started;
    metrics.latency.observe({ receiver: request.receiver, integration: request.integration }, latencyMs / 1000);
    const base = {
      time: started,
      receiver: request.receiver,
      integration: request.integration,
      index: request.integrationIndex,
      groupKey: request.groupKey,
      alerts: request.alerts.length,
      latencyMs,
      attempt: attemptNo,
      jobId: jobId ?? notificationJobId(request),
    };
    return { result, base };
  }

  async function succeed(
    request: NotificationRequest,
    base: DeliveryBase,
    receiverData: Record<string, string> | undefined,
  ): Promise<void> {
    // Independent writes: in parallel, one round trip for both.
    await Promise.all([
      record({ ...base, status: 'delivered', error: '' }),
      report(request, { delivered: true, receiverData }),
    ]);
  }

  function recordRateLimited(base: DeliveryBase, reason: string, afterMs: number): Promise<void> {
    return record({ ...base, status: 'rate_limited', error: `${reason}; retry after ${afterMs} ms` });
  }

  async function giveUp(request: NotificationRequest, base: DeliveryBase, reason: string): Promise<void> {
    await record({ ...base, status: 'failed', error: reason });
    await report(request, { delivered: false, reason });
    deps.logger.warn({ receiver: request.receiver, integration: request.integration, reason }, 'notification failed');
  }

  async function deliver(job: Job<NotifyJobData>, token?: string): Promise<Record<string, string> | undefined> {
    const { request, priorAttempts = 0, failedInline } = job.data;
    if (failedInline !== undefined) throw new UnrecoverableError(failedInline);
    const { result, base } = await attempt(request, priorAttempts + job.attemptsMade + 1, job.id ?? '');
    if (result.kind === 'delivered') {
      await succeed(request, base, result.receiverData);
      return result.receiverData;
    }
    if (result.kind === 'permanent') {
      await giveUp(request, base, result.reason);
      throw new UnrecoverableError(result.reason);
    }
    if (result.afterMs !== undefined) {
      // Rate limited: wait as told without spending an attempt; attemptsStarted bounds the loop (LIBRARIES §1.6).
      if (job.attemptsStarted >= maxStarts) {
        const reason = `${result.reason} (rate limited for too long)`;
        await giveUp(request, base, reason);
        throw new UnrecoverableError(reason);
      }
      await recordRateLimited(base, result.reason, result.afterMs);
      await job.moveToDelayed(deps.now() + result.afterMs, token);
      throw new DelayedError();
    }
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1) || job.attemptsStarted >= maxStarts) {
      // Unrecoverable so BullMQ cannot run it again after the outcome was reported.
      await giveUp(request, base, result.reason);
      throw new UnrecoverableError(result.reason);
    }
    await record({ ...base, status: 'retry', error: result.reason });
    throw new Error(result.reason);
  }

  async function enqueue(request: NotificationRequest, extra: Omit<NotifyJobData, 'request'> = {}, delay = 0) {
    const prior = extra.priorAttempts ?? 0;
    await queue.add(
      'notify',
      { request, ...extra },
      {
        jobId: notificationJobId(request),
        attempts: Math.max(1, attempts - prior),
        backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
        ...(delay > 0 ? { delay } : {}),
        removeOnComplete: { count: 1000, age: 3600 },
        removeOnFail: { count: 10_000 },
      },
    );
  }

  /** Claims of the in-process attempts running now, renewed together by one timer (not one per attempt). */
  const renewing = new Set<ClaimKeeper>();
  let renewal: NodeJS.Timeout | undefined;
  function renewClaims(): void {
    for (const claim of renewing) {
      claim.renew().catch((err: unknown) => deps.logger.warn({ err: redactError(err) }, 'renewing a claim failed'));
    }
  }

  /**
   * The first attempt of `deliverNow`, then what the queue would do with its result: a retry or a Retry-After
   * goes to the queue (delayed as BullMQ's backoff would), a permanent failure to the dead letters.
   */
  async function deliverInline(request: NotificationRequest, claim: ClaimKeeper): Promise<void> {
    renewing.add(claim);
    renewal ??= setInterval(renewClaims, opts.claimRenewMs ?? 5000);
    let outcome: Awaited<ReturnType<typeof attempt>>;
    try {
      outcome = await attempt(request, 1);
    } finally {
      renewing.delete(claim);
      if (renewing.size === 0) {
        clearInterval(renewal);
        renewal = undefined;
      }
    }
    const { result, base } = outcome;
    if (result.kind === 'delivered') {
      await succeed(request, base, result.receiverData);
      return;
    }
    let requeue: { extra: Omit<NotifyJobData, 'request'>; delay: number };
    if (result.kind === 'permanent' || (result.afterMs === undefined && attempts <= 1)) {
      await giveUp(request, base, result.reason);
      requeue = { extra: { failedInline: result.reason }, delay: 0 };
    } else if (result.afterMs !== undefined) {
      await recordRateLimited(base, result.reason, result.afterMs);
      requeue = { extra: {}, delay: result.afterMs };
    } else {
      await record({ ...base, status: 'retry', error: result.reason });
      requeue = { extra: { priorAttempts: 1 }, delay: Math.round(backoffMs * (1 - Math.random() * 0.5)) };
    }
    try {
      await enqueue(request, requeue.extra, requeue.delay);
    } catch (err) {
      deps.logger.error({ err: redactError(err), groupKey: request.groupKey }, 'queueing a failed attempt failed');
      // The claim lapses with its lease and a later flush sends again; report so the flush record settles.
      if (requeue.extra.failedInline === undefined) await report(request, { delivered: false, reason: String(err) });
      return;
    }
    if (requeue.extra.failedInline === undefined) await claim.queued();
  }

  const notifier: KlaxonNotifier = {
    name: 'notifier',

    integrationsFor(receiver: string): IntegrationInfo[] {
      return registry.integrationsFor(receiver);
    },

    retryHorizonMs(): number {
      // Exponential backoff: delay·(1 + 2 + … + 2^(attempts-2)); jitter only shortens it.
      return backoffMs * (2 ** (attempts - 1) - 1) + attempts * ATTEMPT_ALLOWANCE_MS;
    },

    async enqueue(request: NotificationRequest): Promise<void> {
      await enqueue(request);
    },

    deliverNow(request, claim) {
      if (workers.length === 0 || stopping.signal.aborted || inline.size >= concurrency) return false;
      const run = deliverInline(request, claim)
        .catch((err: unknown) => deps.logger.error({ err: redactError(err) }, 'in-process delivery failed'))
        .finally(() => inline.delete(run));
      inline.add(run);
      return true;
    },

    reload(receivers, templates, newPlugins) {
      plugins = newPlugins ?? plugins;
      registry = buildRegistry(receivers, templates, plugins);
    },

    async start() {
      if (opts.runWorker === false) return;
      // `concurrency` workers of one job each rather than one worker of `concurrency` jobs: a BullMQ worker with
      // room for more jobs fetches again before it starts a job it just got, one Redis round trip on every
      // notification of an idle instance. Each job added wakes one blocked worker, so they still deliver in
      // parallel; one stalled-job check per instance is enough (it covers the whole queue).
      workers = Array.from(
        { length: concurrency },
        (_, i) =>
          new Worker<NotifyJobData>(NOTIFY_QUEUE, deliver, {
            connection: deps.bullConnection,
            prefix: deps.queuePrefix,
            concurrency: 1,
            skipStalledCheck: i > 0,
          }),
      );
      for (const w of workers) {
        w.on('error', (err) => deps.logger.error({ err: redactError(err) }, 'notify worker error'));
      }
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },

    notReadyReason() {
      if (opts.runWorker === false) return null;
      return workers.length > 0 && workers.every((w) => w.isRunning()) ? null : 'notify worker is not running';
    },

    async stop() {
      const running = workers;
      workers = [];
      if (running.length > 0 || inline.size > 0) {
        const timeout = new Promise<'timeout'>((r) => setTimeout(r, opts.stopTimeoutMs ?? 10_000, 'timeout').unref());
        const closed = Promise.all([...running.map((w) => w.close()), ...inline]);
        if ((await Promise.race([closed, timeout])) === 'timeout') {
          // Running sends are cut off: queued jobs come back as stalled and are retried by another instance,
          // in-process attempts end as retries and go to the queue.
          stopping.abort();
          await Promise.all([...running.map((w) => w.close(true)), ...inline]);
        }
      }
      await queue.close();
    },

    deliveries(receiver, limit) {
      return log.list(receiver, limit);
    },

    async deadLetters(limit) {
      const jobs = await queue.getFailed(0, Math.max(0, limit - 1));
      return jobs.filter(Boolean).map((job) => ({
        id: job.id ?? '',
        receiver: job.data.request.receiver,
        integration: job.data.request.integration,
        index: job.data.request.integrationIndex,
        groupKey: job.data.request.groupKey,
        alerts: job.data.request.alerts.length,
        failedReason: job.failedReason,
        attemptsMade: job.attemptsMade,
        finishedOn: job.finishedOn,
      }));
    },

    async retryDeadLetter(id) {
      const job = await queue.getJob(id);
      if (!job || !(await job.isFailed())) return false;
      if (job.data.failedInline !== undefined) await job.updateData({ request: job.data.request });
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    },
  };
  return notifier;
}
