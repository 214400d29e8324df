import type { FastifyInstance } from 'fastify';
import type { RuleGroupConfig } from '../config/rules/types.js';
import { PrometheusQueryClient } from '../datasource/client.js';
import type { DatasourceConfig } from '../datasource/types.js';
import { RulerMetrics } from '../rules/metrics.js';
import { registerRulerRoutes } from '../rules/routes.js';
import { RuleScheduler } from '../rules/scheduler.js';
import type { AlertSender } from '../rules/sender.js';
import type { TemplateExpander } from '../rules/types.js';
import { expandRuleTemplate } from '../template/index.js';
import type { Component, Deps } from './component.js';

export interface RulerOptions {
  groups: RuleGroupConfig[];
  datasource: DatasourceConfig;
  sender: AlertSender;
  externalLabels: Record<string, string>;
  externalURL: string;
  /** `--rules.alert.resend-delay`; 1m by default. */
  resendDelayMs?: number;
  /** How long queries must fail before KlaxonDatasourceDown fires; default 2 intervals (the 3rd failed evaluation). */
  datasourceDownAfterMs?: number;
  /** §2.6: `keep` (default) keeps firing alerts fresh in the router while queries fail; `prometheus` is upstream. */
  onQueryError?: 'keep' | 'prometheus';
  /** Parallel group evaluations on this instance; 32 by default. */
  concurrency?: number;
  /** Redis state older than this is not restored (Prometheus' `outage_tolerance`); 1h by default. */
  outageToleranceMs?: number;
  /**
   * Whether this instance schedules and evaluates rule groups (the `ruler` role); default true. Without it
   * the ruler only serves `/api/v1/rules` and `/api/v1/alerts` from the state the evaluating instances keep.
   */
  evaluate?: boolean;
}

export type Ruler = Component & { reload(groups: RuleGroupConfig[]): Promise<void> };

/**
 * The ruler role: evaluates rule groups on BullMQ job schedulers against the datasource, keeps alert state in
 * Redis, hands alerts to the sender, and serves Prometheus' `/api/v1/rules` and `/api/v1/alerts`.
 */
export function createRuler(deps: Deps, opts: RulerOptions): Ruler {
  const concurrency = opts.concurrency ?? 32;
  // Each group evaluation has at most one query in flight, so one socket per parallel evaluation suffices.
  const datasource = new PrometheusQueryClient({ maxSockets: concurrency, ...opts.datasource });
  // The template `query` function runs at the slot time itself, not ts − query_offset (§2.2).
  const query = async (q: string, evalTimeMs: number) => (await datasource.query(q, evalTimeMs)).samples;
  const expand: TemplateExpander = (ruleName, text, data, ts) =>
    expandRuleTemplate(ruleName, text, data, { evalTimeMs: ts, query });
  const scheduler = new RuleScheduler({
    redis: deps.redis,
    bullConnection: deps.bullConnection,
    keyPrefix: deps.keyPrefix,
    queuePrefix: deps.queuePrefix,
    logger: deps.logger.child({ component: 'ruler' }),
    metrics: new RulerMetrics(deps.metrics),
    now: deps.now,
    datasource,
    queryTimeoutMs: opts.datasource.timeoutMs,
    sender: opts.sender,
    expand,
    externalLabels: opts.externalLabels,
    externalURL: opts.externalURL,
    resendDelayMs: opts.resendDelayMs ?? 60_000,
    onQueryError: opts.onQueryError ?? 'keep',
    datasourceDownAfterMs: opts.datasourceDownAfterMs,
    concurrency,
    outageToleranceMs: opts.outageToleranceMs ?? 3_600_000,
  });
  const evaluating = opts.evaluate ?? true;
  let groups = opts.groups;
  let started = false;

  return {
    name: 'ruler',
    routes(app: FastifyInstance) {
      registerRulerRoutes(app, {
        groups: () => groups,
        states: (list) => scheduler.states(list),
      });
    },
    async start() {
      if (evaluating) await scheduler.start(groups);
      started = true;
    },
    async stop() {
      started = false;
      if (evaluating) await scheduler.stop();
      datasource.close();
    },
    notReadyReason() {
      return started ? null : 'ruler not started';
    },
    async reload(next: RuleGroupConfig[]) {
      if (evaluating && started) await scheduler.reload(next);
      groups = next;
    },
  };
}
