import { serve, type TestHttpServer } from './net.js';

export type DatasourceMode = 'ok' | 'down' | 'slow' | 'garbage' | 'error500';

/**
 * A stand-in for Prometheus' instant-query API whose answers the test controls: each expression maps
 * to a vector of series, and the whole server can be switched to failure modes.
 */
export interface FakeDatasource extends TestHttpServer {
  set(expr: string, series: Array<{ labels: Record<string, string>; value: number }>): void;
  mode: DatasourceMode;
  queries: number;
  /** Every query answered, with its evaluation time in ms. */
  log: Array<{ query: string; timeMs: number }>;
}

export async function startFakeDatasource(port = 0): Promise<FakeDatasource> {
  const vectors = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
  const state = { mode: 'ok' as DatasourceMode, queries: 0 };
  const log: FakeDatasource['log'] = [];
  const server = await serve(async (req, body, res) => {
    state.queries++;
    const params = new URLSearchParams(req.method === 'POST' ? body : (req.url ?? '').split('?')[1]);
    if (state.mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, 60_000));
    if (state.mode === 'garbage') {
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"success","data":');
      return;
    }
    if (state.mode === 'error500') {
      res.statusCode = 500;
      res.end('{"status":"error","errorType":"internal","error":"boom"}');
      return;
    }
    const time = Number(params.get('time') ?? Date.now() / 1000);
    log.push({ query: params.get('query') ?? '', timeMs: Math.round(time * 1000) });
    const result = (vectors.get(params.get('query') ?? '') ?? []).map((s) => ({
      metric: s.labels,
      value: [time, String(s.value)],
    }));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  }, port);
  return {
    ...server,
    set(expr, series) {
      vectors.set(expr, series);
    },
    get mode() {
      return state.mode;
    },
    set mode(m: DatasourceMode) {
      state.mode = m;
    },
    get queries() {
      return state.queries;
    },
    log,
  };
}
