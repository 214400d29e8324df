import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULE_EVAL_QUEUE } from '../../src/rules/scheduler.js';
import type { AlertSender, PostableAlert } from '../../src/rules/sender.js';
import { redisTestDeps } from '../support/redis-deps.js';

export async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void, port = 0) {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function freePort(): Promise<number> {
  const s = await listen(() => undefined);
  await s.close();
  return s.port;
}

/** A scrape target whose gauge values the test sets: `values.set('load{instance="a"}', 2)`. */
export async function metricTarget() {
  const values = new Map<string, number>();
  const srv = await listen((_req, _b, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`${[...values].map(([k, v]) => `${k} ${v}`).join('\n')}\n`);
  });
  return { values, ...srv };
}

/** An Alertmanager stand-in recording what Prometheus POSTs to /api/v2/alerts. */
export async function alertmanagerStandIn() {
  const received: { at: number; alerts: Record<string, unknown>[] }[] = [];
  const srv = await listen((req, body, res) => {
    if (req.method === 'POST' && req.url === '/api/v2/alerts')
      received.push({ at: Date.now(), alerts: JSON.parse(body) });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{}');
  });
  return { received, ...srv };
}

export interface PrometheusOptions {
  targetPort: number;
  rules?: string;
  alertmanagerPort?: number;
  port?: number;
  dir?: string;
}

/** Starts the Debian `prometheus` binary on loopback with a temp dir and waits until it is ready. */
export async function startPrometheus(o: PrometheusOptions) {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'klaxon-prom-'));
  const port = o.port ?? (await freePort());
  const cfg = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: target',
    `    static_configs: [{ targets: ['127.0.0.1:${o.targetPort}'] }]`,
  ];
  if (o.rules) {
    writeFileSync(join(dir, 'rules.yml'), o.rules);
    cfg.push('rule_files: [rules.yml]');
  }
  if (o.alertmanagerPort) {
    cfg.push('alerting:', '  alertmanagers:', '    - api_version: v2');
    cfg.push(`      static_configs: [{ targets: ['127.0.0.1:${o.alertmanagerPort}'] }]`);
  }
  writeFileSync(join(dir, 'prometheus.yml'), `${cfg.join('\n')}\n`);
  const proc: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.external-url=http://prom.example',
      '--web.route-prefix=/',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (c) => {
    stderr += c;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`prometheus did not start: ${stderr}`);
    await sleep(100);
  }
  return {
    url,
    port,
    dir,
    async stop(removeDir = true) {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      if (removeDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value. */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 20_000, stepMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await sleep(stepMs);
  }
}

/** Records every batch with the wall-clock time it was handed over. */
export class CollectingSender implements AlertSender {
  readonly batches: { at: number; alerts: PostableAlert[] }[] = [];
  async send(alerts: PostableAlert[]): Promise<void> {
    this.batches.push({ at: Date.now(), alerts });
  }
  named(name: string): { at: number; alert: PostableAlert }[] {
    return this.batches.flatMap((b) =>
      b.alerts.filter((a) => a.labels.alertname === name).map((alert) => ({ at: b.at, alert })),
    );
  }
}

/** Real Redis under prefixes of its own; every `deps()` is one more ruler (own logger and metrics registry). */
export function testDeps(area: string) {
  const env = redisTestDeps(area, { queues: [RULE_EVAL_QUEUE] });
  return {
    deps: () => env.forAnotherInstance(),
    cleanup: env.cleanup,
    keyPrefix: env.keyPrefix,
    queuePrefix: env.queuePrefix,
  };
}
