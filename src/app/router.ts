import type { FastifyInstance } from 'fastify';
import { Coalescer } from '../alerts/coalesce.js';
import { type NameValidation, normalizeAlert } from '../alerts/ingest.js';
import { ingestMetrics } from '../alerts/metrics.js';
import { AlertStore } from '../alerts/store.js';
import type { Alert, IngestResult, PostableAlert } from '../alerts/types.js';
import type { AlertsBackend } from '../api/alertmanager-v2/alert-view.js';
import { registerAlertsRoutes } from '../api/alertmanager-v2/alerts.js';
import type { AlertmanagerConfig } from '../config/alertmanager/types.js';
import { Dispatcher, type Silencer } from '../dispatch/index.js';
import { InhibitIndex } from '../inhibit/inhibitor.js';
import type { DeliveryOutcomeHandler, Notifier } from '../notify/types.js';
import type { Component, Deps } from './component.js';

export interface RouterOptions {
  config: AlertmanagerConfig;
  notifier: Notifier;
  silencer?: Silencer;
  /** Resolved notices for alerts resolved while silenced; default off, as Alertmanager. */
  sendResolvedWhenSilenced?: boolean;
  /** See DispatcherOptions. */
  enqueueLeaseMs?: number;
  externalURL: string;
  /** Label-name validation on ingest (SEMANTICS §0.2); default `utf8`. */
  labelNames?: NameValidation;
  /** Concurrent group flushes per instance. */
  flushConcurrency?: number;
  /** Whether this instance flushes groups and collects garbage (the `router` role); default true. */
  runWorker?: boolean;
}

export type Router = Component & {
  ingest(alerts: PostableAlert[]): Promise<IngestResult>;
  onOutcome: DeliveryOutcomeHandler;
  reload(config: AlertmanagerConfig): Promise<void>;
};

const GC_INTERVAL_MS = 5 * 60_000;
/**
 * Bounds a coalesced ingest write (one larger request is still written whole): Redis runs each write's scripts
 * without interruption, at ~10 µs per alert, so this keeps other clients' commands waiting at most ~20 ms.
 */
const INGEST_WRITE_MAX_ALERTS = 2000;

/**
 * The notification router (ARCHITECTURE data flow): ingest into the Redis alert store, aggregation groups and
 * flushes (dispatch), and the Alertmanager v2 alerts and alert-groups endpoints.
 */
export function createRouter(deps: Deps, opts: RouterOptions): Router {
  let config = opts.config;
  const names = opts.labelNames ?? 'utf8';
  const store = new AlertStore(deps.redis, deps.keyPrefix);
  const dispatcher = new Dispatcher(deps, {
    config,
    notifier: opts.notifier,
    silencer: opts.silencer,
    sendResolvedWhenSilenced: opts.sendResolvedWhenSilenced ?? false,
    ...(opts.enqueueLeaseMs ? { enqueueLeaseMs: opts.enqueueLeaseMs } : {}),
    externalURL: opts.externalURL,
    alerts: store,
    runWorker: opts.runWorker ?? true,
    ...(opts.flushConcurrency ? { concurrency: opts.flushConcurrency } : {}),
  });
  // One write to Redis at a time per instance: requests arriving meanwhile share the next one (see Coalescer). The
  // slot is released once the write is in Redis, so the flushes it makes due (group_wait 0, old alerts) never hold
  // up the next. The alert merge goes in the group additions' pipeline, ahead of them: one round trip for both,
  // and a flush on any instance never sees a group member without its alert.
  const metrics = ingestMetrics(deps.metrics);
  const writes = new Coalescer<Alert>(
    async (alerts, release) => {
      const now = deps.now();
      const stop = metrics.writeSeconds.startTimer();
      await dispatcher.insert(alerts, now, store.merge(alerts, now), release);
      stop();
      metrics.writeAlerts.observe(alerts.length);
    },
    1,
    INGEST_WRITE_MAX_ALERTS,
  );
  let gcTimer: NodeJS.Timeout | undefined;
  let started = false;

  async function ingest(posted: PostableAlert[]): Promise<IngestResult> {
    const now = deps.now();
    const errors: string[] = [];
    const valid: Alert[] = [];
    let firing = 0;
    for (const p of posted) {
      const r = normalizeAlert(p, now, config.global.resolveTimeoutMs, names);
      if (r.ok) valid.push(r.alert);
      else errors.push(r.error);
      if (r.ok ? r.alert.endsAt > now : r.firing) firing++;
    }
    metrics.received.inc({ status: 'firing' }, firing);
    metrics.received.inc({ status: 'resolved' }, posted.length - firing);
    metrics.invalid.inc(errors.length);
    if (valid.length > 0) await writes.submit(valid);
    return { accepted: valid.length, errors };
  }

  const backend: AlertsBackend = {
    now: deps.now,
    config: () => config,
    silencer: opts.silencer,
    ingest,
    unresolvedAlerts: (now) => store.listUnresolved(now),
    alertsByFingerprint: (fps) => store.get(fps),
    place: (labels) => dispatcher.place(labels),
    groups: () => dispatcher.groups.list(),
    routeById: (id) => dispatcher.routeById(id),
    inhibitor(sources, now) {
      if (config.inhibitRules.length === 0) return () => [];
      const index = new InhibitIndex(
        config.inhibitRules,
        sources.map((a) => ({ labels: a.labels, fingerprint: a.fingerprint, resolved: a.endsAt <= now })),
      );
      return (alert) => index.inhibitedBy(alert);
    },
  };

  return {
    name: 'router',
    routes(app: FastifyInstance) {
      registerAlertsRoutes(app, backend);
    },
    async start() {
      await dispatcher.start();
      if (opts.runWorker ?? true) {
        gcTimer = setInterval(() => {
          store.collectGarbage(deps.now()).catch((err: unknown) => deps.logger.warn({ err }, 'alert GC failed'));
        }, GC_INTERVAL_MS);
        gcTimer.unref();
      }
      started = true;
    },
    async stop() {
      started = false;
      if (gcTimer) clearInterval(gcTimer);
      await dispatcher.stop();
    },
    notReadyReason: () => (started ? null : 'router not started'),
    ingest,
    onOutcome: (request, outcome) => dispatcher.outcomes.handle(request, outcome),
    async reload(next) {
      config = next;
      await dispatcher.reload(next);
    },
  };
}
