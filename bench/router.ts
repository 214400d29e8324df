/**
 * Router ingest benchmark: POST /api/v2/alerts (100 alerts per request, ~100 groups) against Klaxon and the
 * real Alertmanager (Debian `prometheus-alertmanager`) with the same config, in the same run; then
 * POST→webhook latency with group_wait 0. Prints throughput, p99 request latency, RSS, CPU and the ratios.
 *
 *   npx tsx bench/router.ts [alerts...]      (default: 10000 100000)
 *
 * Klaxon runs in this process (its CPU includes the load generator's); Redis' CPU (INFO cpu) is added to it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startKlaxon } from '../src/app/klaxon.js';
import { resolveSettings } from '../src/config/klaxon.js';
import { startAlertmanager } from '../test/support/binaries.js';
import { freePort } from '../test/support/net.js';
import { startWebhookSink } from '../test/support/webhook-sink.js';

const SIZES = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const BATCH = 100;
const GROUPS = 100;
const CONCURRENCY = 8;

const config = (sinkUrl: string, groupWait: string) => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: ${groupWait}
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: ${sinkUrl}/hook
`;

interface Target {
  name: string;
  url: string;
  cpuMs(): Promise<number>;
  rssMb(): number;
  stop(): Promise<void>;
}

function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function procRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (get('used_cpu_sys') + get('used_cpu_user')) * 1000;
}

async function startKlaxonTarget(yml: string, prefix: string, redis: Redis): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-bench-'));
  writeFileSync(join(dir, 'alertmanager.yml'), yml);
  const port = await freePort();
  const settings = resolveSettings(
    {},
    {
      listenAddress: `127.0.0.1:${port}`,
      keyPrefix: prefix,
      alertmanagerConfig: join(dir, 'alertmanager.yml'),
      ruleFiles: [],
    },
    dir,
  );
  const instance = await startKlaxon({
    settings,
    roles: ['api', 'router', 'notifier'],
    logger: pino({ level: 'warn' }),
  });
  return {
    name: 'klaxon',
    url: instance.url,
    cpuMs: async () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000 + (await redisCpuMs(redis));
    },
    rssMb: () => process.memoryUsage().rss / 1024 / 1024,
    async stop() {
      await instance.stop();
      const queuePrefix = `{${prefix.replace(/[:{}]+$/g, '')}}`;
      for (const name of ['group-flush', 'notify']) {
        const q = new Queue(name, { connection: redis, prefix: queuePrefix });
        await q.obliterate({ force: true });
        await q.close();
      }
      const keys = await redis.keys(`${prefix}*`);
      for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startAmTarget(yml: string): Promise<Target> {
  const am = await startAlertmanager(yml);
  const pid = am.process.pid!;
  return {
    name: 'alertmanager',
    url: am.url,
    cpuMs: async () => procCpuMs(pid),
    rssMb: () => procRssMb(pid),
    stop: () => am.stop(),
  };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function ingest(target: Target, total: number, run: string) {
  const now = Date.now();
  const bodies: string[] = [];
  for (let i = 0; i < total; i += BATCH) {
    const alerts = [];
    for (let j = i; j < Math.min(total, i + BATCH); j++) {
      alerts.push({
        labels: { alertname: `Bench${j % GROUPS}`, instance: `host-${j}`, run },
        annotations: { summary: 'benchmark alert' },
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3600_000).toISOString(),
      });
    }
    bodies.push(JSON.stringify(alerts));
  }
  const latencies: number[] = [];
  let next = 0;
  const cpuStart = await target.cpuMs();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t = performance.now();
        const res = await fetch(`${target.url}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.text();
        if (res.status !== 200) throw new Error(`${target.name}: HTTP ${res.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 100));
  const cpu = (await target.cpuMs()) - cpuStart;
  return {
    rate: total / seconds,
    p99: percentile(latencies, 99),
    cpuUsPerAlert: (cpu * 1000) / total,
    rss: target.rssMb(),
  };
}

async function webhookLatency(target: Target, sink: Awaited<ReturnType<typeof startWebhookSink>>, n: number) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = sink.deliveries.length;
    const t = Date.now();
    await fetch(`${target.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: `Latency${i}-${t}` } }]),
    });
    while (sink.deliveries.length === before && Date.now() - t < 5000) await new Promise((r) => setTimeout(r, 1));
    out.push((sink.deliveries[before]?.at ?? Date.now()) - t);
  }
  return { p50: percentile(out, 50), p99: percentile(out, 99) };
}

const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
const sink = await startWebhookSink();
const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 1);
const prefix = `klaxon-bench-router-${process.pid}:`;

for (const total of SIZES.length > 0 ? SIZES : [10_000, 100_000]) {
  const results: Record<string, Awaited<ReturnType<typeof ingest>>> = {};
  for (const make of [
    () => startAmTarget(config(sink.url, '10m')),
    () => startKlaxonTarget(config(sink.url, '10m'), prefix, redis),
  ]) {
    const target = await make();
    try {
      results[target.name] = await ingest(target, total, `${total}`);
    } finally {
      await target.stop();
    }
  }
  const am = results.alertmanager!;
  const kx = results.klaxon!;
  console.log(`\ningest ${total} alerts (${BATCH}/request, ${GROUPS} groups, ${CONCURRENCY} in flight)`);
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `  ${name.padEnd(13)} ${fmt(r.rate)} alerts/s  p99 ${fmt(r.p99)} ms  CPU ${fmt(r.cpuUsPerAlert)} µs/alert  RSS ${fmt(r.rss)} MB`,
    );
  }
  console.log(
    `  ratio klaxon/alertmanager: throughput ${(kx.rate / am.rate).toFixed(2)}x, p99 ${(kx.p99 / am.p99).toFixed(2)}x`,
  );
}

const latency: Record<string, { p50: number; p99: number }> = {};
for (const make of [
  () => startAmTarget(config(sink.url, '0s')),
  () => startKlaxonTarget(config(sink.url, '0s'), prefix, redis),
]) {
  const target = await make();
  try {
    latency[target.name] = await webhookLatency(target, sink, 50);
  } finally {
    await target.stop();
  }
}
console.log('\nPOST → webhook (group_wait 0, 50 alerts)');
for (const [name, r] of Object.entries(latency)) console.log(`  ${name.padEnd(13)} p50 ${r.p50} ms  p99 ${r.p99} ms`);
console.log(
  `  ratio klaxon/alertmanager p99: ${(latency.klaxon!.p99 / Math.max(1, latency.alertmanager!.p99)).toFixed(2)}x`,
);

await sink.close();
await redis.quit();
process.exit(0);
