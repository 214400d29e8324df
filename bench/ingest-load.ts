/**
 * The ingest load of issue 6, shared by bench/router.ts (over HTTP, against Alertmanager) and bench/ingest-cpu.ts
 * (`router.ingest` in-process): requests of 100 alerts, each spanning the ~100 groups, 8 in flight.
 */
import { readFileSync } from 'node:fs';
import type { PostableAlert } from '../src/alerts/types.js';

export const BATCH = 100;
export const GROUPS = 100;
export const CONCURRENCY = 8;

/** The routing configuration: one receiver, grouped by alertname. */
export const ingestConfig = (webhookUrl: string, groupWait: string) => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: ${groupWait}
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: ${webhookUrl}
`;

/** `total` distinct alerts (`run` keeps rounds apart), firing for an hour from now, in requests of BATCH. */
export function alertBatches(total: number, run: string): PostableAlert[][] {
  const now = Date.now();
  const out: PostableAlert[][] = [];
  for (let i = 0; i < total; i += BATCH) {
    const batch: PostableAlert[] = [];
    for (let j = i; j < Math.min(total, i + BATCH); j++) {
      batch.push({
        labels: { alertname: `Bench${j % GROUPS}`, instance: `host-${j}`, run },
        annotations: { summary: 'benchmark alert' },
        startsAt: now,
        endsAt: now + 3600_000,
      });
    }
    out.push(batch);
  }
  return out;
}

/** A process' CPU time (user + system) from /proc, in ms. */
export function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
