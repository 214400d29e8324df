import { randomUUID } from 'node:crypto';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RuleGroupConfig } from '../config/rules/types.js';
import type { QueryClient } from '../datasource/types.js';
import { evaluateGroup, type GroupEvalDeps, type GroupState } from './group.js';
import type { RulerMetrics } from './metrics.js';
import { firstSlotAfterStart, groupOffsetMs, missedIterations, slotAt } from './schedule.js';
import type { AlertSender } from './sender.js';
import { groupId, RuleStateStore } from './store.js';
import type { TemplateExpander } from './types.js';

export const RULE_EVAL_QUEUE = 'rule-eval';
const SCHEDULER_PREFIX = 'eval:';
const UPSERT_BATCH = 50;

export interface RuleSchedulerOptions {
  redis: Redis;
  bullConnection: Redis;
  keyPrefix: string;
  queuePrefix: string;
  logger: Logger;
  metrics: RulerMetrics;
  now: () => number;
  datasource: QueryClient;
  /** Query timeout; bounds how long a group lock may be held. */
  queryTimeoutMs: number;
  sender: AlertSender;
  expand: TemplateExpander;
  externalLabels: Record<string, string>;
  externalURL: string;
  resendDelayMs: number;
  onQueryError: 'keep' | 'prometheus';
  datasourceDownAfterMs?: number;
  /** Parallel group evaluations per instance. */
  concurrency: number;
  /** Redis state older than this is forgotten (Prometheus' `outage_tolerance`, 1h). */
  outageToleranceMs: number;
}

/** A group's trigger may fire a little early; within this margin it still belongs to the coming slot. */
function earlyTolerance(intervalMs: number): number {
  return Math.min(250, Math.floor(intervalMs / 10));
}

/** Groups run unchanged when every setting and every rule is equal (§2.12). */
function sameGroup(a: RuleGroupConfig, b: RuleGroupConfig): boolean {
  return (
    a.source === b.source &&
    a.intervalMs === b.intervalMs &&
    a.limit === b.limit &&
    a.queryOffsetMs === b.queryOffsetMs &&
    JSON.stringify(a.rules) === JSON.stringify(b.rules) &&
    JSON.stringify(a.labels) === JSON.stringify(b.labels)
  );
}

export const groupKey = (g: RuleGroupConfig): string => `${g.file};${g.name}`;

/**
 * Runs rule groups on BullMQ job schedulers (one per group). A scheduler job is only a trigger: the worker
 * derives the slot from the group's grid and claims it in Redis, so each slot is evaluated once across all
 * instances and a group's evaluations never overlap (§2.1).
 */
export class RuleScheduler {
  private groups = new Map<string, RuleGroupConfig>();
  private queue?: Queue;
  private worker?: Worker;
  private readonly offsets = new WeakMap<RuleGroupConfig, number>();
  readonly store: RuleStateStore;

  constructor(private readonly opts: RuleSchedulerOptions) {
    this.store = new RuleStateStore(opts.redis, opts.keyPrefix);
  }

  private offsetOf(g: RuleGroupConfig): number {
    let offset = this.offsets.get(g);
    if (offset === undefined) {
      offset = groupOffsetMs(g.file, g.name, g.intervalMs);
      this.offsets.set(g, offset);
    }
    return offset;
  }

  async start(groups: RuleGroupConfig[]): Promise<void> {
    const { bullConnection: connection, queuePrefix: prefix } = this.opts;
    this.queue = new Queue(RULE_EVAL_QUEUE, { connection, prefix });
    await this.reload(groups);
    // Schedulers of groups no instance configures any more (left over from an older config) are removed.
    const wanted = new Set([...this.groups.keys()].map((id) => SCHEDULER_PREFIX + id));
    for (const s of await this.queue.getJobSchedulers()) {
      if (s.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(s.key)) await this.queue.removeJobScheduler(s.key);
    }
    this.worker = new Worker(RULE_EVAL_QUEUE, (job) => this.process(job), {
      connection,
      prefix,
      concurrency: this.opts.concurrency,
    });
    this.worker.on('error', (err) => this.opts.logger.error({ err }, 'rule evaluation worker error'));
    await this.worker.waitUntilReady();
  }

