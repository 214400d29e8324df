import { type Job, Queue, Worker } from 'bullmq';
import type { ChainableCommander } from 'ioredis';
import type { AlertStore, StagedMerge } from '../alerts/store.js';
import type { Alert } from '../alerts/types.js';
import type { Deps } from '../app/component.js';
import type { AlertmanagerConfig, RouteConfig } from '../config/alertmanager/types.js';
import type { Labels } from '../labels/labels.js';
import type { Notifier } from '../notify/types.js';
import type { NflogEntry } from './decide.js';
import { type FlushGroup, type FlushHead, GroupFlusher } from './flush.js';
import { FlushOutcomes } from './flush-outcome.js';
import { type GroupMember, GroupStore } from './groups.js';
import { DispatchKeys } from './keys.js';
import { NotificationLog } from './nflog.js';
import type { Silencer } from './pipeline.js';
import { allRoutes, groupKey, groupLabels, matchRoutes } from './route.js';
import { defineDispatchScripts } from './scripts.js';

export const FLUSH_QUEUE = 'group-flush';

export interface DispatcherOptions {
  config: AlertmanagerConfig;
  notifier: Notifier;
  silencer?: Silencer | undefined;
  /** Resolved notices for alerts resolved while silenced (SEMANTICS §9 row 9); default off. */
  sendResolvedWhenSilenced?: boolean;
  /** How long a notification claim may stand before its job is enqueued (default 15 s; tests shorten it). */
  enqueueLeaseMs?: number;
  externalURL: string;
  alerts: AlertStore;
  /** Concurrent flushes per instance. */
  concurrency?: number;
  /**
   * Whether this instance runs group flushes (the `router` role). Without it the dispatcher still places
   * ingested alerts into groups and queues their durable ticks, for instances that do.
   */
  runWorker?: boolean;
}

interface FlushJob {
  groupId: string;
  ts: number;
}

function routesById(root: RouteConfig): Map<string, RouteConfig> {
  return new Map(allRoutes(root).map((m) => [m.routeId, m.route]));
}

/** Bounds the placement cache; past it the cache starts over (a group costs one key computation again). */
const PLACEMENT_CACHE_SIZE = 100_000;

