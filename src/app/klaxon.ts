import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { PostableAlert } from '../alerts/types.js';
import { statusRoutes } from '../api/alertmanager-v2/status.js';
import { type AuthConfig, authHook, authWarning } from '../api/auth.js';
import { deliveriesRoutes } from '../api/klaxon-v1/deliveries.js';
import { openapiRoutes } from '../api/openapi.js';
import { statusPageRoutes } from '../api/ui.js';
import { ConfigError } from '../config/errors.js';
import type { KlaxonSettings, Role } from '../config/klaxon.js';
import type { DatasourceConfig } from '../datasource/types.js';
import { FLUSH_QUEUE } from '../dispatch/dispatcher.js';
import { createNotifier, NOTIFY_QUEUE } from '../notify/notifier.js';
import { RULE_EVAL_QUEUE } from '../rules/scheduler.js';
import { AlertmanagerSender, type AlertSender } from '../rules/sender.js';
import { connectRedis, type RedisConnections, redactUrl, redisReadyPromise } from '../store/redis.js';
import { parseDuration } from '../time/duration.js';
import type { Component, Deps } from './component.js';
import { type ConfigWatcher, watchConfigFiles } from './config-watch.js';
import { createInfraMetrics } from './infra-metrics.js';
import { type LoadedConfig, loadConfig } from './load-config.js';
import { logReceiverRoutes } from './log-receiver.js';
import { createRouter } from './router.js';
import { createRuler } from './ruler.js';
import { buildServer } from './server.js';
import { createSilences } from './silences.js';

export interface KlaxonOptions {
  settings: KlaxonSettings;
  /** Overrides `settings.roles`. */
  roles?: readonly Role[];
  logger?: Logger;
}

export interface KlaxonInstance {
  /** Base URL the server listens on, including the route prefix. */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Resolves once every component has started (Redis reachable); start-up errors are logged, not thrown. */
  readonly ready: Promise<void>;
  /** Re-reads every configuration file; on error the running configuration stays and the error is returned. */
  reload(): Promise<string | null>;
  stop(): Promise<void>;
}

/**
 * The composition root: validates the configuration, connects to Redis, builds the components of the
 * requested roles, serves HTTP and starts the workers. Configuration errors reject before anything
 * is started, so a bad config never half-runs.
 */
