import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuler, type Ruler } from '../../src/app/ruler.js';
import type { RuleConfig, RuleGroupConfig } from '../../src/config/rules/types.js';
import { groupOffsetMs } from '../../src/rules/schedule.js';
import { RULE_EVAL_QUEUE } from '../../src/rules/scheduler.js';
import { groupId } from '../../src/rules/store.js';
import { CollectingSender, listen, sleep, testDeps, waitFor } from './harness.js';

/** Query API stand-in: `results` maps an expression to the vector it returns; every request is logged. */
const results = new Map<string, { metric: Record<string, string>; value: number }[]>();
const requests: { query: string; time: number }[] = [];
let api: Awaited<ReturnType<typeof listen>>;
const env = testDeps('ruler');
const rulers: Ruler[] = [];

beforeAll(async () => {
  api = await listen((_req, body, res) => {
    const form = new URLSearchParams(body);
    const query = form.get('query') ?? '';
    requests.push({ query, time: Number(form.get('time')) * 1000 });
    const result = (results.get(query) ?? []).map((s) => ({ metric: s.metric, value: [0, String(s.value)] }));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
});

afterAll(async () => {
  for (const r of rulers) await r.stop();
  await api.close();
  await env.cleanup();
});

const rule = (over: Partial<RuleConfig>): RuleConfig => ({
  kind: 'alerting',
  name: 'X',
  expr: 'x',
  forMs: 0,
  keepFiringForMs: 0,
  labels: {},
  annotations: {},
  index: 1,
  ...over,
});

function group(name: string, rules: RuleConfig[], over: Partial<RuleGroupConfig> = {}): RuleGroupConfig {
  return {
    file: 'test.yml',
    name,
    intervalMs: 1000,
    queryOffsetMs: 0,
    limit: 0,
    labels: {},
    rules,
    source: name,
    ...over,
  };
}

function newRuler(groups: RuleGroupConfig[], sender = new CollectingSender()) {
  const r = createRuler(env.deps(), {
    groups,
    datasource: { url: `http://127.0.0.1:${api.port}`, timeoutMs: 500 },
    sender,
    externalLabels: { cluster: 'test' },
    externalURL: 'http://klaxon.example',
    resendDelayMs: 60_000,
  });
  rulers.push(r);
  return r;
}

async function getJSON(r: Ruler, url: string) {
  const app = Fastify();
  r.routes?.(app);
  const res = await app.inject({ method: 'GET', url });
  await app.close();
  return { status: res.statusCode, body: res.json() };
}

describe('ruler on BullMQ with a query stand-in', () => {
  it('evaluates on the phase-aligned grid, fires at activeAt + for, serves Prometheus API shapes', async () => {
    results.set('load_a > 1', [{ metric: { __name__: 'load_a', instance: 'a' }, value: 2 }]);
    const g = group('grid', [
      rule({
        name: 'LoadHigh',
        expr: 'load_a > 1',
        forMs: 2000,
        labels: { severity: 'page' },
        annotations: { v: '{{ $value }}' },
      }),
      rule({ kind: 'recording', name: 'job:load:sum', expr: 'sum(load_a)', index: 2 }),
    ]);
    const sender = new CollectingSender();
    const r = newRuler([g], sender);
    await r.start();
    const fired = await waitFor(() => sender.named('LoadHigh')[0], 10_000);
    const offset = groupOffsetMs('test.yml', 'grid', 1000);
    const evalTimes = requests.filter((q) => q.query === 'load_a > 1').map((q) => q.time);
    for (const t of evalTimes) expect((t - offset) % 1000).toBe(0);
    expect(new Set(evalTimes).size).toBe(evalTimes.length);
    const activeAt = evalTimes[0]!;
    expect(fired.alert.startsAt).toBe(activeAt + 2000);
    expect(fired.alert.labels).toEqual({ alertname: 'LoadHigh', instance: 'a', severity: 'page', cluster: 'test' });
    expect(fired.alert.annotations).toEqual({ v: '2' });
    expect(fired.alert.generatorURL).toBe('http://klaxon.example/graph?g0.expr=load_a+%3E+1&g0.tab=1');

    const rules = await getJSON(r, '/api/v1/rules');
    expect(rules.status).toBe(200);
    const [apiGroup] = rules.body.data.groups;
    expect(apiGroup).toMatchObject({ name: 'grid', file: 'test.yml', interval: 1, limit: 0 });
    expect(apiGroup.rules[0]).toMatchObject({
      state: 'firing',
      name: 'LoadHigh',
      query: 'load_a > 1',
      duration: 2,
      keepFiringFor: 0,
      labels: { severity: 'page' },
      annotations: { v: '{{ $value }}' },
      health: 'ok',
      type: 'alerting',
    });
    expect(apiGroup.rules[0].alerts[0]).toEqual({
      labels: { alertname: 'LoadHigh', instance: 'a', severity: 'page' },
      annotations: { v: '2' },
      state: 'firing',
      activeAt: new Date(activeAt).toISOString().replace('.000Z', 'Z'),
      value: '2e+00',
    });
    expect(apiGroup.rules[1]).toMatchObject({ name: 'job:load:sum', type: 'recording', health: 'ok' });
    expect((await getJSON(r, '/api/v1/rules?type=record')).body.data.groups[0].rules).toHaveLength(1);
    expect((await getJSON(r, '/api/v1/rules?exclude_alerts=true')).body.data.groups[0].rules[0].alerts).toBeNull();
    expect((await getJSON(r, '/api/v1/rules?rule_name[]=nope')).body.data.groups).toEqual([]);
    expect((await getJSON(r, '/api/v1/rules?match[]={severity="page"}')).body.data.groups[0].rules).toHaveLength(1);
    expect(await getJSON(r, '/api/v1/rules?type=x')).toEqual({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: 'not supported value "x"' },
    });
    const alerts = await getJSON(r, '/api/v1/alerts');
    expect(alerts.body.data.alerts).toHaveLength(1);
    await r.stop();
  });

  it('two instances on one Redis evaluate each slot exactly once', async () => {
    results.set('twice', [{ metric: { i: '1' }, value: 1 }]);
    const g = group('shared', [rule({ name: 'Twice', expr: 'twice' })]);
    const a = newRuler([g]);
    const b = newRuler([g]);
    await a.start();
    await b.start();
    await waitFor(() => requests.filter((q) => q.query === 'twice').length >= 5, 10_000);
    await a.stop();
    await b.stop();
    const times = requests.filter((q) => q.query === 'twice').map((q) => q.time);
    expect(new Set(times).size).toBe(times.length);
  });

  it('reload keeps unchanged groups and carries alert state of matched rules into changed groups', async () => {
    results.set('keep', [{ metric: { k: '1' }, value: 1 }]);
    const unchanged = group('unchanged', [rule({ name: 'U', expr: 'keep', forMs: 60_000 })]);
    const changed = group('changed', [rule({ name: 'C', expr: 'keep', forMs: 60_000 })]);
    const r = newRuler([unchanged, changed]);
    await r.start();
    const pendingSince = async (name: string) => {
      const body = (await getJSON(r, `/api/v1/rules?rule_name[]=${name}`)).body;
      return body.data.groups[0]?.rules[0]?.alerts[0]?.activeAt as string | undefined;
    };
    const u0 = await waitFor(() => pendingSince('U'), 10_000);
    const c0 = await waitFor(() => pendingSince('C'), 10_000);
    const queue = new Queue(RULE_EVAL_QUEUE, { connection: env.deps().bullConnection, prefix: env.queuePrefix });
    const startDate = async (g: RuleGroupConfig) =>
      (await queue.getJobScheduler(`eval:${groupId(g.file, g.name)}`))?.startDate;
    const [uStart, cStart] = [await startDate(unchanged), await startDate(changed)];
    await sleep(1100); // a later reload gives a restarted group a later startDate
    // `for` changed and an annotation added: the group restarts, the alert keeps its activeAt.
    await r.reload([
      unchanged,
      {
        ...changed,
        source: 'changed-2',
        rules: [rule({ name: 'C', expr: 'keep', forMs: 120_000, annotations: { a: 'b' } })],
      },
    ]);
    const annotated = async () => {
      const body = (await getJSON(r, '/api/v1/rules?rule_name[]=C')).body;
      return body.data.groups[0]?.rules[0]?.alerts[0]?.annotations?.a === 'b' ? body : undefined;
    };
    expect(await startDate(unchanged)).toBe(uStart);
    expect(await startDate(changed)).toBeGreaterThan(cStart!);
    await queue.close();
    await waitFor(annotated, 10_000);
    expect(await pendingSince('C')).toBe(c0);
    expect(await pendingSince('U')).toBe(u0);
    // A removed group disappears from the API.
    await r.reload([unchanged]);
    expect((await getJSON(r, '/api/v1/rules')).body.data.groups.map((x: { name: string }) => x.name)).toEqual([
      'unchanged',
    ]);
    await r.stop();
  });
});
