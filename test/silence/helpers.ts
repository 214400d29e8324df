import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { createSilences, type SilencesComponent, type SilencesOptions } from '../../src/app/silences.js';
import { redisTestDeps } from '../support/redis-deps.js';

export interface Harness {
  app: FastifyInstance;
  redis: Redis;
  prefix: string;
  silences: SilencesComponent;
  clock: { now: number };
  metrics: Registry;
  close(): Promise<void>;
}

/** A Fastify app with the silences component on a private key prefix, and a settable clock. */
export async function startHarness(
  area: string,
  opts: SilencesOptions & { register?: (app: FastifyInstance) => void } = {},
): Promise<Harness> {
  const clock = { now: Date.now() };
  // Silences keep no BullMQ queues.
  const deps = redisTestDeps(area, { queues: [], now: () => clock.now });
  const silences = createSilences(deps, opts);
  const app = Fastify();
  opts.register?.(app);
  silences.routes?.(app);
  await silences.start();
  await app.ready();
  return {
    app,
    redis: deps.redis,
    prefix: deps.keyPrefix,
    silences,
    clock,
    metrics: deps.metrics,
    async close() {
      await app.close();
      await silences.stop();
      await deps.cleanup();
    },
  };
}

/** Every key under the prefix with its full content, to assert that a request changed nothing. */
export async function snapshotKeys(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await redis.keys(`${prefix}*`)).sort()) {
    const type = await redis.type(key);
    if (type === 'hash') out[key] = await redis.hgetall(key);
    else if (type === 'zset') out[key] = await redis.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES');
    else if (type === 'string') out[key] = await redis.get(key);
    else out[key] = type;
  }
  return out;
}
