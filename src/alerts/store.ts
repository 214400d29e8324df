import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChainableCommander, Redis, Result } from 'ioredis';
import { applyIncoming } from './merge.js';
import type { Alert } from './types.js';

/** Resolved alerts stay readable this long (upstream garbage-collects resolved alerts every 30m). */
export const RESOLVED_RETENTION_MS = 30 * 60_000;

/** Alerts removed per garbage-collection script call (bounded so one call never blocks Redis for long). */
const GC_BATCH = 1000;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    klaxonAlertsCollectGarbage(
      index: string,
      data: string,
      version: string,
      cutoff: number,
      limit: number,
      nextVersion: string,
    ): Result<number, Context>;
  }
}

const withScripts = new WeakSet<Redis>();

/** Queues an alert write on a pipeline (see `AlertStore.merge`). */
export type AlertWrite = (pipeline: ChainableCommander) => void;

/** `listUnresolved`'s last read: every alert unresolved at `readAt`, valid while the version stands. */
interface UnresolvedCache {
  version: string | null;
  readAt: number;
  alerts: Promise<Alert[]>;
}

/**
 * Redis-backed alert store: a hash `<prefix>{alerts}:json` of fingerprint → alert JSON and a sorted set
 * `<prefix>{alerts}` of fingerprints by endsAt, which lists the unresolved alerts and drives the garbage
 * collection (both under one hash tag, for the GC script). One hash instead of a key per alert makes an ingest
 * batch one HMGET and one HSET, whatever its size. `<prefix>{alerts}:version` is set to a fresh token after every change
 * (once per batch, queued behind its writes; by the GC when it removes anything), so `listUnresolved` can keep
 * its last answer per instance and re-read only when some instance changed the alerts since.
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
      redis.defineCommand('klaxonAlertsCollectGarbage', {
        numberOfKeys: 3,
        lua: readFileSync(new URL('./lua/collect-garbage.lua', import.meta.url), 'utf8'),
      });
      withScripts.add(redis);
    }
  }

  private get dataKey(): string {
    return `${this.prefix}{alerts}:json`;
  }

  private get indexKey(): string {
    return `${this.prefix}{alerts}`;
  }

  private get versionKey(): string {
    return `${this.prefix}{alerts}:version`;
  }

  /**
   * Merge each incoming alert with the stored one. Alerts of one batch with the same fingerprint are applied in
   * order. Returns the stored versions and their write, for the caller to queue on a pipeline ahead of its own
   * commands (Redis runs them in order: one socket write and one round trip for the whole ingest).
   */
  async merge(incoming: Alert[], now: number): Promise<{ stored: Alert[]; write: AlertWrite }> {
    if (incoming.length === 0) return { stored: [], write: () => undefined };
    const fps = [...new Set(incoming.map((a) => a.fingerprint))];
    const raw = await this.redis.hmget(this.dataKey, ...fps);
    const current = new Map<string, Alert>();
    for (let i = 0; i < fps.length; i++) {
      const json = raw[i];
      if (json) current.set(fps[i]!, JSON.parse(json) as Alert);
    }
    const stored: Alert[] = [];
    for (const alert of incoming) {
      const next = applyIncoming(current.get(alert.fingerprint), alert, now);
      current.set(alert.fingerprint, next);
      stored.push(next);
    }
    const fields: string[] = [];
    const index: (string | number)[] = [];
    for (const [fp, alert] of current) {
      fields.push(fp, JSON.stringify(alert));
      index.push(alert.endsAt, fp);
    }
    const write: AlertWrite = (pipeline) => {
      pipeline
        .hset(this.dataKey, ...fields)
        .zadd(this.indexKey, ...index)
        .set(this.versionKey, this.nextVersion());
    };
    return { stored, write };
  }

  /** `merge` and wait for the write. */
  async put(incoming: Alert[], now: number): Promise<Alert[]> {
    const { stored, write } = await this.merge(incoming, now);
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
    const fps = await this.redis.zrangebyscore(this.indexKey, `(${now}`, '+inf');
    return [...(await this.get(fps)).values()].filter((a) => a.endsAt > now);
  }

  /** Every stored alert, resolved ones included (re-routing on reload). */
  async listAll(): Promise<Alert[]> {
    const fps = await this.redis.zrange(this.indexKey, '0', '-1');
    return [...(await this.get(fps)).values()];
  }

  /** Forget alerts resolved longer than the retention ago; returns how many. */
  async collectGarbage(now: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const n = await this.redis.klaxonAlertsCollectGarbage(
        this.indexKey,
        this.dataKey,
        this.versionKey,
        now - RESOLVED_RETENTION_MS,
        GC_BATCH,
        this.nextVersion(),
      );
      removed += n;
      if (n < GC_BATCH) return removed;
    }
  }
}

export async function execOrThrow(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
