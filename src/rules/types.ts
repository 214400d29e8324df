import type { PostableAlert as IngestableAlert } from '../alerts/types.js';
import type { Labels } from '../labels/labels.js';

/** §2.3 alert states; `inactive` is a resolved alert kept for re-sending. */
export type AlertState = 'pending' | 'firing' | 'inactive';
export type RuleHealth = 'unknown' | 'ok' | 'err';

/** One alert of an alerting rule. Times are Unix ms; 0 means unset (Go's zero time). */
export interface ActiveAlert {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

interface RuleStatusFields {
  health: RuleHealth;
  lastError: string;
  /** Slot time of the last evaluation, 0 if never evaluated. */
  lastEvaluation: number;
  evaluationTimeMs: number;
  /** Failed evaluations in a row, for KlaxonRuleEvaluationFailing. */
  consecutiveFailures: number;
  /** Warnings of the last (partial) query response. */
  warnings: string[];
}

export interface AlertingRuleState extends RuleStatusFields {
  kind: 'alerting';
  /** fingerprint(labels) → alert, in insertion order. */
  alerts: Record<string, ActiveAlert>;
}

export interface RecordedSample {
  labels: Labels;
  value: number;
}

export interface RecordingRuleState extends RuleStatusFields {
  kind: 'recording';
  /** Output of the last successful evaluation; kept for the API until remote write exists (§2.8). */
  lastResult: RecordedSample[];
}

export type RuleState = AlertingRuleState | RecordingRuleState;

/** What the ruler sends to the router (and to external Alertmanagers): a postable alert that always has annotations. */
export type PostableAlert = IngestableAlert & { annotations: Labels };

/** Data every label and annotation template sees (§2.5). */
export interface RuleTemplateData {
  labels: Labels;
  value: number;
  externalLabels: Labels;
  externalURL: string;
}

/** Expands one label/annotation template at slot `ts`; never rejects (errors become `<error expanding template: …>`). */
export type TemplateExpander = (ruleName: string, text: string, data: RuleTemplateData, ts: number) => Promise<string>;

/** Outcome of a rule's query: the decoded samples, or the error that stopped it. */
export type QueryOutcome =
  | { ok: true; samples: { labels: Labels; value: number }[]; warnings: string[] }
  | { ok: false; error: Error };

export function emptyAlertingState(): AlertingRuleState {
  return {
    kind: 'alerting',
    alerts: {},
    health: 'unknown',
    lastError: '',
    lastEvaluation: 0,
    evaluationTimeMs: 0,
    consecutiveFailures: 0,
    warnings: [],
  };
}

export function emptyRecordingState(): RecordingRuleState {
  return {
    kind: 'recording',
    lastResult: [],
    health: 'unknown',
    lastError: '',
    lastEvaluation: 0,
    evaluationTimeMs: 0,
    consecutiveFailures: 0,
    warnings: [],
  };
}
