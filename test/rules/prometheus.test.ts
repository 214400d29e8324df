import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuler, type Ruler, type RulerOptions } from '../../src/app/ruler.js';
import { DEFAULT_RULE_LOAD_OPTIONS, loadRuleFiles } from '../../src/config/rules/index.js';
import type { RuleGroupConfig } from '../../src/config/rules/types.js';
import { groupOffsetMs } from '../../src/rules/schedule.js';
import { alertmanagerStandIn, CollectingSender, metricTarget, sleep, startPrometheus, testDeps } from './harness.js';

/**
 * Against the Debian `prometheus` 2.42 binary: Klaxon's ruler and Prometheus' own rule manager evaluate the same
 * rule file over the same scraped data (interval 1s); both must walk the same states with the same label and
 * annotation sets, at most one interval apart.
 */
const RULES = `groups:
  - name: diff
    interval: 1s
    rules:
      - alert: LoadHigh
        expr: klaxon_test_load > 1
        for: 3s
        keep_firing_for: 2s
        labels:
          severity: page
          team: '{{ $labels.team }}'
        annotations:
          summary: 'load on {{ $labels.host }} is {{ $value }}'
          link: '{{ $externalURL }}/x'
      - alert: LoadPresent
        expr: klaxon_test_load > 0
        labels:
          severity: info
`;

const env = testDeps('ruler-prom');
let target: Awaited<ReturnType<typeof metricTarget>>;
let am: Awaited<ReturnType<typeof alertmanagerStandIn>>;
let prom: Awaited<ReturnType<typeof startPrometheus>>;
let groups: RuleGroupConfig[];
const rulers: Ruler[] = [];

beforeAll(async () => {
  target = await metricTarget();
  target.values.set('klaxon_test_load{host="a",team="db"}', 0);
  am = await alertmanagerStandIn();
  prom = await startPrometheus({ targetPort: target.port, rules: RULES, alertmanagerPort: am.port });
  const loaded = await loadRuleFiles([join(prom.dir, 'rules.yml')], DEFAULT_RULE_LOAD_OPTIONS);
  expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
  groups = loaded.groups;
});

afterAll(async () => {
  for (const r of rulers) await r.stop();
  await prom?.stop();
  await am?.close();
  await target?.close();
  await env.cleanup();
});

function newRuler(sender: CollectingSender, over: Partial<RulerOptions> = {}) {
  const r = createRuler(env.deps(), {
    groups,
    datasource: { url: prom.url, timeoutMs: 800 },
    sender,
    externalLabels: {},
    externalURL: 'http://prom.example',
    ...over,
  });
  rulers.push(r);
  return r;
}

type ApiAlert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
};

async function klaxonAlerts(r: Ruler): Promise<ApiAlert[]> {
  const app = Fastify();
  r.routes?.(app);
  const res = await app.inject({ method: 'GET', url: '/api/v1/alerts' });
  await app.close();
  return res.json().data.alerts;
}

async function prometheusAlerts(): Promise<ApiAlert[]> {
  const body = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as { data: { alerts: ApiAlert[] } };
  return body.data.alerts;
}

/** Observed history of one alert: the distinct (state, labels, annotations) snapshots in order, with first-seen time. */
function recorder() {
  const history = new Map<string, { at: number; snapshot: string; activeAt: string }[]>();
  return {
    history,
    observe(alerts: ApiAlert[], at: number) {
      const present = new Set<string>();
      for (const a of alerts) {
        const name = a.labels.alertname!;
        present.add(name);
        const snapshot = JSON.stringify({ state: a.state, labels: a.labels, annotations: a.annotations });
        const h = history.get(name) ?? [];
        if (h.at(-1)?.snapshot !== snapshot) h.push({ at, snapshot, activeAt: a.activeAt });
        history.set(name, h);
      }
      for (const [name, h] of history) {
        if (!present.has(name) && h.at(-1)?.snapshot !== 'gone') h.push({ at, snapshot: 'gone', activeAt: '' });
      }
    },
  };
}

