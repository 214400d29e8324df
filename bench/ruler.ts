/**
 * Ruler benchmark: 1,000 rule groups × 10 alerting rules at a 10 s interval, evaluated through BullMQ job
 * schedulers and Redis state against a fast stand-in of the query API running in its own process.
 * Prints scheduling jitter p50/p99 (query arrival − slot time for each group's first rule) and the ruler
 * process' CPU time per group evaluation and per rule evaluation, then runs the same rules in Prometheus' own
 * rule manager (if /usr/bin/prometheus exists; BENCH_PROMETHEUS=0 skips it) and prints the CPU ratio.
 * Redis is a private redis-server (no persistence) started for the run, so its CPU (from /proc) is Klaxon's
 * alone: it is printed on its own and added to the ruler's for a second, all-in ratio.
 *
 *   npx tsx bench/ruler.ts   # BENCH_GROUPS, BENCH_RULES, BENCH_INTERVAL_MS, BENCH_SECONDS, BENCH_CONCURRENCY override
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createRuler } from '../src/app/ruler.js';
import type { RuleConfig, RuleGroupConfig } from '../src/config/rules/types.js';
import type { PostableAlert } from '../src/rules/sender.js';
import { startRedis } from '../test/support/redis-server.js';
import { prometheusAvailable, runPrometheusRuleManager } from './ruler-prometheus.js';

const GROUPS = Number(process.env.BENCH_GROUPS ?? 1000);
const RULES = Number(process.env.BENCH_RULES ?? 10);
const INTERVAL = Number(process.env.BENCH_INTERVAL_MS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 45);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** p50/p99 of `klaxon_rule_group_schedule_delay_seconds` as the upper bound (ms) of the bucket holding them. */
async function startDelayPercentiles(metrics: Registry) {
  const h = await metrics.getSingleMetric('klaxon_rule_group_schedule_delay_seconds')?.get();
  const buckets = (h?.values ?? []).filter((v) => (v as { metricName?: string }).metricName?.endsWith('_bucket'));
  const total = buckets.at(-1)?.value ?? 0;
  const at = (p: number) => {
    const b = buckets.find((v) => v.value >= (p / 100) * total);
    if (!b) return Number.NaN;
    return b.labels.le === '+Inf' ? 'over the largest bucket' : Number(b.labels.le) * 1000;
  };
  return { samples: total, p50: at(50), p99: at(99) };
}

