/**
 * Notifier throughput and latency: N webhook notifications through the BullMQ `notify` queue to a local sink.
 * Prints deliveries per second and enqueue→sink latency percentiles, with concurrency 16 (the default).
 *
 *   npx tsx bench/notify.ts [count=5000]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { fingerprint } from '../src/labels/labels.js';
import { createNotifier, NOTIFY_QUEUE } from '../src/notify/notifier.js';
import type { NotificationRequest } from '../src/notify/types.js';
import { NotificationTemplates } from '../src/template/index.js';
import { redisTestDeps } from '../test/support/redis-deps.js';

const count = Number(process.argv[2] ?? 5000);
const deps = redisTestDeps('bench-notify', { queues: [NOTIFY_QUEUE], logger: pino({ level: 'warn' }) });

const sentAt = new Map<string, number>();
const latencies: number[] = [];
let done: () => void;
const finished = new Promise<void>((r) => (done = r));
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const key = JSON.parse(body).groupKey as string;
    latencies.push(performance.now() - sentAt.get(key)!);
    res.end();
    if (latencies.length === count) done();
  });
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;

let outcomes = 0;
const notifier = createNotifier(deps, {
  receivers: [{ name: 'bench', webhookConfigs: [{ sendResolved: true, url }] }],
  templates: NotificationTemplates.load([]),
  onOutcome: async () => {
    outcomes++;
  },
});
await notifier.start();

const labels = (i: number) => ({ alertname: 'Bench', instance: `host-${i}`, job: 'node' });
function notification(i: number): NotificationRequest {
  const groupKey = `{}:{instance="host-${i}"}`;
  return {
    groupKey,
    receiver: 'bench',
    integration: 'webhook',
    integrationIndex: 0,
    groupLabels: { instance: `host-${i}` },
    routeLabels: {},
    alerts: [
      {
        status: 'firing',
        labels: labels(i),
        annotations: { summary: 'bench' },
        startsAt: Date.now(),
        endsAt: 0,
        updatedAt: Date.now(),
        generatorURL: '',
        fingerprint: fingerprint(labels(i)),
      },
    ],
    notificationReason: 'first notification',
    firingHashes: [],
    resolvedHashes: [],
    flushTs: Date.now(),
    externalURL: 'http://klaxon',
  };
}

// Enqueued in batches of 100 concurrent adds, as a dispatcher flushing many groups at once would.
const started = performance.now();
for (let i = 0; i < count; i += 100) {
  const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => notification(i + j));
  for (const r of batch) sentAt.set(r.groupKey, performance.now());
  await Promise.all(batch.map((r) => notifier.enqueue(r)));
}
await finished;
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
console.log(
  `notifications: ${count} in ${elapsed.toFixed(2)} s = ${(count / elapsed).toFixed(0)}/s (outcomes so far ${outcomes})`,
);
console.log(`enqueue→sink latency ms: p50 ${pct(50)}  p90 ${pct(90)}  p99 ${pct(99)}  max ${pct(100)}`);

const log = await notifier.deliveries('bench', 1000);
const sendMs = log.reduce((a, d) => a + d.latencyMs, 0) / log.length;
console.log(`mean send time (HTTP POST) ms: ${sendMs.toFixed(1)} over the last ${log.length} deliveries`);
await notifier.stop();
sink.close();
await deps.cleanup();
