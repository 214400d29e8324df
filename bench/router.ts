/**
 * Router benchmark (issue 6): POST /api/v2/alerts ingest (100 alerts per request, ~100 groups) against the real
 * Alertmanager (Debian `prometheus-alertmanager`), one Klaxon instance and two Klaxon instances on one Redis, all
 * with the same config and in the same run; then POST→webhook latency with group_wait 0.
 *
 *   npx tsx bench/router.ts [alerts...]      (default: 10000 100000; `0`: POST→webhook only)
 *
 * Every server runs in its own process (Klaxon through its CLI, `run --role api router notifier`) so the load
 * generator here never shares an event loop with the server it measures. Klaxon runs from its build (`npm run
 * build` first, here), as the Docker image and the `klaxon` bin do: tsx's loader hooks and source maps are
 * development conveniences that cost allocations, and so garbage-collection pauses, on every request. Redis is a private redis-server
 * (no persistence) started for the run, so its CPU (from /proc) belongs to Klaxon alone and is counted with it.
 * Set BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) to pass flags to the Klaxon processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { startAlertmanager } from '../test/support/binaries.js';
import { killOnExit, runCommand } from '../test/support/children.js';
import { freePort, waitFor } from '../test/support/net.js';
import { startRedis } from '../test/support/redis-server.js';
import { alertBatches, BATCH, CONCURRENCY, GROUPS, ingestConfig, procCpuMs } from './ingest-load.js';

/** Ingest sizes from the command line; `0` alone runs only the POST→webhook part. */
const ARGS = process.argv.slice(2).map(Number);
const SIZES = ARGS.length === 0 ? [10_000, 100_000] : ARGS.filter((n) => n > 0);
/** Requests sent (and not measured) before the first ingest run of a server: connections, first compilations. */
const WARMUP_REQUESTS = 30;
/**
 * Alerts sent (and not measured) between a server's first ingest run and its second, "warm" one. Klaxon's Node
 * thread keeps getting cheaper per alert over its first few hundred thousand alerts as V8 optimizes the ingest path
 * (session 8, rounds of 100k in one process: 25 → 23 → 19 → 17 µs per alert), so a run right after start-up
 * measures mostly that; a router runs for weeks. Both runs are reported, as for POST→webhook below; every server
 * gets the same load, and the alerts stay stored (firing for an hour) for both runs.
 */
const WARM_AFTER_ALERTS = 200_000;
/**
 * POST→webhook samples per target and round. Its p99 is the 10th worst sample: at 200 samples it was the second
 * worst, and Alertmanager's own p99 then wandered between 1.7 and 2.8 ms from run to run (1.2 ms at 1000).
 */
const LATENCY_SAMPLES = 1000;
/**
 * Unmeasured samples first, for both servers: a fresh process's first notifications measure start-up (Klaxon's
 * JIT compiling on the second core, Redis loading scripts, the first connection to the webhook), not the steady
 * state of a server that runs for weeks. Klaxon's p99 settled only after about a thousand (4.2-5.0 ms after 200,
 * 3.0-3.1 ms after 2000).
 */
const LATENCY_WARMUP = 1000;
/**
 * Notifications sent before the steady-state samples, counted from the start of the server. V8 keeps optimizing
 * functions on its background threads for the first ~8,000 single-alert notifications (`--trace-opt`: ~15 per
 * second in the first 20 s, ~1 per 5 s after 50 s). A compile job woken on the core the event loop runs on
 * preempts it for a scheduler slice (~4 ms, seen with sched_switch tracing), and those preemptions are most of
 * Klaxon's tail in the first measurement. Both are reported: right after start-up, and warm.
 */
const STEADY_AFTER = 10_000;
/** Pause between unmeasured samples: enough for the previous notification's bookkeeping to finish. */
const WARMUP_PAUSE_MS = 1;
/** Pause between measured samples: each is a fresh group on an idle server. */
const SAMPLE_PAUSE_MS = 5;
/** Every measurement is repeated this often, interleaved; medians are reported (BENCH_ROUNDS). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROOT = resolve(import.meta.dirname, '..');
const CLI = resolve(ROOT, 'dist/cli/main.js');

interface Target {
  name: string;
  urls: string[];
  /** Processes whose CPU is charged to this target (Klaxon's include Redis). */
  pids: number[];
  /** Processes whose RSS is reported as the server's (not Redis: its memory is reported apart). */
  rssPids: number[];
  stop(): Promise<void>;
}

function procRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** POST with node:http over keep-alive sockets: much cheaper for the generator than fetch. */
function post(url: string, body: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

async function startKlaxonTarget(yml: string, count: number, redisUrl: string, redisPid: number): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-bench-'));
  writeFileSync(join(dir, 'alertmanager.yml'), yml);
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    const child = spawn(
      process.execPath,
      [
        ...nodeArgs,
        CLI,
        'run',
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        `--redis-url=${redisUrl}`,
        '--key-prefix=klaxon-bench-router:',
        '--role',
        'api',
        'router',
        'notifier',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KLAXON_LOG_LEVEL: 'warn' } },
    );
    killOnExit(child);
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    children.push(child);
    urls.push(url);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`klaxon exited during start-up:\n${output}`);
        const res = await fetch(`${url}/-/ready`).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'klaxon to become ready' },
    );
  }
  const pids = children.map((c) => c.pid!);
  return {
    name: count === 1 ? 'klaxon' : `klaxon x${count}`,
    urls,
    pids: [...pids, redisPid],
    rssPids: pids,
    async stop() {
      await Promise.all(children.map(stopChild));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startAmTarget(yml: string): Promise<Target> {
  const am = await startAlertmanager(yml);
  const pid = am.process.pid!;
  return { name: 'alertmanager', urls: [am.url], pids: [pid], rssPids: [pid], stop: () => am.stop() };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

/** The load's requests as JSON bodies, with RFC 3339 times as clients send them. */
function alertBodies(total: number, run: string): string[] {
  const iso = (ms: number | undefined) => new Date(ms!).toISOString();
  return alertBatches(total, run).map((batch) =>
    JSON.stringify(batch.map((a) => ({ ...a, startsAt: iso(a.startsAt), endsAt: iso(a.endsAt) }))),
  );
}

/** Sends the bodies with CONCURRENCY requests in flight, spread round-robin over the target's instances. */
async function send(target: Target, bodies: string[]): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const i = next++;
        const t = performance.now();
        const status = await post(`${target.urls[i % target.urls.length]}/api/v2/alerts`, bodies[i]!);
        if (status !== 200) throw new Error(`${target.name}: HTTP ${status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return latencies;
}

/** One server's ingest right after start-up, then again once warm (see WARM_AFTER_ALERTS). */
async function ingestFreshAndWarm(target: Target, total: number, run: string) {
  await send(target, alertBodies(WARMUP_REQUESTS * BATCH, `warmup-${run}`));
  const fresh = await ingest(target, total, `fresh-${run}`);
  await send(target, alertBodies(WARM_AFTER_ALERTS, `warming-${run}`));
  const warm = await ingest(target, total, `warm-${run}`);
  return { fresh, warm };
}

async function ingest(target: Target, total: number, run: string) {
  const bodies = alertBodies(total, run);
  const cpu = () => target.pids.reduce((sum, pid) => sum + procCpuMs(pid), 0);
  await admin.config('RESETSTAT');
  const cpuStart = cpu();
  const redisStart = procCpuMs(redisPid);
  const t0 = performance.now();
  const latencies = await send(target, bodies);
  const seconds = (performance.now() - t0) / 1000;
  // Work the servers finish after answering (Redis writes, BullMQ) belongs to the run.
  await new Promise((r) => setTimeout(r, 200));
  const cpuMs = cpu() - cpuStart;
  if (process.env.BENCH_REDIS_STATS && target.pids.includes(redisPid)) await printCommandStats(total);
  return {
    rate: total / seconds,
    p99: percentile(latencies, 99),
    cpuUsPerAlert: (cpuMs * 1000) / total,
    redisUsPerAlert: target.pids.includes(redisPid) ? ((procCpuMs(redisPid) - redisStart) * 1000) / total : 0,
    rss: target.rssPids.reduce((sum, pid) => sum + procRssMb(pid), 0),
  };
}

/** Redis time per command per alert (BENCH_REDIS_STATS=1), to see where Redis' share of the CPU goes. */
async function printCommandStats(total: number): Promise<void> {
  const rows = [...(await admin.info('commandstats')).matchAll(/cmdstat_(\S+):calls=(\d+),usec=(\d+)/g)]
    .map(([, cmd, calls, usec]) => ({ cmd, calls: Number(calls), usec: Number(usec) }))
    .sort((a, b) => b.usec - a.usec);
  for (const r of rows.slice(0, 8)) {
    console.log(
      `    redis ${r.cmd!.padEnd(16)} ${String(r.calls).padStart(8)} calls  ${(r.usec / total).toFixed(2)} µs/alert`,
    );
  }
}

/** A webhook receiver timing arrivals with the same clock as the sender. */
async function startSink() {
  let waiting: ((at: number) => void) | undefined;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const at = performance.now();
      res.end();
      waiting?.(at);
      waiting = undefined;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    next: () =>
      new Promise<number>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error('no webhook within 5 s')), 5000);
        waiting = (at) => {
          clearTimeout(timer);
          ok(at);
        };
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** One POST of a single new alert, and the time until its notification reaches the sink. */
async function notifyOnce(target: Target, sink: Awaited<ReturnType<typeof startSink>>, name: string) {
  const arrival = sink.next();
  const t = performance.now();
  await post(`${target.urls[0]}/api/v2/alerts`, JSON.stringify([{ labels: { alertname: name } }]));
  return (await arrival) - t;
}

/** POST→webhook samples right after start-up (after LATENCY_WARMUP) and warm (after STEADY_AFTER). */
async function webhookLatency(target: Target, sink: Awaited<ReturnType<typeof startSink>>) {
  const early: number[] = [];
  const steady: number[] = [];
  const phases: [count: number, pauseMs: number, out?: number[]][] = [
    [LATENCY_WARMUP, SAMPLE_PAUSE_MS],
    [LATENCY_SAMPLES, SAMPLE_PAUSE_MS, early],
    [STEADY_AFTER - LATENCY_WARMUP - LATENCY_SAMPLES, WARMUP_PAUSE_MS],
    [LATENCY_SAMPLES, SAMPLE_PAUSE_MS, steady],
  ];
  let n = 0;
  for (const [count, pauseMs, out] of phases) {
    for (let i = 0; i < count; i++) {
      const latency = await notifyOnce(target, sink, `Latency${n++}-${performance.now()}`);
      out?.push(latency);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
  return { early, steady };
}

const build = await runCommand('npm', ['run', 'build'], { cwd: ROOT });
if (build.code !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
const redisServer = await startRedis({ persistence: false });
const admin = new Redis(redisServer.url);
const redisPid = Number(/process_id:(\d+)/.exec(await admin.info('server'))?.[1]);
const sink = await startSink();
const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 1);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

async function measure<T>(make: () => Promise<Target>, run: (t: Target) => Promise<T>): Promise<[string, T]> {
  await admin.flushall();
  const target = await make();
  try {
    return [target.name, await run(target)];
  } finally {
    await target.stop();
  }
}

type IngestResult = Awaited<ReturnType<typeof ingest>>;
const median = (xs: number[]) => percentile(xs, 50);

for (const total of SIZES) {
  const yml = ingestConfig(`${sink.url}/hook`, '10m');
  const targets: [string, () => Promise<Target>][] = [
    ['alertmanager', () => startAmTarget(yml)],
    ['klaxon', () => startKlaxonTarget(yml, 1, redisServer.url, redisPid)],
    ['klaxon x2', () => startKlaxonTarget(yml, 2, redisServer.url, redisPid)],
  ];
  // Rounds interleave the targets so a burst of load from elsewhere on the machine hits all of them alike.
  const rounds: Map<string, { fresh: IngestResult; warm: IngestResult }>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const results = new Map<string, { fresh: IngestResult; warm: IngestResult }>();
    for (const [, make] of targets) {
      const [name, r] = await measure(make, (t) => ingestFreshAndWarm(t, total, `${total}-${round}`));
      results.set(name, r);
    }
    rounds.push(results);
  }
  console.log(
    `\ningest ${total} alerts (${BATCH}/request, ${GROUPS} groups, ${CONCURRENCY} in flight), median of ${ROUNDS} rounds`,
  );
  const phases = [
    ['fresh', `right after start-up (after ${WARMUP_REQUESTS} requests)`],
    ['warm', `warm (after another ${WARM_AFTER_ALERTS} alerts)`],
  ] as const;
  for (const [phase, title] of phases) {
    console.log(`  ${title}`);
    for (const [name] of targets) {
      const of = (f: (r: IngestResult) => number) => median(rounds.map((m) => f(m.get(name)![phase])));
      const vsAm = (f: (r: IngestResult) => number) =>
        rounds.map((m) => f(m.get(name)![phase]) / f(m.get('alertmanager')![phase])).sort((a, b) => a - b);
      const rates = vsAm((r) => r.rate);
      const tail =
        name === 'alertmanager'
          ? ''
          : `  vs AM: throughput ${ratio(median(rates), 1)} (rounds ${rates.map((x) => x.toFixed(2)).join(' ')}), p99 ${ratio(median(vsAm((r) => r.p99)), 1)}, alerts per CPU-second ${ratio(1 / median(vsAm((r) => r.cpuUsPerAlert)), 1)}`;
      const redis = of((r) => r.redisUsPerAlert);
      console.log(
        `    ${name.padEnd(13)} ${fmt(of((r) => r.rate)).padStart(6)} alerts/s  p99 ${fmt(of((r) => r.p99)).padStart(5)} ms  CPU ${fmt(of((r) => r.cpuUsPerAlert)).padStart(5)} µs/alert${redis ? ` (Redis ${fmt(redis)})` : ''}  RSS ${fmt(of((r) => r.rss)).padStart(4)} MB${tail}`,
      );
    }
  }
}
if (SIZES.length > 0) {
  console.log('  (klaxon CPU includes Redis; RSS is the server processes, Redis apart)');
  const redisMem = /used_memory_rss:(\d+)/.exec(await admin.info('memory'))?.[1];
  if (redisMem) console.log(`  Redis RSS after the last run: ${fmt(Number(redisMem) / 1024 / 1024)} MB`);
}

const latencyYml = ingestConfig(`${sink.url}/hook`, '0s');
type Phase = 'early' | 'steady';
const samples = new Map<Phase, Map<string, number[]>>([
  ['early', new Map()],
  ['steady', new Map()],
]);
const roundRatios = new Map<Phase, number[]>([
  ['early', []],
  ['steady', []],
]);
for (let round = 0; round < ROUNDS; round++) {
  const p99s = new Map<Phase, number[]>([
    ['early', []],
    ['steady', []],
  ]);
  for (const make of [
    () => startAmTarget(latencyYml),
    () => startKlaxonTarget(latencyYml, 1, redisServer.url, redisPid),
  ]) {
    const [name, out] = await measure(make, (t) => webhookLatency(t, sink));
    for (const phase of ['early', 'steady'] as const) {
      const byTarget = samples.get(phase)!;
      byTarget.set(name, [...(byTarget.get(name) ?? []), ...out[phase]]);
      p99s.get(phase)!.push(percentile(out[phase], 99));
    }
  }
  for (const [phase, [am, klaxon]] of p99s) roundRatios.get(phase)!.push(klaxon! / am!);
}
const titles: Record<Phase, string> = {
  early: `after start-up: notifications ${LATENCY_WARMUP + 1}-${LATENCY_WARMUP + LATENCY_SAMPLES}`,
  steady: `warm: notifications ${STEADY_AFTER + 1}-${STEADY_AFTER + LATENCY_SAMPLES}`,
};
console.log(`\nPOST → webhook (group_wait 0, one new alert at a time, ${ROUNDS} rounds)`);
for (const [phase, byTarget] of samples) {
  console.log(`  ${titles[phase]}`);
  for (const [name, out] of byTarget) {
    console.log(
      `    ${name.padEnd(13)} p50 ${percentile(out, 50).toFixed(2)} ms  p99 ${percentile(out, 99).toFixed(2)} ms`,
    );
  }
  const pooled = percentile(byTarget.get('klaxon')!, 99) / percentile(byTarget.get('alertmanager')!, 99);
  console.log(
    `    ratio klaxon/alertmanager p99: ${ratio(pooled, 1)} (per round ${roundRatios
      .get(phase)!
      .map((x) => x.toFixed(2))
      .join(' ')})`,
  );
}

await sink.close();
await admin.quit();
await redisServer.stop();
await redisServer.remove();
agent.destroy();
process.exit(0);
