import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Callback, ChainableCommander, Redis, Result } from 'ioredis';
import type { Alert } from './types.js';

/** Resolved alerts stay readable this long (upstream garbage-collects resolved alerts every 30m). */
export const RESOLVED_RETENTION_MS = 30 * 60_000;

/** Alerts examined per garbage-collection script call (bounded so one call never blocks Redis for long). */
const GC_STEP = 1000;

/** merge.lua's reply per alert: 0 when the stored copy is the posted one, else the stored JSON. */
type MergeReply = (0 | string)[];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    klaxonAlertsMerge(
      data: string,
      version: string,
      now: number,
      nextVersion: string,
      alertsJson: string,
      fingerprints: string,
      callback: Callback<MergeReply>,
    ): Result<MergeReply, Context>;
    klaxonAlertsCollectGarbage(
      data: string,
      version: string,
      cutoff: number,
      cursor: string,
      count: number,
      nextVersion: string,
    ): Result<[string, number], Context>;
  }
}

const withScripts = new WeakSet<Redis>();

/** Queues an alert write on a pipeline (see `AlertStore.merge`). */
export type AlertWrite = (pipeline: ChainableCommander) => void;

/** A batch merge to send on the caller's pipeline (see `AlertStore.merge`). */
export interface StagedMerge {
  write: AlertWrite;
  /** The stored versions, in batch order, once the pipeline carrying `write` has run. */
  stored: Promise<Alert[]>;
}

/**
 * An alert's stored JSON: its fingerprint and times come last, in a fixed order, so merge.lua reads them back
 * without decoding the rest and writes a merged copy as the same text with other times.
 */
function storedJson(alert: Alert): string {
  const { labels, annotations, generatorURL, fingerprint, startsAt, endsAt, updatedAt, timeout } = alert;
  const body = JSON.stringify({ labels, annotations, generatorURL, fingerprint }).slice(0, -1);
  return `${body},"startsAt":${startsAt},"endsAt":${endsAt},"updatedAt":${updatedAt},"timeout":${timeout}}`;
}

/** `listUnresolved`'s last read: every alert unresolved at `readAt`, valid while the version stands. */
interface UnresolvedCache {
  version: string | null;
  readAt: number;
  alerts: Promise<Alert[]>;
}

/**
 * Redis-backed alert store: a hash `<prefix>{alerts}:json` of fingerprint → alert JSON. One hash instead of a key
 * per alert makes an ingest batch one script call reading with one HMGET and writing with one HSET, whatever its
 * size. There is no index by endsAt: keeping one (a sorted set) cost Redis a skiplist insertion per alert on every
 * ingest, a fifth of its work there, to spare the reads that use it (the list of unresolved alerts, cached per
 * version, and the garbage collection every 5 minutes) a pass over the resolved alerts still retained.
 * `<prefix>{alerts}:version` is set to a fresh token after every change (once per batch, by the merge; by the GC
 * when it removes anything), so `listUnresolved` can keep its last answer per instance and re-read only when some
 * instance changed the alerts since.
 */
