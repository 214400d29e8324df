import { createHash } from 'node:crypto';
import type { RuleGroupConfig } from '../config/rules/types.js';
import { type Labels, sortedNames } from '../labels/labels.js';
import { type Matcher, matchesAll } from '../labels/matcher.js';
import { alertingRuleStateName, mergedRuleLabels } from './alerting.js';
import type { GroupState } from './group.js';
import { ruleKeys } from './group.js';
import type { ActiveAlert, RuleState } from './types.js';

/** Go FormatFloat(v, 'e', -1, 64): shortest digits, always exponent form, 2-digit exponent (§3.2 last bullet). */
export function formatApiValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  const digits = exp.replace(/^[+-]/, '');
  return `${mant}e${sign}${digits.padStart(2, '0')}`;
}

/** RFC 3339 with up to nine fractional digits, trailing zeros dropped; unset is Go's zero time (§0.5). */
export function formatApiTime(ms: number): string {
  if (!ms) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

export function groupNextToken(file: string, name: string): string {
  return createHash('sha256').update(`${file};${name}`).digest('hex');
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RulesQuery {
  type?: 'alert' | 'record';
  ruleNames: string[];
  ruleGroups: string[];
  files: string[];
  excludeAlerts: boolean;
  matchers: Matcher[][];
  groupLimit?: number;
  groupNextToken?: string;
}

interface ApiRuleCommon {
  name: string;
  query: string;
  labels: Labels;
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface ApiAlertingRule extends ApiRuleCommon {
  state: string;
  duration: number;
  keepFiringFor: number;
  annotations: Labels;
  alerts: ApiAlert[] | null;
  type: 'alerting';
}

export interface ApiRecordingRule extends ApiRuleCommon {
  type: 'recording';
}

export interface ApiRuleGroup {
  name: string;
  file: string;
  rules: (ApiAlertingRule | ApiRecordingRule)[];
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface ApiAlert {
  labels: Labels;
  annotations: Labels;
  state: string;
  activeAt: string;
  keepFiringSince?: string;
  value: string;
}

/** Prometheus marshals label sets sorted by name. */
function sortedLabels(l: Labels): Labels {
  const out: Labels = {};
  for (const k of sortedNames(l)) out[k] = l[k]!;
  return out;
}

function apiAlert(a: ActiveAlert): ApiAlert {
  return {
    labels: sortedLabels(a.labels),
    annotations: sortedLabels(a.annotations),
    state: a.state,
    activeAt: formatApiTime(a.activeAt),
    ...(a.keepFiringSince ? { keepFiringSince: formatApiTime(a.keepFiringSince) } : {}),
    value: formatApiValue(a.value),
  };
}

/** Unresolved alerts only, as Prometheus' `ActiveAlerts()`. */
function activeAlerts(state: RuleState | undefined): ActiveAlert[] {
  if (state?.kind !== 'alerting') return [];
  return Object.values(state.alerts).filter((a) => a.resolvedAt === 0);
}

function sortedGroups(groups: RuleGroupConfig[]): RuleGroupConfig[] {
  return [...groups].sort((a, b) => (a.file === b.file ? (a.name < b.name ? -1 : 1) : a.file < b.file ? -1 : 1));
}

/** `/api/v1/alerts` data: every unresolved alert of every alerting rule. */
export function buildAlertsResponse(
  groups: RuleGroupConfig[],
  states: Map<string, GroupState>,
  idOf: (g: RuleGroupConfig) => string,
) {
  const alerts: ApiAlert[] = [];
  for (const g of sortedGroups(groups)) {
    const st = states.get(idOf(g));
    for (const key of ruleKeys(g)) alerts.push(...activeAlerts(st?.rules[key]).map(apiAlert));
  }
  return { alerts };
}

/** `/api/v1/rules` data with Prometheus' filters and pagination (§7.3). */
export function buildRulesResponse(
  groups: RuleGroupConfig[],
  states: Map<string, GroupState>,
  idOf: (g: RuleGroupConfig) => string,
  q: RulesQuery,
) {
  const limit = q.groupLimit ?? 0;
  if (q.groupNextToken && limit <= 0) {
    throw new ApiError(400, 'bad_data', 'group_limit needs to be present in order to paginate over the groups');
  }
  const out: ApiRuleGroup[] = [];
  let nextToken: string | undefined;
  let foundToken = false;
  for (const g of sortedGroups(groups)) {
    if (limit > 0 && q.groupNextToken && !foundToken) {
      if (q.groupNextToken !== groupNextToken(g.file, g.name)) continue;
      foundToken = true;
    }
    if (q.ruleGroups.length && !q.ruleGroups.includes(g.name)) continue;
    if (q.files.length && !q.files.includes(g.file)) continue;
    const st = states.get(idOf(g));
    const keys = ruleKeys(g);
    const rules: ApiRuleGroup['rules'] = [];
    for (const [i, r] of g.rules.entries()) {
      if (q.ruleNames.length && !q.ruleNames.includes(r.name)) continue;
      const labels = mergedRuleLabels(g, r);
      if (q.matchers.length && !q.matchers.some((ms) => matchesAll(ms, labels))) continue;
      const rs = st?.rules[keys[i]!];
      const common = {
        health: rs?.health ?? 'unknown',
        ...(rs?.lastError ? { lastError: rs.lastError } : {}),
        evaluationTime: (rs?.evaluationTimeMs ?? 0) / 1000,
        lastEvaluation: formatApiTime(rs?.lastEvaluation ?? 0),
      };
      if (r.kind === 'alerting') {
        if (q.type === 'record') continue;
        rules.push({
          state: rs?.kind === 'alerting' ? alertingRuleStateName(rs) : 'unknown',
          name: r.name,
          query: r.expr,
          duration: r.forMs / 1000,
          keepFiringFor: r.keepFiringForMs / 1000,
          labels: sortedLabels(labels),
          annotations: sortedLabels(r.annotations),
          alerts: q.excludeAlerts ? null : activeAlerts(rs).map(apiAlert),
          ...common,
          type: 'alerting' as const,
        });
      } else {
        if (q.type === 'alert') continue;
        rules.push({
          name: r.name,
          query: r.expr,
          labels: sortedLabels(labels),
          ...common,
          type: 'recording' as const,
        });
      }
    }
    if (rules.length === 0) continue;
    if (limit > 0 && out.length === limit) {
      nextToken = groupNextToken(g.file, g.name);
      break;
    }
    out.push({
      name: g.name,
      file: g.file,
      rules,
      interval: g.intervalMs / 1000,
      limit: g.limit,
      evaluationTime: (st?.evaluationTimeMs ?? 0) / 1000,
      lastEvaluation: formatApiTime(st?.ts ?? 0),
    });
  }
  if (limit > 0 && q.groupNextToken && !foundToken) {
    throw new ApiError(400, 'bad_data', `invalid group_next_token '${q.groupNextToken}'. were rule groups changed?`);
  }
  return nextToken ? { groups: out, groupNextToken: nextToken } : { groups: out };
}