describe('ruler against a real Prometheus 2.42', () => {
  it('walks the same states as Prometheus: pending, firing, keep_firing_for, resolved — with equal labels and annotations', async () => {
    const sender = new CollectingSender();
    const r = newRuler(sender);
    await r.start();
    await sleep(1500);
    const klaxon = recorder();
    const upstream = recorder();
    // Polls until both sides show `until` (then one interval more, to catch anything after it), or `ms` passes:
    // on a loaded machine scrapes and evaluations run late, so fixed waits would miss transitions.
    const lastState = (h: Map<string, { snapshot: string }[]>) => {
      const last = h.get('LoadHigh')?.at(-1)?.snapshot;
      return last === undefined || last === 'gone' ? last : (JSON.parse(last) as { state: string }).state;
    };
    const poll = async (ms: number, until?: string) => {
      const end = Date.now() + ms;
      let settleUntil = Number.POSITIVE_INFINITY;
      while (Date.now() < Math.min(end, settleUntil)) {
        const [k, p] = await Promise.all([klaxonAlerts(r), prometheusAlerts()]);
        const at = Date.now();
        klaxon.observe(k, at);
        upstream.observe(p, at);
        if (until && settleUntil === Number.POSITIVE_INFINITY) {
          if (lastState(klaxon.history) === until && lastState(upstream.history) === until) settleUntil = at + 1000;
        }
        await sleep(100);
      }
    };
    await poll(1000);
    target.values.set('klaxon_test_load{host="a",team="db"}', 2);
    await poll(20_000, 'firing'); // pending 3s, then firing
    target.values.set('klaxon_test_load{host="a",team="db"}', 0.5);
    await poll(20_000, 'gone'); // LoadHigh keeps firing 2s, then resolves; LoadPresent stays
    await r.stop();

    for (const name of ['LoadHigh', 'LoadPresent']) {
      const k = klaxon.history.get(name)!.map((h) => h.snapshot);
      const p = upstream.history.get(name)!.map((h) => h.snapshot);
      expect(k).toEqual(p);
    }
    const states = klaxon.history
      .get('LoadHigh')!
      .map((h) => (h.snapshot === 'gone' ? 'gone' : JSON.parse(h.snapshot).state));
    expect(states).toEqual(['pending', 'firing', 'gone']);
    const high = JSON.parse(klaxon.history.get('LoadHigh')![0]!.snapshot);
    expect(high.labels).toEqual({
      alertname: 'LoadHigh',
      host: 'a',
      instance: `127.0.0.1:${target.port}`,
      job: 'target',
      team: 'db',
      severity: 'page',
    });
    expect(high.annotations).toEqual({ summary: 'load on a is 2', link: 'http://prom.example/x' });
    // Same slot grid as Prometheus (xxhash64 phase of file and name): its activeAt is a slot time.
    const g = groups[0]!;
    const promActiveAt = Date.parse(upstream.history.get('LoadHigh')![0]!.activeAt);
    expect((promActiveAt - groupOffsetMs(g.file, g.name, g.intervalMs)) % 1000).toBe(0);
    // Each transition is seen at most one interval (+ polling slack) apart.
    for (const name of ['LoadHigh', 'LoadPresent']) {
      const k = klaxon.history.get(name)!;
      const p = upstream.history.get(name)!;
      for (const [i, h] of k.entries()) expect(Math.abs(h.at - p[i]!.at)).toBeLessThanOrEqual(1300);
      expect(Math.abs(Date.parse(k[0]!.activeAt) - Date.parse(p[0]!.activeAt))).toBeLessThanOrEqual(1000);
    }
    // What each sent to its Alertmanager: same label/annotation sets, firing then resolved.
    const sentKlaxon = sender
      .named('LoadHigh')
      .map((s) => ({ labels: s.alert.labels, annotations: s.alert.annotations }));
    const sentProm = am.received
      .flatMap((b) => b.alerts)
      .filter((a) => (a.labels as Record<string, string>).alertname === 'LoadHigh')
      .map((a) => ({ labels: a.labels, annotations: a.annotations }));
    expect(sentKlaxon.length).toBeGreaterThanOrEqual(2);
    expect(sentKlaxon).toEqual(sentProm.slice(0, sentKlaxon.length));
    const resolved = sender.named('LoadHigh').at(-1)!.alert;
    expect(resolved.endsAt! - resolved.startsAt!).toBeGreaterThanOrEqual(2000); // kept firing ≥ keep_firing_for
  }, 60_000);
});