/** Process CPU milliseconds (user + system) from /proc/<pid>/stat. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

async function main() {
  const standin = spawn(process.execPath, [new URL('./ruler-query-standin.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: standin.stdout! })[Symbol.asyncIterator]();
  const { port } = JSON.parse((await lines.next()).value as string) as { port: number };

  const groups: RuleGroupConfig[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const rules: RuleConfig[] = [];
    for (let r = 0; r < RULES; r++) {
      rules.push({
        kind: 'alerting',
        name: `BenchAlert${r}`,
        expr: `bench_metric{group="g${g}",rule="${r}"} > 0`,
        forMs: 30_000,
        keepFiringForMs: 0,
        labels: { severity: 'warning' },
        annotations: { summary: '{{ $labels.host }} is {{ $value }}' },
        index: r + 1,
      });
    }
    groups.push({
      file: 'bench.yml',
      name: `g${g}`,
      intervalMs: INTERVAL,
      queryOffsetMs: 0,
      limit: 0,
      labels: {},
      rules,
      source: `g${g}`,
    });
  }

  const redisServer = await startRedis({ persistence: false });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  const bullConnection = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  const keyPrefix = 'klaxon-bench-ruler:';
  const queuePrefix = '{klaxon-bench-ruler}';
  let sent = 0;
  const metrics = new Registry();
  const ruler = createRuler(
    { redis, bullConnection, keyPrefix, queuePrefix, logger: pino({ level: 'warn' }), metrics, now: Date.now },
    {
      groups,
      datasource: { url: `http://127.0.0.1:${port}`, timeoutMs: 5000 },
      sender: { send: async (alerts: PostableAlert[]) => void (sent += alerts.length) },
      externalLabels: { cluster: 'bench' },
      externalURL: 'http://klaxon.example',
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? 64),
    },
  );
  const t0 = Date.now();
  await ruler.start();
  console.log(
    `started ${GROUPS} groups × ${RULES} rules at ${INTERVAL} ms in ${Date.now() - t0} ms; measuring ${SECONDS}s`,
  );
  // Skip the first interval (every group's first slot is up to one interval away).
  await new Promise((r) => setTimeout(r, INTERVAL));
  const iterations = async () =>
    ((await metrics.getSingleMetric('klaxon_rule_group_iterations_total')?.get())?.values ?? []).reduce(
      (n, v) => n + v.value,
      0,
    );
  const missed = async () =>
    ((await metrics.getSingleMetric('klaxon_rule_group_iterations_missed_total')?.get())?.values ?? []).reduce(
      (n, v) => n + v.value,
      0,
    );
  const it0 = await iterations();
  const measureStart = Date.now();
  const cpu0 = process.cpuUsage();
  const redisCpu0 = processCpuMs(redisPid);
  const wall0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const redisCpuMs = processCpuMs(redisPid) - redisCpu0;
  const wall = performance.now() - wall0;
  const evals = (await iterations()) - it0;
  await ruler.stop();

  standin.kill('SIGTERM');
  const stats = JSON.parse((await lines.next()).value as string) as { queries: number; jitter: [number, number][] };
  const jitter = stats.jitter
    .filter(([arrival]) => arrival >= measureStart)
    .map(([, j]) => j)
    .sort((a, b) => a - b);
  const delay = await startDelayPercentiles(metrics);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    JSON.stringify(
      {
        groups: GROUPS,
        rulesPerGroup: RULES,
        intervalMs: INTERVAL,
        measuredSeconds: Math.round(wall / 1000),
        groupEvaluations: evals,
        expectedEvaluations: Math.round((GROUPS * wall) / INTERVAL),
        missedIterations: await missed(),
        queries: stats.queries,
        alertsSent: sent,
        jitterMs: {
          firstQueryArrivalMinusSlot: {
            samples: jitter.length,
            p50: percentile(jitter, 50),
            p99: percentile(jitter, 99),
            max: jitter.at(-1),
          },
          evaluationStartMinusSlotBucketUpperBound: delay,
        },
        cpu: {
          processCpuPercent: Math.round((cpuMs / wall) * 1000) / 10,
          msPerGroupEvaluation: round3(cpuMs / evals),
          msPerRuleEvaluation: round3(cpuMs / (evals * RULES)),
          userMsPerGroupEvaluation: round3(cpu.user / 1000 / evals),
          systemMsPerGroupEvaluation: round3(cpu.system / 1000 / evals),
          redisMsPerGroupEvaluation: round3(redisCpuMs / evals),
          withRedisMsPerGroupEvaluation: round3((cpuMs + redisCpuMs) / evals),
        },
      },
      null,
      2,
    ),
  );

  if (prometheusAvailable() && process.env.BENCH_PROMETHEUS !== '0') {
    console.log(`same rules in Prometheus' own rule manager for ${SECONDS}s…`);
    const prom = await runPrometheusRuleManager(GROUPS, RULES, INTERVAL, SECONDS);
    const ratio = (ms: number) => Math.round((ms / evals / prom.msPerGroupEvaluation) * 10) / 10;
    console.log(
      JSON.stringify(
        {
          prometheus: prom,
          cpuPerGroupEvaluationRatioKlaxonToPrometheus: ratio(cpuMs),
          cpuPerGroupEvaluationRatioKlaxonWithRedisToPrometheus: ratio(cpuMs + redisCpuMs),
        },
        null,
        2,
      ),
    );
  }

  await redis.quit();
  await bullConnection.quit();
  await redisServer.stop();
  await redisServer.remove();
}

await main();
