import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadQueryError,
  DatasourceServerError,
  DatasourceTimeoutError,
  DatasourceUnreachableError,
  MalformedResponseError,
  PrometheusQueryClient,
} from '../../src/datasource/index.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, _body, res) => res.end();
const received: { headers: IncomingMessage['headers']; body: URLSearchParams; url: string; remotePort?: number }[] = [];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({
        headers: req.headers,
        body: new URLSearchParams(body),
        url: req.url ?? '',
        remotePort: req.socket.remotePort,
      });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = (extra: Partial<ConstructorParameters<typeof PrometheusQueryClient>[0]> = {}) =>
  new PrometheusQueryClient({ url: `${baseUrl}/`, timeoutMs: 500, ...extra });

describe('PrometheusQueryClient request', () => {
  it('POSTs form-encoded query, time in seconds with ms precision, and a timeout', async () => {
    handler = (_q, _b, res) => json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
    await client().query('up == 0', 1_700_000_000_123);
    const last = received.at(-1)!;
    expect(last.url).toBe('/api/v1/query');
    expect(last.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(last.body.get('query')).toBe('up == 0');
    expect(last.body.get('time')).toBe('1700000000.123');
    expect(last.body.get('timeout')).toBe('400ms');
  });

  it('sends basic auth, bearer token and custom headers', async () => {
    handler = (_q, _b, res) => json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
    await client({ basicAuth: { username: 'u', password: 'p' }, headers: { 'X-Scope-OrgID': 'tenant1' } }).query(
      '1',
      0,
    );
    expect(received.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(received.at(-1)!.headers['x-scope-orgid']).toBe('tenant1');
    await client({ bearerToken: 'tok' }).query('1', 0);
    expect(received.at(-1)!.headers.authorization).toBe('Bearer tok');
  });
});

describe('PrometheusQueryClient decoding', () => {
  it('decodes a vector, including NaN and ±Inf', async () => {
    handler = (_q, _b, res) =>
      json(res, 200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { __name__: 'up', job: 'a' }, value: [1, '1'] },
            { metric: { job: 'b' }, value: [1, 'NaN'] },
            { metric: { job: 'c' }, value: [1, '+Inf'] },
            { metric: { job: 'd' }, value: [1, '-Inf'] },
            { metric: { job: 'e' }, value: [1, '1.5e-7'] },
          ],
        },
        warnings: ['partial'],
      });
    const r = await client().query('x', 0);
    expect(r.samples.map((s) => s.value)).toEqual([1, Number.NaN, Infinity, -Infinity, 1.5e-7]);
    expect(r.samples[0]!.labels).toEqual({ __name__: 'up', job: 'a' });
    expect(r.warnings).toEqual(['partial']);
  });

  it('turns a scalar into one sample with an empty label set', async () => {
    handler = (_q, _b, res) => json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [1, '42'] } });
    expect((await client().query('42', 0)).samples).toEqual([{ labels: {}, value: 42 }]);
  });

  it.each(['matrix', 'string'])('rejects a %s result with the upstream message', async (resultType) => {
    handler = (_q, _b, res) => json(res, 200, { status: 'success', data: { resultType, result: [] } });
    const err = await client()
      .query('x', 0)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect((err as Error).message).toBe('rule result is not a vector or scalar');
  });

  it('rejects malformed bodies', async () => {
    handler = (_q, _b, res) => json(res, 200, 'not json');
    await expect(client().query('x', 0)).rejects.toBeInstanceOf(MalformedResponseError);
    handler = (_q, _b, res) => json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{}] } });
    await expect(client().query('x', 0)).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('PrometheusQueryClient errors', () => {
  it('classifies 400 bad_data as BadQueryError with the server message', async () => {
    handler = (_q, _b, res) =>
      json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 3' });
    const err = await client()
      .query('x(', 0)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadQueryError);
    expect((err as BadQueryError).message).toBe('parse error at char 3');
    expect((err as BadQueryError).datasourceDown).toBe(false);
  });

  it('classifies 5xx and 422 execution errors as DatasourceServerError', async () => {
    handler = (_q, _b, res) => json(res, 503, 'upstream down');
    const err = await client()
      .query('x', 0)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasourceServerError);
    expect((err as DatasourceServerError).status).toBe(503);
    handler = (_q, _b, res) => json(res, 422, { status: 'error', errorType: 'execution', error: 'too many samples' });
    await expect(client().query('x', 0)).rejects.toBeInstanceOf(DatasourceServerError);
  });

  it('reports a timeout as DatasourceTimeoutError', async () => {
    handler = () => undefined; // never answers
    const err = await client({ timeoutMs: 150 })
      .query('x', 0)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasourceTimeoutError);
    expect((err as DatasourceTimeoutError).datasourceDown).toBe(true);
  });

  it('keeps one connection alive across queries and resends once when the server dropped it', async () => {
    handler = (_q, _b, res) => json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
    const c = client();
    const before = received.length;
    await c.query('a', 0);
    await c.query('b', 0);
    const ports = received.slice(before).map((r) => r.remotePort);
    expect(ports[0]).toBe(ports[1]);
    // The server closes the kept-alive socket without answering, as when its idle timeout races a request.
    let dropped = false;
    const answered = new Promise<void>((resolve) => {
      handler = (req, _b, res) => {
        if (!dropped) {
          dropped = true;
          req.socket.destroy();
          return;
        }
        json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [0, '7'] } });
        resolve();
      };
    });
    expect((await c.query('c', 0)).samples).toEqual([{ labels: {}, value: 7 }]);
    await answered;
    c.close();
  });

  it('reports a refused connection as DatasourceUnreachableError', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const err = await new PrometheusQueryClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 500 })
      .query('x', 0)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasourceUnreachableError);
    expect((err as DatasourceUnreachableError).reason).toBe('unreachable');
  });
});
