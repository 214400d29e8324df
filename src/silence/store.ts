/**
 * Silences in Redis (ARCHITECTURE "Redis layout"): a hash id → JSON, a sorted set of ids by retention end for
 * the sweep, and a version counter bumped (and published) on every change so each instance knows when to
 * reload its cache. Every change is one Lua call that first checks the silence it was planned from is still
 * the stored one, so concurrent edits on different instances cannot lose each other's writes.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';
import {
  DEFAULT_RETENTION_MS,
  ERR_NOT_FOUND,
  expireSilence,
  planSet,
  type Silence,
  SilenceError,
  type SilenceInput,
} from './model.js';

const WRITE_LUA = readFileSync(new URL('./lua/silence-write.lua', import.meta.url), 'utf8');
const SWEEP_LUA = readFileSync(new URL('./lua/silence-sweep.lua', import.meta.url), 'utf8');

declare module 'ioredis' {
  interface RedisCommander<Context> {
    klaxonSilenceWrite(
      data: string,
      expiry: string,
      version: string,
      ...args: string[]
    ): Result<[number, number?], Context>;
    klaxonSilenceSweep(
      data: string,
      expiry: string,
      version: string,
      now: string,
      channel: string,
    ): Result<number, Context>;
  }
}

export interface SilenceLimits {
  /** Upstream `--silences.max-silences`: silences kept, expired ones included (0 = no limit). */
  maxSilences?: number;
  /** Upstream `--silences.max-silence-size-bytes`, measured here on the stored JSON (0 = no limit). */
  maxSilenceSizeBytes?: number;
  /** How long a silence is kept after it ended; upstream `--data.retention` (120h). */
  retentionMs?: number;
}

/** A change this instance made, for logs and metrics (SEMANTICS §9 row 15: silence events). */
export interface SilenceEvent {
  action: 'created' | 'updated' | 'expired';
  silence: Silence;
}

export interface SilenceKeys {
  data: string;
  expiry: string;
  version: string;
  channel: string;
}

/** One hash tag for all silence keys, so the Lua scripts work on Redis Cluster. */
export function silenceKeys(keyPrefix: string): SilenceKeys {
  const base = `${keyPrefix}{silences}`;
  return { data: `${base}:data`, expiry: `${base}:expiry`, version: `${base}:version`, channel: `${base}:changed` };
}

const MAX_ATTEMPTS = 10;

export class SilenceStore {
  readonly keys: SilenceKeys;
  private readonly retentionMs: number;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly limits: SilenceLimits = {},
    private readonly onChange: (event: SilenceEvent) => void = () => {},
    private readonly newId: () => string = randomUUID,
  ) {
    this.keys = silenceKeys(keyPrefix);
    this.retentionMs = limits.retentionMs ?? DEFAULT_RETENTION_MS;
    if (typeof (redis as Partial<Redis>).klaxonSilenceWrite !== 'function') {
      redis.defineCommand('klaxonSilenceWrite', { numberOfKeys: 3, lua: WRITE_LUA });
      redis.defineCommand('klaxonSilenceSweep', { numberOfKeys: 3, lua: SWEEP_LUA });
    }
  }

  async version(): Promise<number> {
    return Number((await this.redis.get(this.keys.version)) ?? 0);
  }

  /** Every stored silence and the version they belong to, read atomically. */
  async snapshot(): Promise<{ version: number; silences: Silence[] }> {
    const res = await this.redis.multi().get(this.keys.version).hgetall(this.keys.data).exec();
    if (!res) throw new Error('silence snapshot transaction aborted');
    const [[verErr, version], [dataErr, data]] = res as [
      [Error | null, string | null],
      [Error | null, Record<string, string>],
    ];
    if (verErr) throw verErr;
    if (dataErr) throw dataErr;
    return { version: Number(version ?? 0), silences: Object.values(data).map((json) => JSON.parse(json) as Silence) };
  }

  async get(id: string): Promise<Silence | undefined> {
    const json = await this.redis.hget(this.keys.data, id);
    return json ? (JSON.parse(json) as Silence) : undefined;
  }

  /** POST /silences: create, update in place or replace (SEMANTICS §6). Resolves to the resulting id. */
  async set(input: SilenceInput, now: () => number): Promise<string> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const prevJson = input.id ? await this.redis.hget(this.keys.data, input.id) : null;
      const prev = prevJson ? (JSON.parse(prevJson) as Silence) : undefined;
      const plan = planSet(input, prev, now(), this.newId);
      const json = JSON.stringify(plan.silence);
      const size = Buffer.byteLength(json);
      const maxSize = this.limits.maxSilenceSizeBytes ?? 0;
      if (maxSize > 0 && size > maxSize) {
        throw new SilenceError(400, `silence exceeded maximum size: ${size} bytes (limit: ${maxSize} bytes)`);
      }
      const writes = [plan.silence, ...(plan.expired ? [plan.expired] : [])];
      const res = await this.redis.klaxonSilenceWrite(
        this.keys.data,
        this.keys.expiry,
        this.keys.version,
        input.id ?? '',
        prevJson ?? '',
        String(this.limits.maxSilences ?? 0),
        plan.created ? '1' : '0',
        this.keys.channel,
        ...writes.flatMap((s) => [s.id, JSON.stringify(s), String(s.endsAt + this.retentionMs)]),
      );
      if (res[0] === 1) {
        if (plan.expired) this.onChange({ action: 'expired', silence: plan.expired });
        this.onChange({ action: plan.created ? 'created' : 'updated', silence: plan.silence });
        return plan.silence.id;
      }
      if (res[0] === -1) {
        throw new SilenceError(
          400,
          `exceeded maximum number of silences: ${res[1]} (limit: ${this.limits.maxSilences})`,
        );
      }
    }
    throw new SilenceError(500, 'silence changed concurrently too often, try again');
  }

  /** DELETE /silence/{id}: expire now; a no-op for an expired silence. Throws SilenceError 404 if unknown. */
  async expire(id: string, now: () => number): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const prevJson = await this.redis.hget(this.keys.data, id);
      if (!prevJson) throw new SilenceError(404, ERR_NOT_FOUND);
      const expired = expireSilence(JSON.parse(prevJson) as Silence, now());
      if (!expired) return;
      const res = await this.redis.klaxonSilenceWrite(
        this.keys.data,
        this.keys.expiry,
        this.keys.version,
        id,
        prevJson,
        '0',
        '0',
        this.keys.channel,
        id,
        JSON.stringify(expired),
        String(expired.endsAt + this.retentionMs),
      );
      if (res[0] === 1) {
        this.onChange({ action: 'expired', silence: expired });
        return;
      }
    }
    throw new SilenceError(500, 'silence changed concurrently too often, try again');
  }

  /** Delete silences past retention; resolves to how many were deleted. */
  async sweep(now: number): Promise<number> {
    return this.redis.klaxonSilenceSweep(
      this.keys.data,
      this.keys.expiry,
      this.keys.version,
      String(now),
      this.keys.channel,
    );
  }
}
