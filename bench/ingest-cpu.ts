/**
 * CPU per ingested alert on the router's Node thread, without HTTP (issue 6's ingest bottleneck), and Redis' CPU
 * alongside: `router.ingest` in this process on the shared Redis, 100 alerts per batch over 100 groups, 8 batches
 * in flight, as bench/router.ts posts them. It measures the process' own CPU time, which varies far less from run to
 * run than throughput does on a shared 2-core machine, so it shows changes of a few percent that the end-to-end
 * benchmark cannot. No Alertmanager here: bench/router.ts prints the ratios.
 *
 *   npx tsx bench/ingest-cpu.ts [alerts per round]   (default 100000; BENCH_ROUNDS=5)
 */
import { createRouter } from '../src/app/router.js';
import { parseAlertmanagerConfig } from '../src/config/alertmanager/index.js';
import { FLUSH_QUEUE } from '../src/dispatch/dispatcher.js';
import type { IntegrationInfo, Notifier } from '../src/notify/types.js';
import { redisTestDeps } from '../test/support/redis-deps.js';
import { alertBatches, CONCURRENCY, ingestConfig, procCpuMs } from './ingest-load.js';

const ALERTS = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// group_wait 10m: nothing flushes during the run, as in bench/router.ts' ingest part.
const CONFIG = ingestConfig('http://127.0.0.1:9/hook', '10m');

const notifier: Notifier = {
  integrationsFor: (): IntegrationInfo[] => [{ type: 'webhook', index: 0, sendResolved: true }],
  enqueue: async () => undefined,
};
const deps = redisTestDeps('bench-ingest-cpu', { queues: [FLUSH_QUEUE] });
const { config, problems } = parseAlertmanagerConfig('alertmanager.yml', CONFIG);
if (!config) throw new Error(JSON.stringify(problems));
const router = createRouter(deps, { config, notifier, externalURL: 'http://klaxon' });
await router.start();

const redisPid = Number(/process_id:(\d+)/.exec(await deps.redis.info('server'))?.[1]);
const redisCpuMs = () => procCpuMs(redisPid);

async function round(run: string) {
  const work = alertBatches(ALERTS, run);
  const cpu = process.cpuUsage();
  const redisStart = redisCpuMs();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < work.length) await router.ingest(work[next++]!);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { node: (used.user + used.system) / ALERTS, redis: ((redisCpuMs() - redisStart) * 1000) / ALERTS };
}

await round('warm-up');
const results = [];
for (let i = 0; i < ROUNDS; i++) results.push(await round(`round-${i}`));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const nodeUs = results.map((r) => r.node);
console.log(
  `ingest ${ALERTS} alerts × ${ROUNDS} rounds: Node ${median(nodeUs).toFixed(2)} µs CPU/alert ` +
    `(rounds ${nodeUs.map((x) => x.toFixed(1)).join(' ')}), Redis ${median(results.map((r) => r.redis)).toFixed(2)}`,
);
await router.stop();
await deps.cleanup();
process.exit(0);
