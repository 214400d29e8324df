import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** What every part of a Klaxon instance gets from the composition root. */
export interface Deps {
  /** Command connection (fail-fast options); never used for blocking calls. */
  redis: Redis;
  /** Connection options for BullMQ queues and workers (they create or duplicate their own connections). */
  bullConnection: Redis;
  /** Prefix of every Klaxon key, e.g. `klaxon:`. */
  keyPrefix: string;
  /** BullMQ prefix, braced for Redis Cluster, e.g. `{klaxon}`. */
  queuePrefix: string;
  logger: Logger;
  metrics: Registry;
  /** Wall clock in ms; pure code never calls it, adapters pass its value down. */
  now: () => number;
}

/**
 * A long-lived part of an instance (ruler, router, notifier, silences, ...). The composition root
 * (`src/app/klaxon.ts`) creates components for the instance's roles, registers their HTTP routes,
 * starts them in order and stops them in reverse order.
 */
export interface Component {
  readonly name: string;
  /** Register HTTP routes; called once before the server listens. */
  routes?(app: FastifyInstance): void;
  start(): Promise<void>;
  /** Stop taking work, finish or hand back running jobs, release connections; must return in bounded time. */
  stop(): Promise<void>;
  /** null when ready, otherwise the reason shown by `/-/ready`. */
  notReadyReason?(): string | null;
}
