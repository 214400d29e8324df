/**
 * Silences benchmark: 10,000 silences × 10,000 alerts (issue 8).
 *  1. `mutedBy` per alert from the per-instance index (first answer and cached), against a brute-force scan of every
 *     silence.
 *  2. GET /api/v2/alerts, plain and with typical filters, on Klaxon and on the real Alertmanager 0.25 holding the
 *     same silences, alerts, routes and inhibit rule, and plain again 1 s after each silence change (both sides
 *     then recompute every alert's silences); prints p50/p99 of both and the ratios per case.
 *
 *   npx tsx bench/silences.ts     # BENCH_SILENCES, BENCH_ALERTS, BENCH_RUNS override;
 *                                 # BENCH_PROFILE=<dir> writes a CPU profile of the Klaxon server there
 *
 * Fairness: Klaxon runs in its own Node process (like Alertmanager, not sharing the load generator's event loop
 * or heap); both get the same POSTs; requests alternate between the two so background load hits both alike;
 * warm-up requests run until both report the same silenced count; a request is timed until its last body byte
 * (the body is parsed outside the timing, to check both answer the same).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { matchesAll } from '../src/labels/matcher.js';
import { SilenceIndex } from '../src/silence/index.js';
import { type Silence, silenceState, toMatcher } from '../src/silence/model.js';
import { startAmtoolServer } from '../test/amtool/server.js';
import { startAlertmanager } from '../test/support/binaries.js';

const SILENCES = Number(process.env.BENCH_SILENCES ?? 10_000);
const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const WARMUP = 5;
const H = 3600_000;

// Two sub-routes so `receivers` differ per alert; criticals inhibit the warnings of their instance.
const CONFIG = `route:
  receiver: blackhole
  group_by: [alertname]
  group_wait: 1h
  group_interval: 1h
  routes:
    - receiver: pager
      matchers: ['severity="critical"']
    - receiver: team-a
      matchers: ['alertname=~"Alert1.*"']
receivers:
  - name: blackhole
  - name: pager
  - name: team-a
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [instance]
`;

/**
 * `churn`: a silence (matching nothing) is added 1 s before each request, so neither side has cached answers.
 * Alertmanager then re-matches every alert against every silence (over 10 s per request at 10k × 10k), hence
 * fewer runs for that case.
 */
const CHURN_RUNS = 5;
const CASES: { query: string; churn?: boolean }[] = [
  { query: '' },
  { query: '?filter=alertname%3D%22Alert7%22' },
  { query: '?silenced=false&inhibited=false' },
  { query: '?receiver=team-a' },
  { query: '?active=true&silenced=false&inhibited=false&filter=severity%3D%22warning%22' },
  { query: '', churn: true },
];

/** 200 alert names × 50 instances; Alert0 on host-0..4 is critical (inhibiting ~1,000 warnings). */
function alertLabels(i: number): Record<string, string> {
  const alertname = `Alert${i % 200}`;
  const host = Math.floor(i / 200) % 50;
  return {
    alertname,
    instance: `host-${host}`,
    job: 'node',
    severity: i % 200 === 0 && host < 5 ? 'critical' : 'warning',
  };
}

/** Most silences pin alertname and instance; 2% only match instances by regex. */
function silenceMatchers(i: number) {
  if (i % 50 === 0) return [{ name: 'instance', value: `host-${i % 50}[0-9]`, isRegex: true, isEqual: true }];
  return [
    { name: 'alertname', value: `Alert${(i * 7) % 400}`, isRegex: false, isEqual: true },
    { name: 'instance', value: `host-${i % 97}`, isRegex: false, isEqual: true },
  ];
}

/** Nearest-rank percentile. */
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

function benchIndex(now: number) {
  const silences: Silence[] = Array.from({ length: SILENCES }, (_, i) => ({
    id: `s${i}`,
    matchers: silenceMatchers(i),
    startsAt: now - H,
    endsAt: now + H,
    updatedAt: now,
    createdBy: 'bench',
    comment: 'bench',
  }));
  const alerts = Array.from({ length: ALERTS }, (_, i) => alertLabels(i));
  let t = performance.now();
  const index = new SilenceIndex(silences, now);
  const buildMs = performance.now() - t;
  // First pass: every label set is new to the index (as after a silence change); second pass: cached answers.
  // CPU time too, as wall time suffers on busy hosts.
  let muted = 0;
  t = performance.now();
  for (const a of alerts) if (index.mutedBy(a, now).length > 0) muted++;
  const coldMs = performance.now() - t;
  const cpu = process.cpuUsage();
  t = performance.now();
  for (const a of alerts) index.mutedBy(a, now);
  const indexedMs = performance.now() - t;
  const indexedCpuUs = process.cpuUsage(cpu).user;
  const compiled = silences.map((s) => ({ s, ms: s.matchers.map(toMatcher) }));
  let bruteMuted = 0;
  t = performance.now();
  for (const a of alerts) {
    if (compiled.some(({ s, ms }) => silenceState(s, now) === 'active' && matchesAll(ms, a))) bruteMuted++;
  }
  const bruteMs = performance.now() - t;
  console.log(`index build: ${buildMs.toFixed(1)} ms for ${SILENCES} silences`);
  console.log(
    `mutedBy: ${((coldMs * 1000) / ALERTS).toFixed(2)} µs/alert first time, ` +
      `${((indexedMs * 1000) / ALERTS).toFixed(2)} µs/alert wall, ${(indexedCpuUs / ALERTS).toFixed(2)} µs/alert CPU cached, ` +
      `${((bruteMs * 1000) / ALERTS).toFixed(2)} µs/alert (scan all) — ${muted}/${ALERTS} alerts muted` +
      (muted === bruteMuted ? '' : ` MISMATCH: scan says ${bruteMuted}`),
  );
}

