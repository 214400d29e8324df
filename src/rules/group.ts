import type { RuleConfig, RuleGroupConfig } from '../config/rules/types.js';
import { DatasourceError } from '../datasource/errors.js';
import type { QueryResult } from '../datasource/types.js';
import { fingerprint, type Labels } from '../labels/labels.js';
import { type AlertingEvalOptions, evaluateAlertingRule, mergedRuleLabels } from './alerting.js';
import { evaluateRecordingRule } from './recording.js';
import {
  type AlertingRuleState,
  emptyAlertingState,
  emptyRecordingState,
  type PostableAlert,
  type QueryOutcome,
  type RuleHealth,
  type RuleState,
  type TemplateExpander,
} from './types.js';

export const DATASOURCE_DOWN_ALERT = 'KlaxonDatasourceDown';
export const RULE_FAILING_ALERT = 'KlaxonRuleEvaluationFailing';

/** Everything the ruler persists for a group; rules are keyed by `ruleKeys` so state survives reloads (§2.12). */
export interface GroupState {
  /** Last evaluated slot; the fencing token of the Redis write. 0 = never. */
  ts: number;
  evaluationTimeMs: number;
  lastError: string;
  rules: Record<string, RuleState>;
  /** Built-in meta-alert rules (datasource down, rule failing), evaluated like alerting rules. */
  meta: Record<string, AlertingRuleState>;
}

export function emptyGroupState(): GroupState {
  return { ts: 0, evaluationTimeMs: 0, lastError: '', rules: {}, meta: {} };
}

/**
 * Identity of each rule for carrying state across reloads: kind, name and merged labels, plus the occurrence
 * number among equal identities, so the first old match maps to the first new one (§2.12).
 */
export function ruleKeys(group: Pick<RuleGroupConfig, 'labels' | 'rules'>): string[] {
  const cached = keyCache.get(group);
  if (cached) return cached;
  const seen = new Map<string, number>();
  const keys = group.rules.map((r) => {
    const id = fingerprint({ ...mergedRuleLabels(group, r), '\u0000kind': r.kind, '\u0000name': r.name });
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return `${id}.${n}`;
  });
  keyCache.set(group, keys);
  return keys;
}

/** Group configs are immutable once loaded, so their rule keys are computed once per config object. */
const keyCache = new WeakMap<object, string[]>();

export interface GroupEvalDeps extends Omit<AlertingEvalOptions, 'expand'> {
  query(expr: string, timeMs: number): Promise<QueryResult>;
  expand: TemplateExpander;
  /** Reads elapsed time for evaluation durations only; never influences state. */
  clock: () => number;
  datasourceName: string;
  /** Time a datasource outage lasts before KlaxonDatasourceDown fires; default 2 intervals (the 3rd failed evaluation). */
  datasourceDownAfterMs?: number;
  /** Same for KlaxonRuleEvaluationFailing; default 2 intervals. */
  ruleFailingAfterMs?: number;
}

export interface RuleEvalReport {
  key: string;
  rule: RuleConfig;
  health: RuleHealth;
  error?: string;
  durationMs: number;
  datasourceDown?: string;
}

export interface GroupEvalResult {
  state: GroupState;
  alertsToSend: PostableAlert[];
  reports: RuleEvalReport[];
}

