import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffExact, diffShape, type NormaliseContext, normalise } from './compare.js';
import { type ScenarioCase, type Step, substitutePlaceholders } from './scenario-files.js';
import { startScenarioSink } from './sink.js';

/** A running server under test. */
export interface Instance {
  port: number;
  stop(): Promise<void>;
}

export type StartInstance = (configPath: string, scenarioName: string) => Promise<Instance>;

interface RecordedResponse {
  status: number;
  body: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function isoTimes<T extends Record<string, unknown>>(obj: T, t0: number): T {
  const out: Record<string, unknown> = { ...obj };
  for (const field of ['startsAt', 'endsAt']) {
    if (typeof out[field] === 'number') out[field] = new Date(t0 + (out[field] as number)).toISOString();
  }
  return out as T;
}

async function waitReady(base: string, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/-/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${base} did not become ready`);
    await sleep(20);
  }
}

async function call(base: string, method: string, path: string, body?: string, headers?: Record<string, string>) {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined ? { body } : {}),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
  });
  const text = await res.text();
  let parsed: unknown = text;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed };
}

async function runStep(base: string, step: Step, t0: number, ids: Map<string, string>): Promise<RecordedResponse> {
  const withIds = (s: string) => s.replace(/\{\{silence:([^}]+)\}\}/g, (all, ref: string) => ids.get(ref) ?? all);
  switch (step.action) {
    case 'post_alerts':
      return call(base, 'POST', '/api/v2/alerts', JSON.stringify((step.alerts ?? []).map((a) => isoTimes(a, t0))));
    case 'post_silence': {
      const silence = isoTimes(step.silence ?? {}, t0);
      if (typeof silence.id === 'string') silence.id = withIds(silence.id);
      const res = await call(base, 'POST', '/api/v2/silences', JSON.stringify(silence));
      const id = (res.body as { silenceID?: string } | undefined)?.silenceID;
      if (step.ref && typeof id === 'string') ids.set(step.ref, id);
      return res;
    }
    case 'expire_silence':
      return call(base, 'DELETE', `/api/v2/silence/${ids.get(step.ref ?? '') ?? ''}`);
    case 'get':
      return call(base, 'GET', withIds(step.path ?? '/'));
    case 'request': {
      const body = step.rawBody ?? (step.body !== undefined ? JSON.stringify(step.body) : undefined);
      return call(base, step.method ?? 'GET', withIds(step.path ?? '/'), body, step.headers);
    }
  }
}

/** A scenario whose sink and server are up and ready; `run` plays the timeline from t0 and cleans up. */
export interface PreparedScenario {
  name: string;
  run(): Promise<string[]>;
}

/**
 * Start the sink and the server for a scenario (README section 4, steps 1-3). Starting is CPU-heavy, so the
 * suite prepares every instance before any timeline runs.
 */
export async function prepareScenario(c: ScenarioCase, start: StartInstance): Promise<PreparedScenario> {
  const { scenario } = c;
  const sink = await startScenarioSink(scenario.sink?.responses);
  const dir = mkdtempSync(join(tmpdir(), `klaxon-scenario-${c.name}-`));
  const configPath = join(dir, 'alertmanager.yml');
  writeFileSync(configPath, substitutePlaceholders(c.configTemplate, sink.port, new Date()));
  const cleanup = async (instance?: Instance) => {
    await instance?.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let instance: Instance;
  try {
    instance = await start(configPath, c.name);
  } catch (err) {
    await cleanup();
    throw err;
  }
  const base = `http://127.0.0.1:${instance.port}`;
  return {
    name: c.name,
    async run() {
      const responses: RecordedResponse[] = [];
      const ids = new Map<string, string>();
      let t0 = 0;
      try {
        await waitReady(base);
        // A read-only request before t0 so the first timed step does not pay for the server's warm-up.
        await call(base, 'GET', '/api/v2/alerts');
        t0 = Date.now();
        for (const step of scenario.steps) {
          await sleep(t0 + step.at - Date.now());
          responses.push(await runStep(base, step, t0, ids));
        }
        await sleep(t0 + scenario.durationMs - Date.now());
      } finally {
        await cleanup(instance);
      }
      return compareRun(c, {
        t0,
        sinkPort: sink.port,
        serverPort: instance.port,
        ids,
        responses,
        arrivals: sink.arrivals,
      });
    },
  };
}

/** Run one scenario as README section 4 says and return the list of differences (empty = pass). */
export async function replayScenario(c: ScenarioCase, start: StartInstance): Promise<string[]> {
  return (await prepareScenario(c, start)).run();
}

interface Run {
  t0: number;
  sinkPort: number;
  serverPort: number;
  ids: Map<string, string>;
  responses: RecordedResponse[];
  arrivals: { at: number; path: string; status: number; body: unknown }[];
}

function compareRun(c: ScenarioCase, run: Run): string[] {
  const { expected, scenario } = c;
  const tolerance = scenario.toleranceMs ?? expected.toleranceMs ?? 400;
  const silenceRefs = new Map<string, string>();
  for (const [ref, id] of run.ids) if (!silenceRefs.has(id)) silenceRefs.set(id, ref);
  const ctx: NormaliseContext = { t0: run.t0, sinkPort: run.sinkPort, serverPort: run.serverPort, silenceRefs };
  const problems: string[] = [];

  const streamOf = (path: string, body: unknown) => `${path} ${String((body as { groupKey?: unknown })?.groupKey)}`;
  const actualStreams = new Map<string, { atMs: number; status: number; payload: unknown }[]>();
  for (const a of run.arrivals) {
    if (a.at - run.t0 > scenario.durationMs) continue;
    const payload = normalise(a.body, ctx);
    const key = streamOf(a.path, payload);
    actualStreams.set(key, [...(actualStreams.get(key) ?? []), { atMs: a.at - run.t0, status: a.status, payload }]);
  }
  const expectedStreams = new Map<string, typeof expected.notifications>();
  for (const n of expected.notifications) expectedStreams.set(n.stream, [...(expectedStreams.get(n.stream) ?? []), n]);
  for (const [stream, list] of expectedStreams) {
    const actual = actualStreams.get(stream) ?? [];
    const sorted = [...list].sort((a, b) => a.streamSeq - b.streamSeq);
    if (actual.length !== sorted.length) {
      problems.push(
        `stream ${stream}: ${actual.length} notifications at [${actual.map((a) => a.atMs).join(', ')}] ms, recorded ${sorted.length} at [${sorted.map((n) => n.atMs).join(', ')}]`,
      );
      continue;
    }
    sorted.forEach((n, i) => {
      const a = actual[i]!;
      const spread = Math.max(...n.atMsRuns) - Math.min(...n.atMsRuns);
      if (Math.abs(a.atMs - n.atMs) > tolerance + spread / 2) {
        problems.push(`stream ${stream} #${i + 1}: arrived at ${a.atMs} ms, recorded ${n.atMs} ms`);
      }
      if (a.status !== n.sinkStatus)
        problems.push(`stream ${stream} #${i + 1}: sink status ${a.status} vs ${n.sinkStatus}`);
      for (const d of diffExact(n.payload, a.payload, tolerance)) problems.push(`stream ${stream} #${i + 1}: ${d}`);
    });
  }
  for (const [stream, list] of actualStreams) {
    if (!expectedStreams.has(stream)) problems.push(`unexpected stream ${stream}: ${list.length} notifications`);
  }

  for (const r of expected.responses) {
    const actual = run.responses[r.step];
    const label = `step ${r.step} (${scenario.steps[r.step]?.action} ${scenario.steps[r.step]?.path ?? ''})`;
    if (!actual) {
      problems.push(`${label}: no response`);
      continue;
    }
    if (actual.status !== r.status) {
      problems.push(`${label}: status ${actual.status} vs ${r.status}: ${JSON.stringify(actual.body).slice(0, 300)}`);
      continue;
    }
    const body = normalise(actual.body, ctx);
    const diffs =
      r.compare === 'status'
        ? []
        : r.compare === 'shape'
          ? diffShape(r.body, body)
          : diffExact(r.body, body, tolerance);
    for (const d of diffs) problems.push(`${label}: ${d}`);
  }
  return problems;
}

/**
 * Exercise a fresh server once (one alert through group_wait 0 to a webhook) so the timed scenarios do not pay
 * for the process' cold start (module JIT, first template render, first outbound connection).
 */
export async function warmUp(start: StartInstance): Promise<void> {
  const sink = await startScenarioSink();
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-scenario-warmup-'));
  const configPath = join(dir, 'alertmanager.yml');
  writeFileSync(
    configPath,
    `route:\n  receiver: r\n  group_wait: 0s\nreceivers:\n  - name: r\n    webhook_configs:\n      - url: http://127.0.0.1:${sink.port}/r\n`,
  );
  const instance = await start(configPath, 'warmup');
  try {
    const base = `http://127.0.0.1:${instance.port}`;
    await waitReady(base);
    await call(base, 'POST', '/api/v2/alerts', JSON.stringify([{ labels: { alertname: 'WarmUp' } }]));
    const deadline = Date.now() + 10_000;
    while (sink.arrivals.length === 0 && Date.now() < deadline) await sleep(20);
    await call(base, 'GET', '/api/v2/alerts/groups');
  } finally {
    await instance.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