function postSilence(url: string, matchers: ReturnType<typeof silenceMatchers>, now: number, comment: string) {
  return fetch(`${url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      matchers,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 10 * H).toISOString(),
      createdBy: 'bench',
      comment,
    }),
  }).then(async (res) => {
    if (!res.ok) throw new Error(`POST /api/v2/silences: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  });
}

async function load(url: string, now: number) {
  for (let start = 0; start < SILENCES; start += 64) {
    const batch = Array.from({ length: Math.min(64, SILENCES - start) }, (_, k) => start + k);
    await Promise.all(batch.map((i) => postSilence(url, silenceMatchers(i), now, `bench ${i}`)));
  }
  for (let start = 0; start < ALERTS; start += 1000) {
    const alerts = Array.from({ length: Math.min(1000, ALERTS - start) }, (_, k) => ({
      labels: alertLabels(start + k),
      annotations: { summary: 'bench' },
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 10 * H).toISOString(),
    }));
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
  }
}

interface Answer {
  ms: number;
  body: Buffer;
}

async function get(url: string): Promise<Answer> {
  const t = performance.now();
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${body.toString()}`);
  return { ms, body };
}

type GettableAlert = { fingerprint: string; status: { silencedBy: string[]; inhibitedBy: string[] } };

/** What must agree between the two: count, silenced count, inhibited count (silence ids differ by design). */
function summary(body: Buffer): string {
  const alerts = JSON.parse(body.toString()) as GettableAlert[];
  const silenced = alerts.filter((a) => a.status.silencedBy.length > 0).length;
  const inhibited = alerts.filter((a) => a.status.inhibitedBy.length > 0).length;
  return `${alerts.length} alerts, ${silenced} silenced, ${inhibited} inhibited`;
}

/** The Klaxon server in a child process; it prints its URL and closes cleanly on SIGTERM (so --cpu-prof is written). */
async function serve(): Promise<void> {
  const server = await startAmtoolServer(CONFIG);
  process.once('SIGTERM', () => {
    server.close().finally(() => process.exit(0));
  });
  console.log(`URL ${server.url}`);
}

async function startKlaxonChild(): Promise<{ url: string; stop(): Promise<void> }> {
  const profile = process.env.BENCH_PROFILE;
  const args = [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    '--import',
    'tsx',
    import.meta.filename,
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, BENCH_SILENCES_SERVE: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`Klaxon server exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('URL ')) resolve(line.slice(4));
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main() {
  const now = Date.now();
  benchIndex(now);

  const [klaxon, alertmanager] = await Promise.all([startKlaxonChild(), startAlertmanager(CONFIG)]);
  try {
    await Promise.all([load(klaxon.url, now), load(alertmanager.url, now)]);
    console.log(`loaded ${SILENCES} silences and ${ALERTS} alerts into each`);
    // Klaxon's silence cache follows the store asynchronously: wait until both give the same answer.
    for (let i = 0; ; i++) {
      const [k, a] = [
        summary((await get(`${klaxon.url}/api/v2/alerts`)).body),
        summary((await get(`${alertmanager.url}/api/v2/alerts`)).body),
      ];
      if (k === a) break;
      if (i === 50) throw new Error(`answers differ: Klaxon ${k}, Alertmanager ${a}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(
      `\nGET /api/v2/alerts, ${RUNS} runs after ${WARMUP} warm-up (churn: ${CHURN_RUNS} after 1), requests alternating (ms)`,
    );
    console.log('case | Klaxon p50 | Klaxon p99 | AM p50 | AM p99 | ratio p50 | ratio p99 | result');
    let churned = 0;
    for (const { query, churn } of CASES) {
      const times = { k: [] as number[], a: [] as number[] };
      let last = { k: '', a: '' };
      const [warmup, runs] = churn ? [1, CHURN_RUNS] : [WARMUP, RUNS];
      for (let i = 0; i < warmup + runs; i++) {
        if (churn) {
          const matchers = [{ name: 'alertname', value: `Churn${churned++}`, isRegex: false, isEqual: true }];
          await Promise.all([klaxon.url, alertmanager.url].map((url) => postSilence(url, matchers, now, 'churn')));
          await new Promise((r) => setTimeout(r, 1000));
        }
        const k = await get(`${klaxon.url}/api/v2/alerts${query}`);
        const a = await get(`${alertmanager.url}/api/v2/alerts${query}`);
        if (i < warmup) continue;
        times.k.push(k.ms);
        times.a.push(a.ms);
        if (i === warmup) last = { k: summary(k.body), a: summary(a.body) };
      }
      const [kp50, kp99, ap50, ap99] = [
        percentile(times.k, 50),
        percentile(times.k, 99),
        percentile(times.a, 50),
        percentile(times.a, 99),
      ];
      const result = last.k === last.a ? last.k : `MISMATCH Klaxon ${last.k} / Alertmanager ${last.a}`;
      console.log(
        `${decodeURIComponent(query) || '(none)'}${churn ? ', a silence added before each' : ''} | ${kp50.toFixed(1)} | ${kp99.toFixed(1)} | ${ap50.toFixed(1)} | ` +
          `${ap99.toFixed(1)} | ${(kp50 / ap50).toFixed(2)} | ${(kp99 / ap99).toFixed(2)} | ${result}`,
      );
    }
  } finally {
    await Promise.all([klaxon.stop(), alertmanager.stop()]);
  }
}

(process.env.BENCH_SILENCES_SERVE ? serve() : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
