import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/app/server.js';

function server(overrides: Partial<Parameters<typeof buildServer>[0]> = {}) {
  const metrics = new Registry();
  new Counter({ name: 'klaxon_test_total', help: 'test', registers: [metrics] }).inc(3);
  return buildServer({
    logger: pino({ level: 'silent' }),
    metrics,
    components: [],
    apis: [],
    notReadyReasons: () => [],
    reload: async () => null,
    routePrefix: '/',
    ...overrides,
  });
}

describe('base HTTP server', () => {
  it('answers health and readiness like Alertmanager', async () => {
    const app = server();
    expect((await app.inject('/-/healthy')).body).toBe('OK');
    expect((await app.inject({ method: 'HEAD', url: '/-/ready' })).statusCode).toBe(200);
    expect((await app.inject('/-/ready')).body).toBe('OK');
  });

  it('says why it is not ready', async () => {
    const app = server({
      notReadyReasons: () => ['Redis at redis://x is not reachable'],
      components: [
        { name: 'ruler', start: async () => {}, stop: async () => {}, notReadyReason: () => 'datasource unreachable' },
      ],
    });
    const res = await app.inject('/-/ready');
    expect(res.statusCode).toBe(503);
    expect(res.body).toBe('Not ready: Redis at redis://x is not reachable; datasource unreachable');
  });

  it('serves metrics in the Prometheus text format', async () => {
    const res = await server().inject('/metrics');
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('klaxon_test_total 3');
  });

  it('reports a failed reload as Alertmanager does', async () => {
    const res = await server({ reload: async () => 'rules/x.yml:3:7: bad' }).inject({
      method: 'POST',
      url: '/-/reload',
    });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('failed to reload config: rules/x.yml:3:7: bad');
    expect((await server().inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(200);
  });

  it('mounts every route under the route prefix', async () => {
    const app = server({ routePrefix: '/klaxon/' });
    expect((await app.inject('/klaxon/-/healthy')).statusCode).toBe(200);
    expect((await app.inject('/-/healthy')).statusCode).toBe(404);
  });
});