async function runQuery(deps: GroupEvalDeps, group: RuleGroupConfig, expr: string, t: number): Promise<QueryOutcome> {
  try {
    const res = await deps.query(expr, t);
    if (group.partialResponse === 'abort' && res.warnings.length > 0) {
      return { ok: false, error: new Error(`partial response: ${res.warnings.join('; ')}`) };
    }
    return { ok: true, samples: res.samples, warnings: res.warnings };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

const literal: TemplateExpander = async (_rule, text) => text;

async function evaluateMeta(
  name: string,
  spec: { forMs: number; annotations: Labels },
  series: Labels[],
  prev: AlertingRuleState | undefined,
  group: RuleGroupConfig,
  ts: number,
  deps: GroupEvalDeps,
) {
  const rule = { name, expr: '', forMs: spec.forMs, keepFiringForMs: 0, labels: {}, annotations: spec.annotations };
  const outcome: QueryOutcome = { ok: true, samples: series.map((labels) => ({ labels, value: 1 })), warnings: [] };
  const g = { labels: {}, limit: 0, intervalMs: group.intervalMs };
  return evaluateAlertingRule(rule, g, prev ?? emptyAlertingState(), outcome, ts, { ...deps, expand: literal });
}

/**
 * Evaluates every rule of a group at slot `ts`, in file order, sequentially (§2.1), querying at
 * `ts − query_offset` (§2.2), then the built-in meta-alerts. No I/O besides the injected query function.
 */
export async function evaluateGroup(
  group: RuleGroupConfig,
  prev: GroupState,
  ts: number,
  deps: GroupEvalDeps,
): Promise<GroupEvalResult> {
  const started = deps.clock();
  const keys = ruleKeys(group);
  const rules: Record<string, RuleState> = {};
  const alertsToSend: PostableAlert[] = [];
  const reports: RuleEvalReport[] = [];
  for (const [i, rule] of group.rules.entries()) {
    const key = keys[i]!;
    const t0 = deps.clock();
    const outcome = await runQuery(deps, group, rule.expr, ts - group.queryOffsetMs);
    const old = prev.rules[key];
    let state: RuleState;
    let health: RuleHealth;
    let error: string | undefined;
    if (rule.kind === 'alerting') {
      const res = await evaluateAlertingRule(
        rule,
        group,
        old?.kind === 'alerting' ? old : emptyAlertingState(),
        outcome,
        ts,
        deps,
      );
      ({ state, health, error } = res);
      alertsToSend.push(...res.alertsToSend);
    } else {
      const res = evaluateRecordingRule(
        rule,
        group,
        old?.kind === 'recording' ? old : emptyRecordingState(),
        outcome,
        ts,
      );
      ({ state, health, error } = res);
    }
    const durationMs = deps.clock() - t0;
    state.evaluationTimeMs = durationMs;
    rules[key] = state;
    const down = !outcome.ok && outcome.error instanceof DatasourceError && outcome.error.datasourceDown;
    reports.push({
      key,
      rule,
      health,
      error,
      durationMs,
      datasourceDown: down ? (outcome.error as DatasourceError).reason : undefined,
    });
  }

  const downReason = reports.find((r) => r.datasourceDown)?.datasourceDown;
  const meta: Record<string, AlertingRuleState> = {};
  const ds = await evaluateMeta(
    DATASOURCE_DOWN_ALERT,
    {
      forMs: deps.datasourceDownAfterMs ?? 2 * group.intervalMs,
      annotations: {
        summary: `Queries to datasource ${deps.datasourceName} are failing; alerts keep their last state.`,
      },
    },
    downReason ? [{ datasource: deps.datasourceName, reason: downReason }] : [],
    prev.meta[DATASOURCE_DOWN_ALERT],
    group,
    ts,
    deps,
  );
  meta[DATASOURCE_DOWN_ALERT] = ds.state;
  alertsToSend.push(...ds.alertsToSend);

  const failingNames = [...new Set(reports.filter((r) => r.health === 'err').map((r) => r.rule.name))];
  const rf = await evaluateMeta(
    RULE_FAILING_ALERT,
    {
      forMs: deps.ruleFailingAfterMs ?? 2 * group.intervalMs,
      annotations: { summary: `Rule evaluations in group ${group.name} are failing.` },
    },
    failingNames.map((rule) => ({ rule_group: group.name, rule })),
    prev.meta[RULE_FAILING_ALERT],
    group,
    ts,
    deps,
  );
  meta[RULE_FAILING_ALERT] = rf.state;
  alertsToSend.push(...rf.alertsToSend);

  const firstError = reports.find((r) => r.datasourceDown)?.error ?? '';
  return {
    state: { ts, evaluationTimeMs: deps.clock() - started, lastError: firstError, rules, meta },
    alertsToSend,
    reports,
  };
}
