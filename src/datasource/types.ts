import type { Labels } from '../labels/labels.js';

export interface DatasourceConfig {
  /** Base URL of a Prometheus-compatible query API, e.g. `http://127.0.0.1:9090` or Mimir's `/prometheus` root. */
  url: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  bearerToken?: string;
  /** Parallel connections; further queries wait for a free one (their timeout runs meanwhile). Default 64. */
  maxSockets?: number;
}

/** One float sample of an instant-query result; `value` may be NaN or ±Infinity. */
export interface Sample {
  labels: Labels;
  value: number;
}

export interface QueryResult {
  samples: Sample[];
  /** Warnings of a partial response (§2.2); not fatal unless the group says `partial_response: abort`. */
  warnings: string[];
}

/** What the rule evaluator needs from a datasource. */
export interface QueryClient {
  /** Instant query at `timeMs` (Unix ms). Rejects with a DatasourceError subclass. */
  query(expr: string, timeMs: number): Promise<QueryResult>;
  /** Identifies the datasource in meta-alert labels. */
  readonly name: string;
}