  /** Applies a new set of groups: unchanged ones keep running untouched, changed ones restart at their next slot. */
  async reload(groups: RuleGroupConfig[]): Promise<void> {
    const queue = this.queue;
    if (!queue) throw new Error('rule scheduler not started');
    const next = new Map(groups.map((g) => [groupId(g.file, g.name), g]));
    for (const id of this.groups.keys()) {
      if (!next.has(id)) await queue.removeJobScheduler(SCHEDULER_PREFIX + id);
    }
    const now = this.opts.now();
    const changed = [...next].filter(([id, g]) => {
      const old = this.groups.get(id);
      return !(old && sameGroup(old, g));
    });
    // Upserts are independent; a few dozen in flight make a reload of thousands of groups quick.
    for (let i = 0; i < changed.length; i += UPSERT_BATCH) {
      await Promise.all(
        changed.slice(i, i + UPSERT_BATCH).map(([id, g]) => {
          const offset = this.offsetOf(g);
          return queue.upsertJobScheduler(
            SCHEDULER_PREFIX + id,
            { every: g.intervalMs, startDate: firstSlotAfterStart(now, g.intervalMs, offset), offset },
            { name: 'eval', data: { groupId: id }, opts: { removeOnComplete: true, removeOnFail: 100 } },
          );
        }),
      );
    }
    this.groups = next;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker) {
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<void>((resolve) => {
        timer = setTimeout(() => void worker.close(true).then(resolve, resolve), 10_000);
      });
      await Promise.race([worker.close(), forced]);
      clearTimeout(timer);
    }
    await this.queue?.close();
    this.worker = undefined;
    this.queue = undefined;
  }

  /** Stored state of the given groups (any instance may have evaluated them). */
  async states(groups: RuleGroupConfig[]): Promise<Map<string, GroupState>> {
    return this.store.loadMany(groups.map((g) => groupId(g.file, g.name)));
  }

  private async process(job: Job<{ groupId: string }>): Promise<void> {
    const id = job.data.groupId;
    const g = this.groups.get(id);
    if (!g) return; // removed by a reload on this instance; its scheduler is gone too
    const key = groupKey(g);
    const { metrics, now } = this.opts;
    const offset = this.offsetOf(g);
    const startedAt = now();
    const ts = slotAt(startedAt + earlyTolerance(g.intervalMs), g.intervalMs, offset);
    const token = randomUUID();
    const lockTtl = 2 * g.intervalMs + this.opts.queryTimeoutMs * Math.max(1, g.rules.length);
    const claim = await this.store.claimSlot(id, ts, token, lockTtl);
    if (claim.outcome !== 'claimed') {
      // A late or duplicate trigger, or the previous evaluation still running: dropped and counted (§2.1).
      metrics.missed.inc({ rule_group: key });
      return;
    }
    const missed = missedIterations(claim.lastTs, ts, g.intervalMs);
    if (missed > 0 && ts - claim.lastTs <= this.opts.outageToleranceMs) metrics.missed.inc({ rule_group: key }, missed);
    metrics.scheduleDelay.observe(Math.max(0, startedAt - ts) / 1000);
    try {
      await this.evaluate(id, g, ts, token, claim.state);
    } catch (err) {
      await this.store.release(id, ts, token);
      throw err;
    }
  }

  private async evaluate(id: string, g: RuleGroupConfig, ts: number, token: string, prev: GroupState): Promise<void> {
    const { metrics, logger, datasource } = this.opts;
    const key = groupKey(g);
    const deps: GroupEvalDeps = {
      query: (expr, t) => datasource.query(expr, t),
      expand: this.opts.expand,
      clock: () => performance.now(),
      datasourceName: datasource.name,
      datasourceDownAfterMs: this.opts.datasourceDownAfterMs,
      resendDelayMs: this.opts.resendDelayMs,
      externalLabels: this.opts.externalLabels,
      externalURL: this.opts.externalURL,
      onQueryError: this.opts.onQueryError,
    };
    const res = await evaluateGroup(g, prev, ts, deps);
    const saved = await this.store.save(id, res.state, token, this.opts.outageToleranceMs);
    metrics.iterations.inc({ rule_group: key });
    if (!saved) {
      // Another worker stored a newer slot meanwhile: this result is stale and must not be sent.
      logger.warn({ rule_group: key, ts }, 'rule group state fenced off by a newer evaluation');
      return;
    }
    const failures = res.reports.filter((r) => r.health === 'err');
    if (failures.length) metrics.failures.inc({ rule_group: key }, failures.length);
    metrics.duration.observe(res.state.evaluationTimeMs / 1000);
    metrics.lastDuration.set({ rule_group: key }, res.state.evaluationTimeMs / 1000);
    metrics.lastEvaluation.set({ rule_group: key }, ts / 1000);
    const counts = { pending: 0, firing: 0, inactive: 0 };
    for (const r of Object.values(res.state.rules)) {
      if (r.kind === 'alerting') for (const a of Object.values(r.alerts)) counts[a.state]++;
    }
    for (const [state, n] of Object.entries(counts)) metrics.alerts.set({ rule_group: key, state }, n);
    for (const f of failures)
      logger.debug({ rule_group: key, rule: f.rule.name, err: f.error }, 'rule evaluation failed');
    if (res.alertsToSend.length === 0) return;
    try {
      await this.opts.sender.send(res.alertsToSend);
    } catch (err) {
      metrics.sendFailures.inc();
      logger.error({ err, rule_group: key }, 'sending alerts failed');
    }
  }
}
