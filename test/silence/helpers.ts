import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Deps } from '../../src/app/component.js';
import { createSilences, type SilencesComponent, type SilencesOptions } from '../../src/app/silences.js';

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
  const prefix = `klaxon-test-${area}-${randomBytes(4).toString('hex')}:`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const clock = { now: Date.now() };
  const deps: Deps = {
    redis,
    bullConnection: redis,
    keyPrefix: prefix,
    queuePrefix: `{${prefix}}`,
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    now: () => clock.now,
  };
  const silences = createSilences(deps, opts);
  const app = Fastify();
  opts.register?.(app);
  silences.routes?.(app);
  await silences.start();
  await app.ready();
  return {
    app,
    redis,
    prefix,
    silences,
    clock,
    metrics: deps.metrics,
    async close() {
      await app.close();
      await silences.stop();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
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
