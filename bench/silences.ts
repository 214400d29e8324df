/**
 * Silences benchmark: 10,000 silences × 10,000 alerts.
 *  1. `mutedBy` per alert from the per-instance index, against a brute-force scan of every silence.
 *  2. GET /api/v2/alerts (which runs the silencer for every alert) on Klaxon and on the real Alertmanager 0.25
 *     holding the same silences and alerts; prints the latency of both and the ratio.
 *
 *   npx tsx bench/silences.ts          # BENCH_SILENCES, BENCH_ALERTS, BENCH_RUNS override
 */
import { performance } from 'node:perf_hooks';
import { matchesAll } from '../src/labels/matcher.js';
import { SilenceIndex } from '../src/silence/index.js';
import { type Silence, silenceState, toMatcher } from '../src/silence/model.js';
import { startAmtoolServer } from '../test/amtool/server.js';
import { startAlertmanager } from '../test/support/binaries.js';

const SILENCES = Number(process.env.BENCH_SILENCES ?? 10_000);
const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const H = 3600_000;

const CONFIG = `route:
  receiver: blackhole
  group_by: [alertname]
  group_wait: 1h
  group_interval: 1h
receivers:
  - name: blackhole
`;

/** 200 alert names × 50 instances; most silences pin alertname and instance, 2% only match instances by regex. */
function alertLabels(i: number): Record<string, string> {
  return {
    alertname: `Alert${i % 200}`,
    instance: `host-${Math.floor(i / 200) % 50}`,
    job: 'node',
    severity: 'warning',
  };
}

function silenceMatchers(i: number) {
  if (i % 50 === 0) return [{ name: 'instance', value: `host-${i % 50}[0-9]`, isRegex: true, isEqual: true }];
  return [
    { name: 'alertname', value: `Alert${(i * 7) % 400}`, isRegex: false, isEqual: true },
    { name: 'instance', value: `host-${i % 97}`, isRegex: false, isEqual: true },
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
  // Warm-up pass (JIT, regex memos), then the measured pass; CPU time too, as wall time suffers on busy hosts.
  for (const a of alerts) index.mutedBy(a, now);
  let muted = 0;
  const cpu = process.cpuUsage();
  t = performance.now();
  for (const a of alerts) if (index.mutedBy(a, now).length > 0) muted++;
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
    `mutedBy: ${((indexedMs * 1000) / ALERTS).toFixed(2)} µs/alert wall, ${(indexedCpuUs / ALERTS).toFixed(2)} µs/alert CPU (indexed), ` +
      `${((bruteMs * 1000) / ALERTS).toFixed(2)} µs/alert (scan all) — ${muted}/${ALERTS} alerts muted` +
      (muted === bruteMuted ? '' : ` MISMATCH: scan says ${bruteMuted}`),
  );
}

async function load(url: string, now: number) {
  const ids: string[] = [];
  for (let start = 0; start < SILENCES; start += 64) {
    const batch = Array.from({ length: Math.min(64, SILENCES - start) }, (_, k) => start + k);
    const res = await Promise.all(
      batch.map((i) =>
        fetch(`${url}/api/v2/silences`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            matchers: silenceMatchers(i),
            startsAt: new Date(now).toISOString(),
            endsAt: new Date(now + 10 * H).toISOString(),
            createdBy: 'bench',
            comment: `bench ${i}`,
          }),
        }).then((r) => r.json() as Promise<{ silenceID: string }>),
      ),
    );
    ids.push(...res.map((r) => r.silenceID));
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
  return ids.length;
}

async function timeGetAlerts(url: string) {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const res = await fetch(`${url}/api/v2/alerts`);
    const body = (await res.json()) as Array<{ status: { silencedBy: string[] } }>;
    times.push(performance.now() - t);
    count = body.filter((a) => a.status.silencedBy.length > 0).length;
  }
  return { ms: median(times), silenced: count };
}

async function main() {
  const now = Date.now();
  benchIndex(now);

  const [klaxon, alertmanager] = await Promise.all([startAmtoolServer(CONFIG), startAlertmanager(CONFIG)]);
  try {
    const [k, a] = [await load(klaxon.url, now), await load(alertmanager.url, now)];
    console.log(`loaded ${k} silences into Klaxon, ${a} into Alertmanager; ${ALERTS} alerts each`);
    await timeGetAlerts(klaxon.url);
    await timeGetAlerts(alertmanager.url);
    const kt = await timeGetAlerts(klaxon.url);
    const at = await timeGetAlerts(alertmanager.url);
    console.log(
      `GET /api/v2/alerts median of ${RUNS}: Klaxon ${kt.ms.toFixed(0)} ms (${kt.silenced} silenced), ` +
        `Alertmanager 0.25 ${at.ms.toFixed(0)} ms (${at.silenced} silenced)`,
    );
    console.log(`ratio Klaxon / Alertmanager: ${(kt.ms / at.ms).toFixed(2)}`);
  } finally {
    await Promise.all([klaxon.close(), alertmanager.stop()]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