export async function startKlaxon(options: KlaxonOptions): Promise<KlaxonInstance> {
  const { settings } = options;
  const roles = new Set(options.roles ?? settings.roles);
  const logger = options.logger ?? pino({ level: process.env.KLAXON_LOG_LEVEL ?? 'info' });
  let config: LoadedConfig = await loadConfig(settings);
  for (const w of config.warnings) logger.warn({ file: w.file, line: w.line, col: w.col }, w.message);

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const reloadSuccess = new Gauge({
    name: 'klaxon_config_last_reload_successful',
    help: 'Whether the last configuration reload attempt was successful.',
    registers: [metrics],
  });
  const reloadTime = new Gauge({
    name: 'klaxon_config_last_reload_success_timestamp_seconds',
    help: 'Timestamp of the last successful configuration reload.',
    registers: [metrics],
  });
  reloadSuccess.set(1);
  reloadTime.set(Date.now() / 1000);

  const redis: RedisConnections = connectRedis(settings.redisUrl, logger);
  const deps: Deps = {
    redis: redis.commands,
    bullConnection: redis.bull,
    keyPrefix: settings.keyPrefix,
    queuePrefix: `{${settings.keyPrefix.replace(/[:{}]+$/g, '').replace(/[{}]/g, '')}}`,
    logger,
    metrics,
    now: Date.now,
  };

  const silences = createSilences(deps);
  let router: ReturnType<typeof createRouter> | undefined;
  const notifier = createNotifier(deps, {
    receivers: config.alertmanager.receivers,
    templates: config.templates,
    onOutcome: (request, outcome) => router!.onOutcome(request, outcome),
    attempts: settings.notify.attempts,
    backoffMs: parseDuration(settings.notify.backoff),
    concurrency: settings.notify.concurrency,
    runWorker: roles.has('notifier'),
  });
  router = createRouter(deps, {
    config: config.alertmanager,
    notifier,
    silencer: silences.silencer,
    externalURL: settings.externalURL,
    labelNames: settings.validationScheme,
    sendResolvedWhenSilenced: settings.notify.sendResolvedWhenSilenced,
    runWorker: roles.has('router'),
  });
  const routerRef = router;
  const ruler = createRuler(deps, {
    groups: config.ruleGroups,
    datasource: datasourceConfig(settings),
    sender: ruleSender(routerRef, settings.alertmanagers, logger),
    externalLabels: settings.externalLabels,
    externalURL: settings.externalURL,
    resendDelayMs: parseDuration(settings.resendDelay),
    evaluate: roles.has('ruler'),
  });

  // Every instance builds every part: the roles only decide which workers run and whether the API is served,
  // so a ruler-only instance still ingests its alerts and an api-only one still queues group ticks.
  const components: Component[] = [
    createInfraMetrics(deps, [FLUSH_QUEUE, NOTIFY_QUEUE, RULE_EVAL_QUEUE]),
    silences,
    notifier,
    router,
    ruler,
  ];

  let redisReady = redis.commands.status === 'ready';
  redis.commands.on('ready', () => {
    redisReady = true;
  });
  redis.commands.on('end', () => {
    redisReady = false;
  });
  redis.commands.on('error', () => {
    redisReady = false;
  });

  const loadAndApply = async (): Promise<string | null> => {
    try {
      const next = await loadConfig(settings);
      await router!.reload(next.alertmanager);
      notifier.reload(next.alertmanager.receivers, next.templates);
      await ruler.reload(next.ruleGroups);
      config = next;
      reloadSuccess.set(1);
      reloadTime.set(Date.now() / 1000);
      logger.info({ groups: next.ruleGroups.length }, 'configuration reloaded');
      return null;
    } catch (err) {
      reloadSuccess.set(0);
      const message = err instanceof ConfigError ? err.message : String(err);
      logger.error({ err: message }, 'configuration reload failed; keeping the running configuration');
      return message;
    }
  };
  // With watching on, every reload (SIGHUP, `POST /-/reload`) goes through the watcher, so it reloads only when
  // the files differ from what the running configuration was read from.
  let watcher: ConfigWatcher | undefined;
  const reload = () => (watcher ? watcher.reload() : loadAndApply());

  const auth: AuthConfig = {
    tokens: settings.apiTokens,
    basicAuthUsers: settings.basicAuthUsers,
    anonymousScopes: settings.anonymousScopes,
  };
  const startedAt = Date.now();
  const [host, port] = splitHostPort(settings.listenAddress);
  const warning = authWarning(host, auth);
  if (warning) logger.warn(warning);
  const app = buildServer({
    logger,
    metrics,
    authenticate: authHook(auth),
    components,
    apis: roles.has('api')
      ? [
          ...components,
          logReceiverRoutes(logger),
          routesOnly('deliveries', (scoped) => deliveriesRoutes(scoped, notifier)),
          routesOnly('status-page', (scoped) => statusPageRoutes(scoped, Date.now)),
          routesOnly('openapi', (scoped) => openapiRoutes(scoped, { version: KLAXON_VERSION })),
          routesOnly('status', (scoped) =>
            statusRoutes(scoped, { getConfig: () => config.alertmanager, startedAt, version: KLAXON_VERSION }),
          ),
        ]
      : [],
    notReadyReasons: () => [
      ...(redisReady ? [] : [`Redis at ${redactUrl(settings.redisUrl)} is not reachable`]),
      ...(startError ? [`start-up failed: ${startError}`] : started.length < components.length ? ['starting'] : []),
    ],
    reload,
    routePrefix: settings.routePrefix,
  });

  // Serve first so /-/ready can say what is missing; components start once Redis answers.
  try {
    await app.listen({ host, port });
  } catch (err) {
    // Nothing has started yet: release the Redis connections so a failed start leaves nothing behind.
    await Promise.allSettled([app.close(), redis.close()]);
    throw err;
  }
  const started: Component[] = [];
  let startError: string | undefined;
  let stopRequested = false;
  const starting = (async () => {
    await redisReadyPromise(redis.commands, () => stopRequested);
    for (const c of components) {
      if (stopRequested) return;
      await c.start();
      started.push(c);
    }
    logger.info({ components: started.map((c) => c.name) }, 'Klaxon is ready');
  })().catch((err: unknown) => {
    startError = err instanceof Error ? err.message : String(err);
    logger.error({ err: startError }, 'Klaxon failed to start');
  });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const prefix = settings.routePrefix === '/' ? '' : settings.routePrefix.replace(/\/$/, '');
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}${prefix}`;
  logger.info({ url, roles: [...roles] }, 'Klaxon is listening');
  if (settings.watchConfig) {
    watcher = await watchConfigFiles({
      settings,
      templates: () => config.alertmanager.templates,
      reload: loadAndApply,
      logger,
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    app,
    ready: starting,
    reload,
    stop() {
      stopping ??= (async () => {
        stopRequested = true;
        await watcher?.close();
        await app.close();
        await starting;
        for (const c of [...started].reverse()) {
          await c.stop().catch((err: unknown) => logger.error({ err, component: c.name }, 'error while stopping'));
        }
        await redis.close();
      })();
      return stopping;
    },
  };
}

/** The ruler hands alerts to this instance's router, and also to external Alertmanagers when configured. */
function ruleSender(
  router: { ingest(alerts: PostableAlert[]): Promise<unknown> },
  urls: string[],
  logger: Logger,
): AlertSender {
  const external =
    urls.length > 0
      ? new AlertmanagerSender({
          urls,
          onError: (url, err) => logger.warn({ url, err: err.message }, 'sending alerts to Alertmanager failed'),
        })
      : undefined;
  return {
    async send(alerts) {
      await Promise.all([router.ingest(alerts), external?.send(alerts)]);
    },
  };
}

export const KLAXON_VERSION = '0.1.0';

function routesOnly(name: string, routes: (app: FastifyInstance) => void): Component {
  return { name, routes, start: async () => {}, stop: async () => {} };
}

function datasourceConfig(settings: KlaxonSettings): DatasourceConfig {
  const ds = settings.datasource;
  return {
    url: ds.url,
    timeoutMs: parseDuration(ds.timeout),
    headers: ds.headers,
    ...(ds.basicAuth ? { basicAuth: ds.basicAuth } : {}),
    ...(ds.bearerToken ? { bearerToken: ds.bearerToken } : {}),
  };
}

export function splitHostPort(address: string): [string, number] {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`invalid listen address "${address}": expected host:port`);
  return [m[1] === '' ? '0.0.0.0' : m[1]!, Number(m[2])];
}
