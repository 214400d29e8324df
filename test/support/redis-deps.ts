import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import type { Deps } from '../../src/app/component.js';

/** The shared Redis every test uses (never mocked); each test file keeps to prefixes of its own. */
const TEST_REDIS = { host: '127.0.0.1', port: 6379 };

export interface RedisTestDepsOptions {
  /** BullMQ queues the code under test creates under the queue prefix: cleanup obliterates them. */
  queues: readonly string[];
  /** The wall clock unless given. */
  now?: () => number;
  /** Silent unless given. */
  logger?: Logger;
}

export interface RedisTestDeps extends Deps {
  /**
   * Deps for one more instance on the same prefixes, as a separate process would have them: connections, a silent
   * logger and a metrics registry of its own (a metric name may be registered only once per registry).
   */
  forAnotherInstance(): Deps;
  /** Obliterates the queues, deletes every key under the key prefix and closes every connection. */
  cleanup(): Promise<void>;
}

/**
 * Deps on the real Redis with a key prefix `klaxon-test-<owner>-<random>:` and the BullMQ prefix
 * `{klaxon-test-<owner>-<random>}`, so files running in parallel never see each other's data.
 */
export function redisTestDeps(owner: string, options: RedisTestDepsOptions): RedisTestDeps {
  const name = `klaxon-test-${owner}-${randomBytes(4).toString('hex')}`;
  const keyPrefix = `${name}:`;
  const queuePrefix = `{${name}}`;
  const now = options.now ?? Date.now;
  const connections: Redis[] = [];
  const instanceDeps = (logger: Logger): Deps => {
    const redis = new Redis({ ...TEST_REDIS, maxRetriesPerRequest: 1 });
    // BullMQ wants connections that retry forever (its workers block on them).
    const bullConnection = new Redis({ ...TEST_REDIS, maxRetriesPerRequest: null });
    connections.push(redis, bullConnection);
    return { redis, bullConnection, keyPrefix, queuePrefix, logger, metrics: new Registry(), now };
  };
  const deps = instanceDeps(options.logger ?? pino({ level: 'silent' }));
  return {
    ...deps,
    forAnotherInstance: () => instanceDeps(pino({ level: 'silent' })),
    async cleanup() {
      for (const queueName of options.queues) {
        const queue = new Queue(queueName, { connection: deps.bullConnection, prefix: queuePrefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
      await deleteKeys(deps.redis, `${keyPrefix}*`);
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
}

/**
 * Deletes what a whole Klaxon instance left in Redis: the keys under its key prefix and under the BullMQ prefix
 * src/app/klaxon.ts derives from it (`klaxon:` → `{klaxon}`).
 */
export async function deleteInstanceKeys(keyPrefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS);
  await deleteKeys(redis, `${keyPrefix}*`);
  await deleteKeys(redis, `{${keyPrefix.replace(/[:{}]+$/g, '').replace(/[{}]/g, '')}}*`);
  await redis.quit();
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  const keys = await redis.keys(pattern);
  if (keys.length > 0) await redis.del(...keys);
}