/** Unambiguous key of (route node, group label set): every part is length-prefixed. */
function placementCacheKey(routeId: string, labels: Labels): string {
  let key = `${routeId.length}:${routeId}`;
  for (const name in labels) {
    const value = labels[name]!;
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

function flushJobId(tick: FlushJob): string {
  return `${tick.groupId}-${tick.ts}`;
}

/**
 * A posted alert merged into an older stored one can differ from what its groups were given: the earlier startsAt
 * (an old alert makes an unflushed group due, as in dispatch.go) or, when another instance's clock ran ahead, the
 * updatedAt. Those few are added again as stored; the posted version only stood in meanwhile.
 */
function mergedDifferently(posted: Alert[], stored: Map<string, Alert>): Alert[] {
  const last = new Map(posted.map((a) => [a.fingerprint, a]));
  return [...stored.values()].filter((s) => {
    const p = last.get(s.fingerprint)!;
    return s.updatedAt !== p.updatedAt || s.startsAt !== p.startsAt;
  });
}

/** One routed placement of an alert: which group of which route node it belongs to. */
export interface Placement {
  route: RouteConfig;
  routeId: string;
  groupId: string;
  groupKey: string;
  groupLabels: Labels;
}

/**
 * Aggregation groups and their flushes (SEMANTICS §5.2–5.8). Group state lives in Redis; each timer tick is a
 * delayed BullMQ job whose id (group hash + tick time) deduplicates scheduling across instances, so any
 * instance may run it and groups resume after a restart.
 */
export class Dispatcher {
  private config: AlertmanagerConfig;
  /** Route nodes by id (route.ts `routeId`): groups stored in Redis name the node they belong to. */
  private routes: Map<string, RouteConfig>;
  readonly groups: GroupStore;
  readonly nflog: NotificationLog;
  readonly outcomes: FlushOutcomes;
  private readonly flusher: GroupFlusher;
  private readonly queue: Queue<FlushJob>;
  private worker: Worker<FlushJob> | undefined;
  /** Placements by route node and group labels (see `place`); emptied when the route tree changes. */
  private readonly placements = new Map<string, Placement>();
  /** Groups this instance placed alerts in, by id: their meta without a Redis read when their ticks run. */
  private readonly placedGroups = new Map<string, Placement>();
  /** Cancels the local timers of the ticks this instance scheduled, keyed by job id (see `schedule`). */
  private readonly timers = new Map<string, () => void>();

  constructor(
    private readonly deps: Deps,
    private readonly opts: DispatcherOptions,
  ) {
    defineDispatchScripts(deps.redis);
    const keys = new DispatchKeys(deps.keyPrefix);
    this.config = opts.config;
    this.routes = routesById(opts.config.route);
    this.groups = new GroupStore(deps.redis, keys);
    this.nflog = new NotificationLog(deps.redis, keys);
    this.outcomes = new FlushOutcomes(deps.redis, keys, this.groups, this.nflog, deps.now);
    this.flusher = new GroupFlusher({
      config: () => this.config,
      notifier: opts.notifier,
      silencer: opts.silencer,
      sendResolvedWhenSilenced: opts.sendResolvedWhenSilenced ?? false,
      ...(opts.enqueueLeaseMs ? { enqueueLeaseMs: opts.enqueueLeaseMs } : {}),
      externalURL: opts.externalURL,
      alerts: opts.alerts,
      groups: this.groups,
      nflog: this.nflog,
      outcomes: this.outcomes,
      logger: deps.logger,
    });
    // Created up front so alerts ingested before start() (or while stopping) still get their durable tick.
    this.queue = new Queue<FlushJob>(FLUSH_QUEUE, { connection: deps.bullConnection, prefix: deps.queuePrefix });
    this.queue.on('error', (err) => deps.logger.error({ err }, 'group-flush queue error'));
  }

  get currentConfig(): AlertmanagerConfig {
    return this.config;
  }

  routeById(id: string): RouteConfig | undefined {
    return this.routes.get(id);
  }

  /** Where an alert with these labels is grouped (one placement per matching route node). */
  place(labels: Labels): Placement[] {
    return matchRoutes(this.config.route, labels).map((match) => {
      const gl = groupLabels(match.route, labels);
      // Ingest places every alert: the group key (sorted, quoted) and its SHA-256 id are computed once per group.
      const cacheKey = placementCacheKey(match.routeId, gl);
      let cached = this.placements.get(cacheKey);
      if (!cached) {
        const gk = groupKey(match.routeKey, gl);
        cached = {
          route: match.route,
          routeId: match.routeId,
          groupId: GroupStore.groupId(match.routeId, gk),
          groupKey: gk,
          groupLabels: gl,
        };
        if (this.placements.size >= PLACEMENT_CACHE_SIZE) {
          this.placements.clear();
          this.placedGroups.clear();
        }
        this.placements.set(cacheKey, cached);
        this.placedGroups.set(cached.groupId, cached);
      }
      return cached;
    });
  }

  async start(): Promise<void> {
    if (this.opts.runWorker === false) return;
    const connection = this.deps.bullConnection;
    this.worker = new Worker<FlushJob>(FLUSH_QUEUE, (job: Job<FlushJob>) => this.runTick(job.data), {
      connection,
      prefix: this.deps.queuePrefix,
      concurrency: this.opts.concurrency ?? 64,
    });
    this.worker.on('error', (err) => this.deps.logger.error({ err }, 'group-flush worker error'));
    this.worker.on('failed', (job, err) =>
      this.deps.logger.error({ err, groupId: job?.data.groupId }, 'group flush failed'),
    );
    await this.resumeTimers();
  }

  async stop(): Promise<void> {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    const worker = this.worker;
    if (worker) {
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
      if ((await Promise.race([worker.close(), timeout])) === 'timeout') await worker.close(true);
    }
    await this.queue.close();
    this.worker = undefined;
  }

  /**
   * Put alerts into their groups and arm the timers of new groups. A group due at once (group_wait 0, an old
   * alert) is flushed from here when this instance runs flushes: its tick is claimed by the same script call, one
   * round trip sooner than through a timer. With `merge` (posted alerts being stored), the store's merge is sent
   * in the same pipeline, ahead of the group additions, and the groups get the posted versions; the few alerts
   * whose stored version differs where groups look (updatedAt, startsAt) are added again as stored. `written` is
   * called once the alerts and the group additions are in Redis, before the flushes and timers they lead to (after
   * the re-additions, if any: a later insert must not be overtaken by an older version of its alerts).
   */
  async insert(alerts: Alert[], now: number, merge?: StagedMerge, written?: () => void): Promise<void> {
    const batches = new Map<string, { placement: Placement; members: GroupMember[] }>();
    for (const alert of alerts) {
      for (const placement of this.place(alert.labels)) {
        let batch = batches.get(placement.groupId);
        if (!batch) {
          batch = { placement, members: [] };
          batches.set(placement.groupId, batch);
        }
        batch.members.push({ fingerprint: alert.fingerprint, updatedAt: alert.updatedAt, startsAt: alert.startsAt });
      }
    }
    const list = [...batches.values()];
    const flushing = this.worker !== undefined;
    // A new group_wait-0 group is due as soon as it is added: the add takes its notification claims, and its nflog
    // read goes out in the same pipeline, behind the add (see FlushHead, and GroupFlusher.flush on the order).
    const dueAtOnce = (placement: Placement) => flushing && placement.route.groupWaitMs === 0;
    const ahead = list.map(({ placement }) => (dueAtOnce(placement) ? this.flusher.claimsAhead(placement) : undefined));
    const nflog: (Promise<(NflogEntry | null)[]> | undefined)[] = [];
    const after = (pipeline: ChainableCommander) => {
      for (const { placement } of list) {
        nflog.push(
          dueAtOnce(placement)
            ? this.flusher.readNflog(placement.groupKey, placement.route.receiver, pipeline)
            : undefined,
        );
      }
    };
    const results = await this.groups.addMany(
      list.map(({ placement, members }, i) => ({
        groupId: placement.groupId,
        groupKey: placement.groupKey,
        routeId: placement.routeId,
        labels: placement.groupLabels,
        groupWaitMs: placement.route.groupWaitMs,
        groupIntervalMs: placement.route.groupIntervalMs,
        claims: ahead[i]?.claims,
        members,
      })),
      now,
      flushing,
      merge?.write,
      after,
    );
    // Last version per fingerprint, as the batch left it.
    const stored = new Map((merge ? await merge.stored : alerts).map((a) => [a.fingerprint, a]));
    const remerged = merge ? mergedDifferently(alerts, stored) : [];
    if (remerged.length === 0) written?.();
    const ticks: FlushJob[] = [];
    const flushes: Promise<void>[] = [];
    results.forEach((result, i) => {
      const { placement } = list[i]!;
      if (result.kind === 'none') return;
      ticks.push({ groupId: placement.groupId, ts: result.next });
      if (result.kind !== 'flush') return;
      const entries = nflog[i];
      const claims = ahead[i];
      const head = entries && claims && { nflog: entries, stored, claims: { ...claims, claimed: result.claimed } };
      flushes.push(this.flushLogged(placement, result.members, now, head));
    });
    // Due flushes first: queueing the ticks is JavaScript work and a Redis write on the same thread that would sit
    // between the flush's round trips (POST→notification latency), and after them it still came before the
    // notification's own socket write, which Node's HTTP client makes on a later tick: so the ticks wait for the
    // next turn of the event loop. They are stored with their groups already: one lost to a crash in between is
    // armed again by resumeTimers or, once overdue, by the next alert added.
    if (flushes.length > 0) {
      await Promise.all(flushes);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.schedule(ticks, now);
    if (remerged.length > 0) {
      await this.insert(remerged, now);
      written?.();
    }
  }

  private flushLogged(group: FlushGroup, members: Map<string, number>, now: number, head?: FlushHead): Promise<void> {
    return this.flusher
      .flush(group, members, now, head)
      .catch((err: unknown) => this.deps.logger.error({ err, groupId: group.groupId }, 'group flush failed'));
  }

  /**
   * Arm ticks. The delayed BullMQ job is the durable timer (any instance runs it, it survives restarts), but
   * Redis wakes blocked clients only on its ~100ms cron, so the scheduling instance also sets a local timer
   * for the exact time. Whichever runs first claims the tick atomically (group-tick.lua); the other finds it
   * stale and does nothing.
   */
  private async schedule(ticks: FlushJob[], now: number): Promise<void> {
    if (ticks.length === 0) return;
    for (const t of ticks) this.armLocalTimer(t, now);
    const jobs = ticks.map((t) => ({
      name: 'flush',
      data: t,
      opts: { jobId: flushJobId(t), delay: Math.max(0, t.ts - now), removeOnComplete: true, removeOnFail: true },
    }));
    // One tick (a flush re-arming its group, a new group) is the common case: `add` sends one script call, where
    // `addBulk` builds an ioredis pipeline, which copies every script BullMQ defined on its connection (over a
    // hundred properties) and shows up as garbage-collection pauses in POST→webhook latency.
    const [single] = jobs;
    if (jobs.length === 1 && single) await this.queue.add(single.name, single.data, single.opts);
    else await this.queue.addBulk(jobs);
  }

  private armLocalTimer(tick: FlushJob, now: number): void {
    const id = flushJobId(tick);
    if (this.timers.has(id) || !this.worker) return;
    const run = () => {
      this.timers.delete(id);
      this.runTick(tick).catch((err: unknown) =>
        this.deps.logger.error({ err, groupId: tick.groupId }, 'group flush failed'),
      );
    };
    // A due tick (group_wait 0, an old alert) runs right after this I/O callback; setTimeout(0) would wait ≥1 ms.
    if (tick.ts <= now) {
      const immediate = setImmediate(run);
      this.timers.set(id, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(run, tick.ts - now);
      this.timers.set(id, () => clearTimeout(timer));
    }
  }

  /** After a restart, make sure every stored group has its next tick queued (job ids make this idempotent). */
  private async resumeTimers(): Promise<void> {
    const groups = await this.groups.list();
    await this.schedule(
      groups.filter((g) => Number.isFinite(g.next)).map((g) => ({ groupId: g.id, ts: g.next })),
      this.deps.now(),
    );
  }

  /** Reload (SEMANTICS §5.9): new route tree, every stored alert re-routed into new groups, timers reset. */
  async reload(config: AlertmanagerConfig): Promise<void> {
    this.config = config;
    this.routes = routesById(config.route);
    this.placements.clear();
    this.placedGroups.clear();
    await this.groups.clear();
    await this.insert(await this.opts.alerts.listAll(), this.deps.now());
  }

  private async runTick({ groupId, ts }: FlushJob): Promise<void> {
    // A group id hashes its route node and group key, so a placement made here is its meta; the tick script
    // below still finds out whether the group exists.
    const placed = this.placedGroups.get(groupId);
    const meta = placed
      ? { routeId: placed.routeId, groupKey: placed.groupKey, labels: placed.groupLabels }
      : await this.groups.meta(groupId);
    const route = meta ? this.routes.get(meta.routeId) : undefined;
    if (!meta || !route) return;
    const now = this.deps.now();
    const tick = await this.groups.tick(groupId, ts, now, route.groupIntervalMs);
    this.deps.logger.debug({ groupKey: meta.groupKey, tick: ts, late: now - ts, result: tick.kind }, 'group tick');
    if (tick.kind !== 'flush') return;
    // The next tick is armed before this flush completes, so a slow flush never delays the timer.
    await Promise.all([
      this.schedule([{ groupId, ts: tick.next }], now),
      tick.members.size > 0
        ? this.flusher.flush({ groupId, groupKey: meta.groupKey, groupLabels: meta.labels, route }, tick.members, now)
        : undefined,
    ]);
  }
}
