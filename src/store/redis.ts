import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisConnections {
  /** Fail-fast command connection for request paths. */
  commands: Redis;
  /** Connection BullMQ duplicates for its blocking workers; must wait forever instead of failing commands. */
  bull: Redis;
  close(): Promise<void>;
}

/**
 * Opens Klaxon's two Redis connections. While Redis is unreachable ioredis keeps reconnecting with
 * capped backoff; we log one clear line per outage (not one per attempt) and another on recovery.
 */
export function connectRedis(url: string, logger: Logger): RedisConnections {
  const base: RedisOptions = {
    lazyConnect: false,
    connectionName: 'klaxon',
    retryStrategy: (attempt) => Math.min(200 * 2 ** Math.min(attempt, 5), 5000),
  };
  const commands = new Redis(url, { ...base, maxRetriesPerRequest: 1 });
  const bull = new Redis(url, { ...base, maxRetriesPerRequest: null });
  let down = false;
  commands.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.error(
      { err: err.message, redis: redactUrl(url) },
      `cannot reach Redis at ${redactUrl(url)}; start redis-server or set KLAXON_REDIS_URL — retrying`,
    );
  });
  commands.on('ready', () => {
    if (down) logger.info({ redis: redactUrl(url) }, 'Redis connection restored');
    down = false;
  });
  bull.on('error', () => {
    // Reported once through the command connection above.
  });
  return {
    commands,
    bull,
    async close() {
      await Promise.allSettled([commands.quit(), bull.quit()]);
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '<secret>';
    return u.toString();
  } catch {
    return url;
  }
}

/** Resolves when the connection is ready, however long Redis takes to come up, or when `cancelled()` turns true. */
export function redisReadyPromise(redis: Redis, cancelled: () => boolean): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (cancelled()) done();
    }, 200);
    const done = () => {
      clearInterval(poll);
      redis.off('ready', done);
      resolve();
    };
    redis.on('ready', done);
  });
}
