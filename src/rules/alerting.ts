import { compareBytes, fingerprint, type Labels } from '../labels/labels.js';
import type {
  ActiveAlert,
  AlertingRuleState,
  AlertState,
  PostableAlert,
  QueryOutcome,
  RuleHealth,
  RuleTemplateData,
  TemplateExpander,
} from './types.js';

/** Resolved alerts are kept (and re-sent) this long; `rules/alerting.go` resolvedRetention. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** The parts of a rule the state machine needs (a subset of RuleConfig). */
export interface AlertingRuleSpec {
  name: string;
  expr: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Labels;
  annotations: Labels;
}

export interface AlertingGroupSpec {
  labels: Labels;
  limit: number;
  intervalMs: number;
}

export interface AlertingEvalOptions {
  resendDelayMs: number;
  externalLabels: Labels;
  externalURL: string;
  expand: TemplateExpander;
  /** §2.6: `keep` (Klaxon default) refreshes firing alerts on query errors; `prometheus` sends nothing. */
  onQueryError: 'keep' | 'prometheus';
}

export interface AlertingEvalResult {
  state: AlertingRuleState;
  alertsToSend: PostableAlert[];
  health: RuleHealth;
  error?: string;
}

export const DUPLICATE_ALERT_LABELSET = 'vector contains metrics with the same labelset after applying alert labels';

/** Go's url.QueryEscape: space → `+`, everything but `[A-Za-z0-9_.~-]` percent-encoded. */
export function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export function generatorURL(externalURL: string, expr: string): string {
  return `${externalURL}/graph?g0.expr=${goQueryEscape(expr)}&g0.tab=1`;
}

/** Group labels overlaid by rule labels (§2.3 `L`). */
export function mergedRuleLabels(group: { labels: Labels }, rule: { labels: Labels }): Labels {
  return { ...group.labels, ...rule.labels };
}

function cloneAlerts(alerts: Record<string, ActiveAlert>): Record<string, ActiveAlert> {
  const out: Record<string, ActiveAlert> = {};
  for (const [fp, a] of Object.entries(alerts)) out[fp] = { ...a };
  return out;
}

/** `needsSending` in `rules/alerting.go`: the `<` is strict, so at interval = resend delay alerts go out every 2 intervals. */
function needsSending(a: ActiveAlert, ts: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAt > a.lastSentAt) return true;
  return a.lastSentAt + resendDelayMs < ts;
}

/** Marks due alerts as sent at `ts` and returns them in the router's shape (§2.10). */
function sendDue(
  rule: AlertingRuleSpec,
  alerts: Iterable<ActiveAlert>,
  ts: number,
  intervalMs: number,
  opts: AlertingEvalOptions,
): PostableAlert[] {
  const out: PostableAlert[] = [];
  for (const a of alerts) {
    if (!needsSending(a, ts, opts.resendDelayMs)) continue;
    a.lastSentAt = ts;
    a.validUntil = ts + 4 * Math.max(intervalMs, opts.resendDelayMs);
    const labels: Labels = { ...a.labels };
    for (const [k, v] of Object.entries(opts.externalLabels)) if (!labels[k]) labels[k] = v;
    out.push({
      labels,
      annotations: { ...a.annotations },
      startsAt: a.firedAt,
      endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
      generatorURL: generatorURL(opts.externalURL, rule.expr),
    });
  }
  return out;
}

const STATE_ORDER: Record<AlertState, number> = { inactive: 0, pending: 1, firing: 2 };

/** Rule state for the API: the highest state over its alerts (§2.4). */
export function alertingRuleStateName(state: AlertingRuleState): AlertState | 'unknown' {
  if (state.lastEvaluation === 0 && Object.keys(state.alerts).length === 0) return 'unknown';
  let best: AlertState = 'inactive';
  for (const a of Object.values(state.alerts)) if (STATE_ORDER[a.state] > STATE_ORDER[best]) best = a.state;
  return best;
}

/** Text without an action expands to itself in Go's text/template; skipping the engine keeps evaluations cheap. */
function expandText(opts: AlertingEvalOptions, ruleName: string, text: string, data: RuleTemplateData, ts: number) {
  return text.includes('{{') ? opts.expand(ruleName, text, data, ts) : text;
}

interface Candidate {
  fp: string;
  alert: ActiveAlert;
}

