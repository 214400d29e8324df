import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import type { Component, Deps } from './component.js';

/** A scrape must answer even while Redis is down: probes give up after this long and report what they have. */
const PROBE_TIMEOUT_MS = 1000;
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

function withTimeout<T>(promise: Promise<T>): Promise<T | undefined> {
  return Promise.race([
    promise.catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS).unref()),
  ]);
}

/**
 * Shared-infrastructure metrics every instance exposes whatever its roles: Redis reachability and round-trip
 * time, and the depth of each BullMQ queue (the backlog an operator watches when deliveries or flushes lag).
 * Measured at scrape time, so they cost nothing between scrapes.
 */
export function createInfraMetrics(deps: Deps, queueNames: readonly string[]): Component {
  let queues: Queue[] = [];
  // prom-client collects all metrics of a scrape concurrently: both Redis gauges share one PING per scrape.
  let probe: { at: number; result: Promise<number | undefined> } | undefined;
  const pingRoundTrip = (): Promise<number | undefined> => {
    const now = Date.now();
    if (!probe || now - probe.at > PROBE_TIMEOUT_MS) {
      const started = process.hrtime.bigint();
      const result = withTimeout(deps.redis.ping()).then((answer) =>
        answer === 'PONG' ? Number(process.hrtime.bigint() - started) / 1e9 : undefined,
      );
      probe = { at: now, result };
    }
    return probe.result;
  };
  new Gauge({
    name: 'klaxon_redis_up',
    help: 'Whether Redis answered a PING at scrape time.',
    registers: [deps.metrics],
    async collect() {
      this.set((await pingRoundTrip()) === undefined ? 0 : 1);
    },
  });
  new Gauge({
    name: 'klaxon_redis_ping_seconds',
    help: 'Round-trip time of that PING (the last answered one while Redis is down).',
    registers: [deps.metrics],
    async collect() {
      const seconds = await pingRoundTrip();
      if (seconds !== undefined) this.set(seconds);
    },
  });
  new Gauge({
    name: 'klaxon_queue_jobs',
    help: 'Jobs in each BullMQ queue by state (failed notify jobs are dead letters).',
    labelNames: ['queue', 'state'],
    registers: [deps.metrics],
    async collect() {
      await Promise.all(
        queues.map(async (q) => {
          const counts = await withTimeout(q.getJobCounts(...JOB_STATES));
          for (const state of JOB_STATES) {
            if (counts?.[state] !== undefined) this.set({ queue: q.name, state }, counts[state]);
          }
        }),
      );
    },
  });
  return {
    name: 'infra-metrics',
    async start() {
      queues = queueNames.map((name) => new Queue(name, { connection: deps.bullConnection, prefix: deps.queuePrefix }));
      for (const q of queues) q.on('error', () => {}); // reported by the Redis connection's own outage log
    },
    async stop() {
      const closing = queues;
      queues = [];
      await Promise.all(closing.map((q) => q.close()));
    },
  };
}