export class AlertStore {
  private unresolved: UnresolvedCache | undefined;
  /** Versions are unique tokens, not a counter: a Redis restored to an older state never repeats one. */
  private readonly writer = randomBytes(8).toString('hex');
  private writes = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!withScripts.has(redis)) {
      // Each script is the shared reader of the stored alert layout followed by its own code.
      const lua = (name: string) =>
        ['alert-json', name].map((f) => readFileSync(new URL(`./lua/${f}.lua`, import.meta.url), 'utf8')).join('\n');
      redis.defineCommand('klaxonAlertsMerge', { numberOfKeys: 2, lua: lua('merge') });
      redis.defineCommand('klaxonAlertsCollectGarbage', { numberOfKeys: 2, lua: lua('collect-garbage') });
      withScripts.add(redis);
    }
  }

  private get dataKey(): string {
    return `${this.prefix}{alerts}:json`;
  }

  /** The sorted set of fingerprints by endsAt that earlier versions kept (see collectGarbage). */
  private get formerIndexKey(): string {
    return `${this.prefix}{alerts}`;
  }

  private get versionKey(): string {
    return `${this.prefix}{alerts}:version`;
  }

  /**
   * Merge each incoming alert with the stored one (merge.lua; alerts of one batch with the same fingerprint are
   * applied in order). Nothing is sent here: the caller queues `write` on its pipeline, ahead of its own commands
   * (Redis runs them in order: one socket write and one round trip for the whole ingest), and `stored` resolves
   * with that pipeline.
   */
  merge(incoming: Alert[], now: number): StagedMerge {
    if (incoming.length === 0) return { write: () => undefined, stored: Promise.resolve([]) };
    // One argument for the whole batch: ioredis costs ~0.1 µs per argument (its `args.flat()` alone ~60 ns).
    const batch = incoming.map(storedJson).join('\n');
    // Given apart, so merge.lua reads a posted alert's JSON tail only when it has a stored copy to merge with.
    const fingerprints = incoming.map((a) => a.fingerprint).join(',');
    const version = this.nextVersion();
    let settle: Callback<MergeReply> = () => undefined;
    const stored = new Promise<Alert[]>((resolve, reject) => {
      settle = (err, reply) => {
        if (err || !reply) reject(err ?? new Error('no reply to the alert merge'));
        else resolve(reply.map((r, i) => (r === 0 ? incoming[i]! : (JSON.parse(r) as Alert))));
      };
    });
    // The pipeline's own result reports the error to whoever sent it; a caller that never awaits this is fine.
    stored.catch(() => undefined);
    const write: AlertWrite = (pipeline) => {
      pipeline.klaxonAlertsMerge(this.dataKey, this.versionKey, now, version, batch, fingerprints, settle);
    };
    return { write, stored };
  }

  /** `merge` on a pipeline of its own. */
  async put(incoming: Alert[], now: number): Promise<Alert[]> {
    const { stored, write } = this.merge(incoming, now);
    const pipeline = this.redis.pipeline();
    write(pipeline);
    await execOrThrow(pipeline);
    return stored;
  }

  private nextVersion(): string {
    return `${this.writer}:${++this.writes}`;
  }

  async get(fps: string[]): Promise<Map<string, Alert>> {
    const out = new Map<string, Alert>();
    if (fps.length === 0) return out;
    const raw = await this.redis.hmget(this.dataKey, ...fps);
    fps.forEach((fp, i) => {
      const json = raw[i];
      if (json) out.set(fp, JSON.parse(json) as Alert);
    });
    return out;
  }

  /**
   * Alerts whose endsAt lies after `now` (the API's and the inhibitor's view). One small read when no instance
   * changed the alerts since this instance's last full read; the alerts returned are shared: read-only.
   */
  async listUnresolved(now: number): Promise<Alert[]> {
    // Read before the alerts: a write racing with the read leaves a newer answer under an older version, which
    // the next call re-reads. No version (a Redis that lost its data) is never cached.
    const version = await this.redis.get(this.versionKey);
    const usable = (c: UnresolvedCache | undefined): c is UnresolvedCache =>
      c !== undefined && version !== null && c.version === version && c.readAt <= now;
    let load = this.unresolved;
    if (!usable(load)) {
      load = { version, readAt: now, alerts: this.readUnresolved(now) };
      const started = load;
      // The latest read is kept while in flight too, so concurrent callers share it; a failed one is dropped.
      this.unresolved = started;
      started.alerts.catch(() => {
        if (this.unresolved === started) this.unresolved = undefined;
      });
    }
    return (await load.alerts).filter((a) => a.endsAt > now);
  }

  private async readUnresolved(now: number): Promise<Alert[]> {
    return (await this.listAll()).filter((a) => a.endsAt > now);
  }

  /** Every stored alert, resolved ones included (re-routing on reload). */
  async listAll(): Promise<Alert[]> {
    return (await this.redis.hvals(this.dataKey)).map((json) => JSON.parse(json) as Alert);
  }

  /**
   * Forget alerts resolved longer than the retention ago, a step of the alert hash at a time; returns how many. The
   * sorted set earlier versions kept beside the hash goes too: nothing reads it any more.
   */
  async collectGarbage(now: number): Promise<number> {
    await this.redis.unlink(this.formerIndexKey);
    let removed = 0;
    let cursor = '0';
    do {
      const [next, n] = await this.redis.klaxonAlertsCollectGarbage(
        this.dataKey,
        this.versionKey,
        now - RESOLVED_RETENTION_MS,
        cursor,
        GC_STEP,
        this.nextVersion(),
      );
      removed += n;
      cursor = String(next);
    } while (cursor !== '0');
    return removed;
  }
}

export async function execOrThrow(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