async function buildCandidates(
  rule: AlertingRuleSpec,
  group: AlertingGroupSpec,
  samples: { labels: Labels; value: number }[],
  ts: number,
  opts: AlertingEvalOptions,
): Promise<Candidate[] | { error: string }> {
  const ruleLabels = mergedRuleLabels(group, rule);
  const labelNames = Object.keys(ruleLabels).sort(compareBytes);
  const annotationNames = Object.keys(rule.annotations);
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const s of samples) {
    const data = {
      labels: s.labels,
      value: s.value,
      externalLabels: opts.externalLabels,
      externalURL: opts.externalURL,
    };
    const labels: Labels = { ...s.labels };
    delete labels.__name__;
    for (const name of labelNames) {
      const v = await expandText(opts, rule.name, ruleLabels[name]!, data, ts);
      // Prometheus' label builder treats an empty value as absent, even over a series label.
      if (v === '') delete labels[name];
      else labels[name] = v;
    }
    labels.alertname = rule.name;
    const annotations: Labels = {};
    for (const name of annotationNames)
      annotations[name] = await expandText(opts, rule.name, rule.annotations[name]!, data, ts);
    const fp = fingerprint(labels);
    if (seen.has(fp)) return { error: DUPLICATE_ALERT_LABELSET };
    seen.add(fp);
    out.push({
      fp,
      alert: {
        state: 'pending',
        labels,
        annotations,
        value: s.value,
        activeAt: ts,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      },
    });
  }
  return out;
}

function failed(prev: AlertingRuleState, ts: number, error: string, alerts = prev.alerts): AlertingRuleState {
  return {
    ...prev,
    alerts,
    health: 'err',
    lastError: error,
    lastEvaluation: ts,
    consecutiveFailures: prev.consecutiveFailures + 1,
  };
}

/**
 * One evaluation of an alerting rule at slot `ts` (SEMANTICS §2.3–2.7, §2.10; Prometheus `rules/alerting.go`).
 * Pure apart from the injected template expander: `prev` is not modified.
 */
export async function evaluateAlertingRule(
  rule: AlertingRuleSpec,
  group: AlertingGroupSpec,
  prev: AlertingRuleState,
  outcome: QueryOutcome,
  ts: number,
  opts: AlertingEvalOptions,
): Promise<AlertingEvalResult> {
  if (!outcome.ok) {
    const alerts = cloneAlerts(prev.alerts);
    const state = failed(prev, ts, outcome.error.message, alerts);
    // §2.6 Klaxon `keep`: firing (and keep-firing) alerts stay fresh in the router while the query fails.
    const firing = Object.values(alerts).filter((a) => a.state === 'firing');
    const alertsToSend = opts.onQueryError === 'keep' ? sendDue(rule, firing, ts, group.intervalMs, opts) : [];
    return { state, alertsToSend, health: 'err', error: outcome.error.message };
  }

  const candidates = await buildCandidates(rule, group, outcome.samples, ts, opts);
  if ('error' in candidates) {
    return { state: failed(prev, ts, candidates.error), alertsToSend: [], health: 'err', error: candidates.error };
  }

  const active = cloneAlerts(prev.alerts);
  const inResult = new Set<string>();
  for (const { fp, alert } of candidates) {
    inResult.add(fp);
    const existing = active[fp];
    if (existing && existing.state !== 'inactive') {
      existing.value = alert.value;
      existing.annotations = alert.annotations;
      continue;
    }
    // A retained resolved alert that comes back is a new pending alert with a new activeAt.
    active[fp] = alert;
  }

  let count = 0;
  for (const [fp, a] of Object.entries(active)) {
    if (!inResult.has(fp)) {
      let keepFiring = false;
      if (a.state === 'firing' && rule.keepFiringForMs > 0) {
        if (a.keepFiringSince === 0) a.keepFiringSince = ts;
        keepFiring = ts - a.keepFiringSince < rule.keepFiringForMs;
      }
      if (a.state === 'pending' || (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) {
        delete active[fp];
      }
      if (a.state !== 'inactive' && !keepFiring) {
        a.state = 'inactive';
        a.resolvedAt = ts;
      }
      if (!keepFiring) continue;
    } else if (a.state !== 'inactive' && rule.keepFiringForMs > 0) {
      a.keepFiringSince = 0;
    }
    count++;
    if (a.state === 'pending' && ts - a.activeAt >= rule.forMs) {
      a.state = 'firing';
      a.firedAt = ts;
    }
    // `for` raised by a reload: a firing alert that has not been active long enough goes back to pending.
    if (a.state === 'firing' && ts - a.activeAt < rule.forMs) {
      a.state = 'pending';
      a.firedAt = 0;
      a.lastSentAt = 0;
      a.keepFiringSince = 0;
    }
  }

  if (group.limit > 0 && count > group.limit) {
    const error = `exceeded limit of ${group.limit} with ${count} alerts`;
    return { state: failed(prev, ts, error, {}), alertsToSend: [], health: 'err', error };
  }

  const alertsToSend = sendDue(rule, Object.values(active), ts, group.intervalMs, opts);
  const state: AlertingRuleState = {
    ...prev,
    alerts: active,
    health: 'ok',
    lastError: '',
    lastEvaluation: ts,
    consecutiveFailures: 0,
    warnings: outcome.warnings,
  };
  return { state, alertsToSend, health: 'ok' };
}
