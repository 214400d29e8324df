import { statusRoutes } from '../../src/api/alertmanager-v2/status.js';
import type { Component } from '../../src/app/component.js';
import { createRouter } from '../../src/app/router.js';
import { buildServer } from '../../src/app/server.js';
import { createSilences } from '../../src/app/silences.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';
import { FLUSH_QUEUE } from '../../src/dispatch/dispatcher.js';
import type { Notifier } from '../../src/notify/types.js';
import { redisTestDeps } from '../support/redis-deps.js';

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
  const deps = redisTestDeps('amtool', { queues: [FLUSH_QUEUE] });
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
    logger: deps.logger,
    metrics: deps.metrics,
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
      await deps.cleanup();
    },
  };
}
