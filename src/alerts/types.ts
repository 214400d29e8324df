import type { Labels } from '../labels/labels.js';

/**
 * An alert as a client posts it (Alertmanager API v2 `postableAlert`, or the ruler's internal path).
 * Times are Unix milliseconds; a missing time is defaulted on ingest (SEMANTICS §5.1).
 */
export interface PostableAlert {
  labels: Labels;
  annotations?: Record<string, string>;
  startsAt?: number;
  endsAt?: number;
  generatorURL?: string;
}

/** An alert as the router stores it, after defaults, validation and merging. */
export interface Alert {
  labels: Labels;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  generatorURL: string;
  fingerprint: string;
  /** True when `endsAt` came from `resolve_timeout` because the client sent none (SEMANTICS §5.1 merge rules). */
  timeout: boolean;
}

/** Result of ingesting a batch: valid alerts are stored even when others fail (SEMANTICS §5.1). */
export interface IngestResult {
  accepted: number;
  /** Alertmanager's validation messages, one per rejected alert, in batch order. */
  errors: string[];
}

/** Resolved means `endsAt ≤ now` (SEMANTICS §5.1). */
export function isResolved(alert: Pick<Alert, 'endsAt'>, now: number): boolean {
  return alert.endsAt <= now;
}
