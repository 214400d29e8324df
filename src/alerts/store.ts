import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';
import { applyIncoming } from './merge.js';
import type { Alert } from './types.js';

/** Resolved alerts stay readable this long (upstream garbage-collects resolved alerts every 30m). */
export const RESOLVED_RETENTION_MS = 30 * 60_000;

/** Alerts removed per garbage-collection script call (bounded so one call never blocks Redis for long). */
const GC_BATCH = 1000;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    klaxonAlertsCollectGarbage(index: string, data: string, cutoff: number, limit: number): Result<number, Context>;
  }
}

const withScripts = new WeakSet<Redis>();

/**
 * Redis-backed alert store: a hash `<prefix>{alerts}:json` of fingerprint → alert JSON and a sorted set
 * `<prefix>{alerts}` of fingerprints by endsAt, which lists the unresolved alerts and drives the garbage
 * collection (both under one hash tag, for the GC script). One hash instead of a key per alert makes an ingest
 * batch one HMGET and one HSET, whatever its size.
 */
export class AlertStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!withScripts.has(redis)) {
      redis.defineCommand('klaxonAlertsCollectGarbage', {
        numberOfKeys: 2,
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

  /**
   * Merge each incoming alert with the stored one. Alerts of one batch with the same fingerprint are applied in
   * order. Returns the stored versions at once and the write, so the caller can queue its own commands behind it
   * on the same connection (Redis runs them in order) instead of waiting for a round trip.
   */
  async merge(incoming: Alert[], now: number): Promise<{ stored: Alert[]; written: Promise<void> }> {
    if (incoming.length === 0) return { stored: [], written: Promise.resolve() };
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
    const pipeline = this.redis
      .pipeline()
      .hset(this.dataKey, ...fields)
      .zadd(this.indexKey, ...index);
    return { stored, written: execOrThrow(pipeline).then(() => undefined) };
  }

  /** `merge` and wait for the write. */
  async put(incoming: Alert[], now: number): Promise<Alert[]> {
    const { stored, written } = await this.merge(incoming, now);
    await written;
    return stored;
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

  /** Alerts whose endsAt lies after `now` (the API's and the inhibitor's view). */
  async listUnresolved(now: number): Promise<Alert[]> {
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
        now - RESOLVED_RETENTION_MS,
        GC_BATCH,
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
