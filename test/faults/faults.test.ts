/**
 * Fault tests (issue 10): real `klaxon run` processes sharing Redis, broken on purpose. Each scenario asserts
 * the delivered set exactly and adds a row to the table printed at the end. The guarantees they prove are
 * listed in docs/reliability.md.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { shortHash } from '../../src/dispatch/keys.js';
import { startFakeDatasource } from '../support/datasource.js';
import { waitFor } from '../support/net.js';
import { startRedis } from '../support/redis-server.js';
import { type Delivery, startWebhookSink } from '../support/webhook-sink.js';
import { formatTable, postAlerts, type ScenarioResult, startCluster } from './cluster.js';

const results: ScenarioResult[] = [];
const started = Date.now();
/** Long scenarios report their phases so a slow run shows where it is. */
const progress = (scenario: string, msg: string) =>
  process.stderr.write(`[faults +${((Date.now() - started) / 1000).toFixed(1)}s] ${scenario}: ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => {
  if (results.length > 0) console.log(`\nFault scenarios\n${formatTable(results)}\n`);
});

function routing(sinkUrl: string, extra = '') {
  return `
route:
  receiver: sink
  group_by: [group]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: sink
    webhook_configs:
      - url: ${sinkUrl}/sink
${extra}`;
}

/** Alerts covered by firing notifications, and notifications that repeat an earlier one's exact content. */
function tally(deliveries: Delivery[]) {
  const covered = new Set<string>();
  const seen = new Set<string>();
  const duplicateGroups: string[] = [];
  for (const d of deliveries) {
    const key = `${d.path}|${d.contentHash}`;
    if (seen.has(key)) duplicateGroups.push(String(d.body.groupKey));
    seen.add(key);
    for (const a of d.body.alerts ?? []) if (a.status === 'firing') covered.add(String(a.fingerprint));
  }
  return { covered, duplicates: duplicateGroups.length, duplicateGroups };
}

/** The 15 s lease a notification claim holds until its job is queued or while its in-process attempt runs. */
const CLAIM_LEASE_MS = 15_000;

/**
 * Sends a SIGKILL left in flight, as group keys: the only ones allowed to be delivered twice. A live instance's
 * sends finish within milliseconds, a dead one's stay visible: a queued send as a notify job left `active` until
 * BullMQ's stalled check hands it to another worker, an in-process first attempt as its claim still in its
 * lease (nobody renews it) until the lease lapses. What is visible in every sample over ~1.5 s after the kill is
 * therefore what was in flight at the kill.
 */
async function strandedSends(queue: Queue, redis: Redis, keyPrefix: string, groupKeys: string[]): Promise<string[]> {
  // A claim key ends in the hash of (group key, receiver, integration, index), behind its group's hash tag.
  const byClaim = new Map(groupKeys.map((gk) => [shortHash(gk, 'sink', 'webhook', '0'), gk]));
  const samples: Map<string, string>[] = [];
  for (const wait of [300, 500, 700]) {
    await sleep(wait);
    const active = await queue.getActive();
    const sample = new Map(active.filter(Boolean).map((j) => [String(j.id), String(j.data.request?.groupKey)]));
    const claims = (await redis.keys(`${keyPrefix}claim:*`)).flatMap((k) => {
      const groupKey = byClaim.get(k.slice(k.lastIndexOf(':') + 1));
      return groupKey ? [[k, groupKey] as const] : [];
    });
    const ttls = await Promise.all(claims.map(([k]) => redis.pttl(k)));
    claims.forEach(([k, groupKey], i) => {
      if (ttls[i]! > 0 && ttls[i]! <= CLAIM_LEASE_MS) sample.set(k, groupKey);
    });
    samples.push(sample);
  }
  const [first, ...rest] = samples;
  return [...first!].filter(([id]) => rest.every((s) => s.has(id))).map(([, groupKey]) => groupKey);
}

function alertBatch(from: number, count: number, groups: number, extraLabels: Record<string, string> = {}) {
  const endsAt = new Date(Date.now() + 3600_000).toISOString();
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    return { labels: { alertname: 'Load', group: `g${n % groups}`, n: String(n), ...extraLabels }, endsAt };
  });
}

const SCENARIO_TIMEOUT = 400_000;

describe.concurrent('faults', () => {
  it(
    'kill -9 of instances under a steady alert stream loses nothing and duplicates at most in-flight sends',
    async () => {
      const sink = await startWebhookSink();
      const datasource = await startFakeDatasource();
      datasource.set('job_up == 0', [{ labels: { job: 'batch' }, value: 0 }]);
      const cluster = await startCluster({
        name: 'kill9',
        size: 3,
        datasourceUrl: datasource.url,
        files: {
          'alertmanager.yml': routing(sink.url),
          'rules.yml': `groups:\n  - name: jobs\n    interval: 1s\n    rules:\n      - alert: JobDown\n        expr: job_up == 0\n        for: 6s\n        labels: { group: rules }\n`,
        },
      });
      let kills = 0;
      const stranded: string[] = [];
      const notifyQueue = new Queue('notify', {
        connection: { host: '127.0.0.1', port: 6379 },
        prefix: `{${cluster.keyPrefix.replace(/:$/, '')}}`,
      });
      const redis = new Redis({ host: '127.0.0.1', port: 6379 });
      const groupKeys = [...Array.from({ length: 200 }, (_, g) => `{}:{group="g${g}"}`), '{}:{group="rules"}'];
      progress('kill9', 'cluster of 3 ready');
      try {
        const total = 5000;
        const activeAts = new Set<string>();
        const sampleActiveAt = async () => {
          for (const inst of cluster.instances.filter((i) => i.alive())) {
            const res = await fetch(`${inst.url}/api/v1/alerts`).catch(() => undefined);
            if (!res?.ok) continue;
            const body = (await res.json()) as { data: { alerts: Array<{ activeAt: string }> } };
            for (const a of body.data.alerts) activeAts.add(a.activeAt);
            return;
          }
        };
        const posting = (async () => {
          for (let batch = 0; batch < total / 100; batch++) {
            await postAlerts(cluster.instances, alertBatch(batch * 100, 100, 200), batch);
            await sleep(200);
          }
        })();
        const killing = (async () => {
          for (let round = 0; round < 3; round++) {
            await sleep(3000);
            const victim = cluster.instances[round % cluster.instances.length]!;
            await sampleActiveAt();
            await victim.kill('SIGKILL');
            kills++;
            const [inFlight] = await Promise.all([
              strandedSends(notifyQueue, redis, cluster.keyPrefix, groupKeys),
              victim.start(),
            ]);
            stranded.push(...inFlight);
            progress('kill9', `killed instance ${victim.index} (kill ${kills}, ${inFlight.length} sends in flight)`);
            progress('kill9', `instance ${victim.index} ready again`);
          }
        })();
        await Promise.all([posting, killing]);
        progress('kill9', 'stream posted, kills done; waiting for every alert to be notified');
        const loadDeliveries = () => sink.deliveries.filter((d) => d.body.groupKey?.includes('group="g'));
        await waitFor(() => (tally(loadDeliveries()).covered.size >= total ? true : undefined), {
          timeoutMs: 120_000,
          intervalMs: 500,
          what: 'every alert to be notified',
        }).catch(() => undefined);
        await sampleActiveAt();
        // Let in-flight retries settle so late duplicates are counted too.
        await sleep(3000);
        const { covered, duplicates, duplicateGroups } = tally(loadDeliveries());
        const evaluations = new Map<number, number>();
        for (const q of datasource.log) evaluations.set(q.timeMs, (evaluations.get(q.timeMs) ?? 0) + 1);
        const doubled = [...evaluations.values()].filter((n) => n > 1).length;
        // The rule's page too: a flush killed half-way holds its group's claims for their lease (15 s) first.
        const jobDownDelivered = () =>
          sink.deliveries.some((d) =>
            d.body.alerts?.some((a) => (a.labels as Record<string, string>)?.alertname === 'JobDown'),
          );
        await waitFor(() => (jobDownDelivered() ? true : undefined), {
          timeoutMs: 30_000,
          intervalMs: 500,
          what: 'the JobDown notification',
        }).catch(() => undefined);
        const ruleFired = jobDownDelivered();
        results.push({
          scenario: '1 kill -9 ×3, 3 instances',
          expected: total,
          delivered: covered.size,
          duplicates,
          lost: total - covered.size,
          notes: `${loadDeliveries().length} notifications, ${kills} kills with ${stranded.length} sends in flight, ${doubled} slots evaluated twice, for-timer activeAt values ${activeAts.size}`,
        });
        expect(total - covered.size).toBe(0);
        // At most one duplicate per send in flight at a kill, and only of those sends' groups.
        const allowance = new Map<string, number>();
        for (const g of stranded) allowance.set(g, (allowance.get(g) ?? 0) + 1);
        for (const g of duplicateGroups) {
          const left = allowance.get(g) ?? 0;
          expect(left, `duplicate of ${g}, which had no send in flight at a kill`).toBeGreaterThan(0);
          allowance.set(g, left - 1);
        }
        expect(doubled, 'evaluation slots evaluated twice').toBe(0);
        expect(activeAts.size, 'distinct activeAt values of the rule alert').toBe(1);
        expect(ruleFired, 'JobDown notification delivered').toBe(true);
      } finally {
        await notifyQueue.close();
        redis.disconnect();
        await cluster.stop();
        await Promise.all([sink.close(), datasource.close()]);
      }
    },
    SCENARIO_TIMEOUT,
  );
  it(
    'a Redis restart mid-run: instances reconnect without restarting and every notification is delivered',
    async () => {
      const sink = await startWebhookSink();
      const redis = await startRedis({ persistence: true });
      const cluster = await startCluster({
        name: 'redis-restart',
        size: 2,
        redisUrl: redis.url,
        files: { 'alertmanager.yml': routing(sink.url) },
      });
      progress('redis-restart', 'cluster of 2 ready');
      try {
        const pids = cluster.instances.map((i) => i.process.pid);
        for (let b = 0; b < 10; b++) await postAlerts(cluster.instances, alertBatch(b * 100, 100, 50), b);
        await redis.stop();
        progress('redis-restart', 'Redis stopped');
        await sleep(3000);
        await redis.start();
        progress('redis-restart', 'Redis started again');
        for (let b = 10; b < 20; b++) await postAlerts(cluster.instances, alertBatch(b * 100, 100, 50), b);
        const total = 2000;
        await waitFor(() => (tally(sink.deliveries).covered.size >= total ? true : undefined), {
          timeoutMs: 120_000,
          intervalMs: 500,
          what: 'every alert to be notified after the Redis restart',
        }).catch(() => undefined);
        await sleep(3000);
        const { covered, duplicates } = tally(sink.deliveries);
        const restarted = cluster.instances.filter((inst, k) => !inst.alive() || inst.process.pid !== pids[k]).length;
        results.push({
          scenario: '2 Redis restart, 2 instances',
          expected: total,
          delivered: covered.size,
          duplicates,
          lost: total - covered.size,
          notes: `${sink.deliveries.length} notifications, ${restarted} instances crashed or restarted`,
        });
        expect(total - covered.size).toBe(0);
        // One outstanding notification per group integration (claimed until its outcome, claims persisted with
        // the AOF) and outcome reports retried across the outage: only a send in flight when Redis went away
        // can be repeated (its BullMQ completion is lost, the stalled job runs again), so at most one per group.
        expect(duplicates).toBeLessThanOrEqual(50);
        expect(restarted).toBe(0);
        for (const inst of cluster.instances) expect((await fetch(`${inst.url}/-/ready`)).status).toBe(200);
      } finally {
        await cluster.stop();
        await Promise.all([sink.close(), redis.stop()]);
        await redis.remove();
      }
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'receiver outages: 500 for 60 s and 429 with Retry-After are retried until delivered, nothing dropped',
    async () => {
      const sink = await startWebhookSink();
      sink.respond('/flaky', [500]);
      sink.respond('/limited', [429, 429, 429, 200], { 'retry-after': '2' });
      const cluster = await startCluster({
        name: 'receivers',
        size: 2,
        files: {
          'klaxon.yml': 'notify:\n  attempts: 10\n  backoff: 1s\n',
          'alertmanager.yml': `
route:
  receiver: flaky
  group_by: [group]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - matchers: ['team="b"']
      receiver: limited
receivers:
  - name: flaky
    webhook_configs: [{ url: '${sink.url}/flaky' }]
  - name: limited
    webhook_configs: [{ url: '${sink.url}/limited' }]
`,
        },
      });
      progress('receivers', 'cluster of 2 ready; /flaky answers 500 for 60 s');
      try {
        await postAlerts(cluster.instances, alertBatch(0, 40, 10, { team: 'a' }));
        await postAlerts(cluster.instances, alertBatch(1000, 40, 10, { team: 'b' }));
        await sleep(60_000);
        sink.respond('/flaky', [200]);
        progress('receivers', '/flaky recovered');
        const total = 80;
        await waitFor(() => (tally(sink.deliveries).covered.size >= total ? true : undefined), {
          timeoutMs: 150_000,
          intervalMs: 500,
          what: 'every alert to be delivered after the outage',
        }).catch(() => undefined);
        await sleep(3000);
        const { covered, duplicates } = tally(sink.deliveries);
        const flakyRequests = sink.requests.get('/flaky') ?? 0;
        results.push({
          scenario: '3 receiver 500 ×60 s / 429',
          expected: total,
          delivered: covered.size,
          duplicates,
          lost: total - covered.size,
          notes: `${sink.deliveries.length} notifications; ${flakyRequests} requests to the failing receiver, ${sink.requests.get('/limited') ?? 0} to the rate-limited one`,
        });
        expect(total - covered.size).toBe(0);
        expect(duplicates).toBe(0);
        // One outstanding notification per group: each of the 10 groups is delivered exactly once.
        expect(sink.deliveries.filter((d) => d.path === '/flaky')).toHaveLength(10);
        // 10 groups, each retried with exponential backoff: bounded, not a request per flush per second.
        expect(flakyRequests).toBeLessThan(10 * 10);
      } finally {
        await cluster.stop();
        await sink.close();
      }
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'datasource down, slow and returning garbage: nothing resolves, KlaxonDatasourceDown fires and clears',
    async () => {
      const sink = await startWebhookSink();
      const datasource = await startFakeDatasource();
      datasource.set('svc_up == 0', [{ labels: { svc: 'db' }, value: 0 }]);
      const cluster = await startCluster({
        name: 'datasource',
        size: 1,
        datasourceUrl: datasource.url,
        files: {
          'klaxon.yml': 'datasource:\n  timeout: 500ms\n',
          'alertmanager.yml': routing(sink.url).replace('group_by: [group]', 'group_by: [alertname]'),
          'rules.yml':
            'groups:\n  - name: svc\n    interval: 1s\n    rules:\n      - alert: SvcDown\n        expr: svc_up == 0\n',
        },
      });
      progress('datasource', 'instance ready');
      const [inst] = cluster.instances;
      const byName = (name: string, status: string) =>
        sink.deliveries.filter((d) =>
          d.body.alerts?.some((a) => (a.labels as Record<string, string>).alertname === name && a.status === status),
        );
      try {
        await waitFor(() => (byName('SvcDown', 'firing').length > 0 ? true : undefined), {
          timeoutMs: 30_000,
          what: 'SvcDown to fire',
        });
        for (const mode of ['down', 'slow', 'garbage'] as const) {
          datasource.mode = mode;
          progress('datasource', `datasource ${mode}`);
          await sleep(5000);
        }
        const downFired = byName('KlaxonDatasourceDown', 'firing').length;
        const active = (await (
          await fetch(`${inst!.url}/api/v2/alerts?filter=alertname="SvcDown"`)
        ).json()) as unknown[];
        datasource.mode = 'ok';
        progress('datasource', 'datasource back');
        await waitFor(() => (byName('KlaxonDatasourceDown', 'resolved').length > 0 ? true : undefined), {
          timeoutMs: 30_000,
          what: 'KlaxonDatasourceDown to resolve',
        }).catch(() => undefined);
        const resolvedSvc = byName('SvcDown', 'resolved').length;
        const downResolved = byName('KlaxonDatasourceDown', 'resolved').length;
        results.push({
          scenario: '4 datasource down/slow/garbage',
          expected: 3,
          delivered: (downFired > 0 ? 1 : 0) + (downResolved > 0 ? 1 : 0) + (active.length === 1 ? 1 : 0),
          duplicates: 0,
          lost: resolvedSvc,
          notes: `SvcDown resolved ${resolvedSvc}×, KlaxonDatasourceDown fired ${downFired}× and resolved ${downResolved}×, process alive: ${inst!.alive()}`,
        });
        expect(resolvedSvc).toBe(0);
        expect(active).toHaveLength(1);
        expect(downFired).toBeGreaterThan(0);
        expect(downResolved).toBeGreaterThan(0);
        expect(inst!.alive()).toBe(true);
      } finally {
        await cluster.stop();
        await Promise.all([sink.close(), datasource.close()]);
      }
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'a stalled process misses evaluation slots: they are counted, never evaluated twice',
    async () => {
      const sink = await startWebhookSink();
      const datasource = await startFakeDatasource();
      const cluster = await startCluster({
        name: 'stall',
        size: 1,
        datasourceUrl: datasource.url,
        files: {
          'alertmanager.yml': routing(sink.url),
          'rules.yml':
            'groups:\n  - name: tick\n    interval: 1s\n    rules:\n      - alert: Never\n        expr: nothing_here\n',
        },
      });
      const [inst] = cluster.instances;
      try {
        await sleep(3000);
        inst!.process.kill('SIGSTOP');
        progress('stall', 'process stopped for 5 s');
        await sleep(5000);
        inst!.process.kill('SIGCONT');
        await sleep(4000);
        const metrics = await (await fetch(`${inst!.url}/metrics`)).text();
        const missed = metrics
          .split('\n')
          .filter((l) => l.startsWith('klaxon_rule_group_iterations_missed_total'))
          .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
        const perSlot = new Map<number, number>();
        for (const q of datasource.log) perSlot.set(q.timeMs, (perSlot.get(q.timeMs) ?? 0) + 1);
        const doubled = [...perSlot.values()].filter((n) => n > 1).length;
        results.push({
          scenario: '5 SIGSTOP 5 s, interval 1 s',
          expected: perSlot.size + missed,
          delivered: perSlot.size,
          duplicates: doubled,
          lost: 0,
          notes: `${missed} missed slots counted, ${doubled} slots evaluated twice`,
        });
        expect(missed).toBeGreaterThanOrEqual(3);
        expect(doubled).toBe(0);
      } finally {
        await cluster.stop();
        await Promise.all([sink.close(), datasource.close()]);
      }
    },
    SCENARIO_TIMEOUT,
  );
});
