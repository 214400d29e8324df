import type { ConfigProblem } from '../errors.js';

/** One rule of a group, as written in the file (labels and annotations unexpanded). */
export interface RuleConfig {
  kind: 'alerting' | 'recording';
  /** The `alert` name for alerting rules, the `record` name for recording rules. */
  name: string;
  expr: string;
  forMs: number;
  keepFiringForMs: number;
  /** The rule's own labels, raw (templates not expanded). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** 1-based position within its group. */
  index: number;
}

export interface RuleGroupConfig {
  /** The file path, or `<path>#<namespace>/<name>` for a group from a PrometheusRule manifest. */
  file: string;
  name: string;
  /** With the default interval applied. */
  intervalMs: number;
  queryOffsetMs: number;
  limit: number;
  labels: Record<string, string>;
  rules: RuleConfig[];
  partialResponse?: 'abort' | 'warn';
  /** Canonical serialisation of the group, for comparing old and new groups on reload. */
  source: string;
}

export interface RuleLoadOptions {
  validationScheme: 'utf8' | 'legacy';
  /** Prometheus' global evaluation_interval; 60000 by default. */
  defaultIntervalMs: number;
  defaultQueryOffsetMs: number;
  /** Syntax-checks one label or annotation template; returns an error message or null. */
  checkTemplate?: (ruleName: string, text: string) => string | null;
}

export interface RuleLoadResult {
  groups: RuleGroupConfig[];
  /** Errors and warnings, all of them. A file with any error contributes no groups. */
  problems: ConfigProblem[];
}

export const DEFAULT_RULE_LOAD_OPTIONS: RuleLoadOptions = {
  validationScheme: 'utf8',
  defaultIntervalMs: 60_000,
  defaultQueryOffsetMs: 0,
};
