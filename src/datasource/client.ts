import { decodeQueryResponse } from './decode.js';
import { DatasourceTimeoutError, DatasourceUnreachableError } from './errors.js';
import type { DatasourceConfig, QueryClient, QueryResult } from './types.js';

function authHeaders(cfg: DatasourceConfig): Record<string, string> {
  const headers: Record<string, string> = { ...(cfg.headers ?? {}) };
  if (cfg.basicAuth) {
    const token = Buffer.from(`${cfg.basicAuth.username}:${cfg.basicAuth.password}`).toString('base64');
    headers.Authorization = `Basic ${token}`;
  } else if (cfg.bearerToken) {
    headers.Authorization = `Bearer ${cfg.bearerToken}`;
  }
  return headers;
}

/** `time` in Unix seconds with millisecond precision, as Prometheus' own clients send it. */
export function formatQueryTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** Instant-query client for any Prometheus-compatible HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics). */
export class PrometheusQueryClient implements QueryClient {
  readonly name: string;
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly cfg: DatasourceConfig) {
    this.name = cfg.url;
    this.endpoint = `${cfg.url.replace(/\/+$/, '')}/api/v1/query`;
    this.headers = {
      ...authHeaders(cfg),
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
  }

  async query(expr: string, timeMs: number): Promise<QueryResult> {
    const body = new URLSearchParams({ query: expr, time: formatQueryTime(timeMs) });
    // The server-side timeout is slightly shorter so the server, not the socket, reports a slow query.
    body.set('timeout', `${Math.max(1, this.cfg.timeoutMs - 100)}ms`);
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: this.headers,
        body,
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      if (isTimeout(err)) throw new DatasourceTimeoutError(`query timed out after ${this.cfg.timeoutMs}ms`);
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new DatasourceUnreachableError(`${err instanceof Error ? err.message : String(err)}${cause}`);
    }
    return decodeQueryResponse(res.status, text);
  }
}
