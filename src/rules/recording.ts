import { fingerprint, type Labels } from '../labels/labels.js';
import type { QueryOutcome, RecordedSample, RecordingRuleState, RuleHealth } from './types.js';

export const DUPLICATE_SERIES_LABELSET = 'vector contains metrics with the same labelset after applying rule labels';

export interface RecordingRuleSpec {
  name: string;
  labels: Labels;
}

export interface RecordingEvalResult {
  state: RecordingRuleState;
  health: RuleHealth;
  error?: string;
}

function failed(prev: RecordingRuleState, ts: number, error: string): RecordingEvalResult {
  return {
    state: {
      ...prev,
      health: 'err',
      lastError: error,
      lastEvaluation: ts,
      consecutiveFailures: prev.consecutiveFailures + 1,
    },
    health: 'err',
    error,
  };
}

/**
 * One evaluation of a recording rule (§2.8; `rules/recording.go`): `__name__` = record, then the static rule
 * labels (group labels overlaid by rule labels; an empty value deletes), duplicate check, then `limit`.
 */
export function evaluateRecordingRule(
  rule: RecordingRuleSpec,
  group: { labels: Labels; limit: number },
  prev: RecordingRuleState,
  outcome: QueryOutcome,
  ts: number,
): RecordingEvalResult {
  if (!outcome.ok) return failed(prev, ts, outcome.error.message);
  const ruleLabels: Labels = { ...group.labels, ...rule.labels };
  const seen = new Set<string>();
  const out: RecordedSample[] = [];
  for (const s of outcome.samples) {
    const labels: Labels = { ...s.labels, __name__: rule.name };
    for (const [k, v] of Object.entries(ruleLabels)) {
      if (v === '') delete labels[k];
      else labels[k] = v;
    }
    const fp = fingerprint(labels);
    if (seen.has(fp)) return failed(prev, ts, DUPLICATE_SERIES_LABELSET);
    seen.add(fp);
    out.push({ labels, value: s.value });
  }
  if (group.limit > 0 && out.length > group.limit) {
    return failed(prev, ts, `exceeded limit of ${group.limit} with ${out.length} series`);
  }
  return {
    state: {
      ...prev,
      lastResult: out,
      health: 'ok',
      lastError: '',
      lastEvaluation: ts,
      consecutiveFailures: 0,
      warnings: outcome.warnings,
    },
    health: 'ok',
  };
}
