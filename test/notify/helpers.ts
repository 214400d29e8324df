import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { NOTIFY_QUEUE } from '../../src/notify/notifier.js';
import type { AlertSnapshot, DeliveryOutcomeHandler, NotificationRequest } from '../../src/notify/types.js';
import { type RedisTestDeps, redisTestDeps } from '../support/redis-deps.js';

export type TestDeps = RedisTestDeps;

/** Real Redis with a key prefix and a BullMQ prefix of its own; cleanup obliterates the queue and drops the keys. */
export async function testDeps(area: string): Promise<TestDeps> {
  return redisTestDeps(area, { queues: [NOTIFY_QUEUE] });
}

export interface Received {
  at: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Sink {
  url: string;
  port: number;
  received: Received[];
  server: Server;
  close(): Promise<void>;
}

/** A local HTTP peer that records every request and answers with `respond` (default 200 `ok`). */
export async function startSink(
  respond: (req: Received, res: ServerResponse) => void = (_r, res) => res.end('ok'),
): Promise<Sink> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(rec);
      respond(rec, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function alert(labels: Labels, extra: Partial<AlertSnapshot> = {}): AlertSnapshot {
  return {
    status: 'firing',
    labels,
    annotations: {},
    startsAt: Date.parse('2026-11-25T10:00:00Z'),
    endsAt: 0,
    updatedAt: Date.parse('2026-11-25T10:00:00Z'),
    generatorURL: '',
    fingerprint: fingerprint(labels),
    ...extra,
  };
}

export function request(
  partial: Partial<NotificationRequest> & Pick<NotificationRequest, 'receiver' | 'integration'>,
): NotificationRequest {
  const alerts = partial.alerts ?? [alert({ alertname: 'HighLatency', cluster: 'eu1' })];
  return {
    groupKey: '{}:{alertname="HighLatency"}',
    integrationIndex: 0,
    groupLabels: { alertname: 'HighLatency' },
    routeLabels: {},
    notificationReason: 'first notification',
    firingHashes: alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint),
    resolvedHashes: alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint),
    flushTs: Date.now(),
    externalURL: 'http://klaxon.example:9093',
    ...partial,
    alerts,
  };
}

export type Outcome = Parameters<DeliveryOutcomeHandler>[1];

/** Collects delivery outcomes and lets a test wait for the n-th one. */
export function outcomeRecorder() {
  const outcomes: { request: NotificationRequest; outcome: Outcome }[] = [];
  const waiters: (() => void)[] = [];
  const handler: DeliveryOutcomeHandler = async (request, outcome) => {
    outcomes.push({ request, outcome });
    for (const w of waiters.splice(0)) w();
  };
  async function waitFor(n: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (outcomes.length < n) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} outcomes (have ${outcomes.length})`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
  return { outcomes, handler, waitFor };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it stops throwing (state written by a worker just after it reported an outcome). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(25);
    }
  }
}
