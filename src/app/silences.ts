import type { FastifyInstance } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import { silenceRoutes } from '../api/alertmanager-v2/silences.js';
import { silenceState } from '../silence/model.js';
import { Silencer } from '../silence/silencer.js';
import { type SilenceEvent, type SilenceLimits, SilenceStore } from '../silence/store.js';
import type { Component, Deps } from './component.js';

export interface SilencesOptions extends SilenceLimits {
  /** Fallback poll of the silence version (pub/sub is the fast path). */
  pollMs?: number;
  /** How often expired silences past retention are deleted; upstream runs its GC every 15m. */
  sweepIntervalMs?: number;
}

export type SilencesComponent = Component & { silencer: Silencer; store: SilenceStore };

/** The silences component: Redis store, per-instance cache (`silencer.mutedBy`) and the v2 silence API. */
export function createSilences(deps: Deps, opts: SilencesOptions = {}): SilencesComponent {
  const logger = deps.logger.child({ component: 'silences' });
  const changes =
    (deps.metrics.getSingleMetric('klaxon_silence_changes_total') as Counter<'action'> | undefined) ??
    new Counter({
      name: 'klaxon_silence_changes_total',
      help: 'Silences created, updated in place and expired through this instance.',
      labelNames: ['action'],
      registers: [deps.metrics],
    });
  const onChange = ({ action, silence }: SilenceEvent) => {
    changes.inc({ action });
    logger.info(
      { id: silence.id, createdBy: silence.createdBy, matchers: silence.matchers, endsAt: silence.endsAt },
      `silence ${action}`,
    );
  };
  const store = new SilenceStore(deps.redis, deps.keyPrefix, opts, onChange);
  const silencer = new Silencer(store, deps.redis, {
    now: deps.now,
    logger: deps.logger,
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
  });
  let sweepTimer: NodeJS.Timeout | undefined;

  const sweep = () =>
    store
      .sweep(deps.now())
      .then((n) => {
        if (n > 0) logger.debug({ deleted: n }, 'deleted silences past retention');
      })
      .catch((err: Error) => logger.warn({ err: err.message }, 'silence retention sweep failed'));

  if (!deps.metrics.getSingleMetric('alertmanager_silences')) {
    new Gauge({
      name: 'alertmanager_silences',
      help: 'How many silences by state.',
      labelNames: ['state'],
      registers: [deps.metrics],
      collect() {
        const counts = { active: 0, pending: 0, expired: 0 };
        const now = deps.now();
        for (const s of silencer.all()) counts[silenceState(s, now)]++;
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
  }

  return {
    name: 'silences',
    silencer,
    store,
    routes(app: FastifyInstance) {
      silenceRoutes(app, { store, silencer, now: deps.now });
    },
    async start() {
      await silencer.start();
      await sweep();
      sweepTimer = setInterval(sweep, opts.sweepIntervalMs ?? 15 * 60_000);
      sweepTimer.unref();
    },
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = undefined;
      await silencer.stop();
    },
    notReadyReason: () => silencer.notReadyReason(),
  };
}
