import type { ChainableCommander, Redis } from 'ioredis';
import type { NflogEntry } from './decide.js';
import type { DispatchKeys } from './keys.js';

/** Upstream's `--data.retention` default, the longest an nflog entry lives. */
export const NFLOG_RETENTION_MS = 120 * 3600_000;

export interface NflogKey {
  groupKey: string;
  receiver: string;
  integration: string;
  index: number;
}

/** A stored entry, with what it belongs to so the log can be listed (SEMANTICS §9 row 11). */
export interface StoredNflogEntry extends NflogEntry, NflogKey {
  expiresAt: number;
}

/** The notification log in Redis (SEMANTICS §5.8): one expiring JSON string per integration of a group. */
export class NotificationLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DispatchKeys,
  ) {}

  /** The entry; with `pipeline`, read by that pipeline (once it runs) instead of a command of its own. */
  get(key: NflogKey, pipeline?: ChainableCommander): Promise<NflogEntry | null> {
    const redisKey = this.keys.nflog(key.groupKey, key.receiver, key.integration, key.index);
    const parse = (raw: string | null) => (raw ? (JSON.parse(raw) as StoredNflogEntry) : null);
    if (!pipeline) return this.redis.get(redisKey).then(parse);
    return new Promise((resolve, reject) => {
      pipeline.get(redisKey, (err, raw) => (err ? reject(err) : resolve(parse(raw ?? null))));
    });
  }

  /** Expires at now + min(retention, 2·repeat_interval). */
  async write(key: NflogKey, entry: NflogEntry, repeatIntervalMs: number): Promise<void> {
    const ttl = Math.min(NFLOG_RETENTION_MS, 2 * repeatIntervalMs);
    const stored: StoredNflogEntry = { ...key, ...entry, expiresAt: entry.timestamp + ttl };
    await this.redis.set(
      this.keys.nflog(key.groupKey, key.receiver, key.integration, key.index),
      JSON.stringify(stored),
      'PX',
      ttl,
    );
  }
}
