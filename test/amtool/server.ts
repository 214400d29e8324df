import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Registry } from 'prom-client';
import { statusRoutes } from '../../src/api/alertmanager-v2/status.js';
import type { Component, Deps } from '../../src/app/component.js';
import { createRouter } from '../../src/app/router.js';
import { buildServer } from '../../src/app/server.js';
import { createSilences } from '../../src/app/silences.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import type { Notifier } from '../../src/notify/types.js';

export interface AmtoolServer {
  url: string;
  close(): Promise<void>;
}

// These tests exercise the HTTP API amtool talks to; deliveries are out of scope, so receivers have no integrations.
const noDeliveries: Notifier = {
  integrationsFor: () => [],
  enqueue: async () => {},
};

/** The Alertmanager-compatible API (silences, alerts, status) on a free loopback port with a private prefix. */
export async function startAmtoolServer(configSource: string): Promise<AmtoolServer> {
  const { config, problems } = parseAlertmanagerConfig('alertmanager.yml', configSource);
  if (!config) throw new Error(`bad test config: ${JSON.stringify(problems)}`);
  const tag = randomBytes(4).toString('hex');
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const bull = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
  const logger = pino({ level: 'silent' });
  const metrics = new Registry();
  const deps: Deps = {
    redis,
    bullConnection: bull,
    keyPrefix: `klaxon-test-amtool-${tag}:`,
    queuePrefix: `{klaxon-test-amtool-${tag}}`,
    logger,
    metrics,
    now: Date.now,
  };
  const silences = createSilences(deps);
  const router = createRouter(deps, {
    config,
    notifier: noDeliveries,
    silencer: silences.silencer,
    externalURL: 'http://127.0.0.1',
  });
  const status: Component = {
    name: 'status',
    // amtool warns on stderr whenever the server's version differs from its own; the recording server was 0.25.0.
    routes: (app) => statusRoutes(app, { getConfig: () => config, startedAt: Date.now(), version: '0.25.0' }),
    start: async () => {},
    stop: async () => {},
  };
  const components = [silences, router, status];
  const app = buildServer({
    logger,
    metrics,
    components,
    apis: components,
    notReadyReasons: () => [],
    reload: async () => null,
    routePrefix: '/',
  });
  for (const c of components) await c.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      for (const c of [...components].reverse()) await c.stop();
      const queue = new Queue('group-flush', { connection: bull, prefix: deps.queuePrefix });
      await queue.obliterate({ force: true });
      await queue.close();
      const keys = await redis.keys(`${deps.keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      bull.disconnect();
    },
  };
}
