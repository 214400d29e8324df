/**
 * The per-instance view of the silences: a cache of the Redis store, reloaded when the store's version
 * changes. Changes are announced on pub/sub; a poll of the version every `pollMs` covers lost messages and
 * reconnects, so all instances agree within a second.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Labels } from '../labels/labels.js';
import { SilenceIndex } from './index.js';
import type { Silence } from './model.js';
import type { SilenceStore } from './store.js';

export interface SilencerOptions {
  now: () => number;
  logger: Logger;
  /** Fallback poll interval of the version counter. */
  pollMs?: number;
}

export class Silencer {
  private version = -1;
  private silences: Silence[] = [];
  private index = new SilenceIndex([], 0);
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private lastError: string | null = 'silences not loaded yet';

  constructor(
    private readonly store: SilenceStore,
    private readonly redis: Redis,
    private readonly opts: SilencerOptions,
  ) {}

  /**
   * Ids of the active silences matching the labels, sorted; served from the cache (no I/O). The array is shared:
   * do not modify it. `fingerprint` (of `labels`) is an optional, cheaper cache key.
   */
  mutedBy(labels: Labels, now: number, fingerprint?: string): string[] {
    return this.index.mutedBy(labels, now, fingerprint);
  }

  /** The cached silences (all states, until retention removes them). */
  all(): readonly Silence[] {
    return this.silences;
  }

  /** Reload the cache if the store changed since the last load; concurrent callers share one reload. */
  sync(): Promise<void> {
    this.inflight ??= this.reloadIfChanged().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  notReadyReason(): string | null {
    return this.lastError;
  }

  async start(): Promise<void> {
    this.subscriber = this.redis.duplicate({ maxRetriesPerRequest: null });
    this.subscriber.on('error', () => {
      // Connection problems surface through sync() on the command connection.
    });
    this.subscriber.on('message', () => {
      this.sync().catch(() => {});
    });
    await this.subscriber.subscribe(this.store.keys.channel);
    await this.sync().catch((err: Error) => this.opts.logger.warn({ err: err.message }, 'loading silences failed'));
    this.timer = setInterval(() => {
      this.sync().catch(() => {});
    }, this.opts.pollMs ?? 500);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inflight?.catch(() => {});
    if (this.subscriber) {
      this.subscriber.disconnect();
      this.subscriber = undefined;
    }
  }

  private async reloadIfChanged(): Promise<void> {
    try {
      const version = await this.store.version();
      this.lastError = null;
      if (version === this.version) return;
      const snap = await this.store.snapshot();
      this.silences = snap.silences;
      this.index = new SilenceIndex(snap.silences, this.opts.now());
      this.version = snap.version;
    } catch (err) {
      this.lastError = `silences: ${(err as Error).message}`;
      throw err;
    }
  }
}
