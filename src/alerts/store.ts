import type { Redis } from 'ioredis';
import { applyIncoming } from './merge.js';
import type { Alert } from './types.js';

/** Resolved alerts stay readable this long (upstream garbage-collects resolved alerts every 30m). */
export const RESOLVED_RETENTION_MS = 30 * 60_000;

/**
 * Redis-backed alert store: one JSON string per fingerprint (`<prefix>alert:<fp>`, expiring
 * RESOLVED_RETENTION_MS after endsAt) and a sorted set `<prefix>alerts` of fingerprints by endsAt,
 * which lists the unresolved alerts and drives the garbage collection.
 */
export class AlertStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(fp: string): string {
    return `${this.prefix}alert:${fp}`;
  }

  private get indexKey(): string {
    return `${this.prefix}alerts`;
  }

  /**
   * Merge each incoming alert with the stored one and write the result. Alerts of one batch with the same
   * fingerprint are applied in order. Returns the stored versions.
   */
  async put(incoming: Alert[], now: number): Promise<Alert[]> {
    if (incoming.length === 0) return [];
    const fps = [...new Set(incoming.map((a) => a.fingerprint))];
    const raw = await this.redis.mget(...fps.map((fp) => this.key(fp)));
    const current = new Map<string, Alert>();
    fps.forEach((fp, i) => {
      const json = raw[i];
      if (json) current.set(fp, JSON.parse(json) as Alert);
    });
    const stored: Alert[] = [];
    for (const alert of incoming) {
      const next = applyIncoming(current.get(alert.fingerprint), alert, now);
      current.set(alert.fingerprint, next);
      stored.push(next);
    }
    const pipeline = this.redis.pipeline();
    const index: (string | number)[] = [];
    for (const fp of fps) {
      const alert = current.get(fp)!;
      pipeline.set(this.key(fp), JSON.stringify(alert), 'PXAT', Math.max(alert.endsAt, now) + RESOLVED_RETENTION_MS);
      index.push(alert.endsAt, fp);
    }
    pipeline.zadd(this.indexKey, ...index);
    await execOrThrow(pipeline);
    return stored;
  }

  async get(fps: string[]): Promise<Map<string, Alert>> {
    const out = new Map<string, Alert>();
    if (fps.length === 0) return out;
    const raw = await this.redis.mget(...fps.map((fp) => this.key(fp)));
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

  /** Drop index entries of alerts resolved longer than the retention ago (their keys expire on their own). */
  async collectGarbage(now: number): Promise<number> {
    return this.redis.zremrangebyscore(this.indexKey, '-inf', `(${now - RESOLVED_RETENTION_MS}`);
  }
}

export async function execOrThrow(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
