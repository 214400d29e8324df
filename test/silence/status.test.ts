import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { redactConfig, statusRoutes } from '../../src/api/alertmanager-v2/status.js';
import { parseAlertmanagerConfig } from '../../src/config/alertmanager/index.js';

const SCENARIO = '/work/shared/scenarios/cases/26-status-receivers-silences';
const source = readFileSync(`${SCENARIO}/alertmanager.yml`, 'utf8').replaceAll('{{SINK_PORT}}', '18080');
const parsed = parseAlertmanagerConfig('alertmanager.yml', source);
const app = Fastify();
const startedAt = Date.parse('2026-08-22T10:00:00.000Z');

beforeAll(async () => {
  if (!parsed.config) throw new Error(JSON.stringify(parsed.problems));
  const config = parsed.config;
  statusRoutes(app, { getConfig: () => config, startedAt, version: '0.1.0' });
  await app.ready();
});
afterAll(() => app.close());

/** The recorded scenario's comparison mode `shape`: same JSON types and keys, values not compared. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .map(([k, x]) => [k, shape(x)])
        .sort(),
    );
  return typeof v;
}

describe('GET /api/v2/status', () => {
  it('has the recorded shape, with the start time as uptime', async () => {
    const expected = JSON.parse(readFileSync(`${SCENARIO}/expected.json`, 'utf8')).responses[0].body;
    const res = await app.inject({ method: 'GET', url: '/api/v2/status' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(shape(body)).toEqual(shape(expected));
    expect(body.cluster).toEqual({ peers: [], status: 'disabled' });
    expect(body.uptime).toBe('2026-08-22T10:00:00.000Z');
    expect(body.versionInfo.version).toBe('0.1.0');
    expect(parse(body.config.original).receivers.map((r: { name: string }) => r.name)).toEqual([
      'default',
      'team-x',
      'blackhole-unused',
    ]);
  });
});

describe('GET /api/v2/receivers', () => {
  it('lists receivers in config order as {name}', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v2/receivers' });
    expect(res.json()).toEqual([{ name: 'default' }, { name: 'team-x' }, { name: 'blackhole-unused' }]);
  });
  it('filters with receiver_matchers on the name label', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v2/receivers?receiver_matchers=${encodeURIComponent('name=~"team-.*"')}`,
    });
    expect(res.json()).toEqual([{ name: 'team-x' }]);
  });
  it('answers 400 to a bad matcher', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v2/receivers?receiver_matchers=${encodeURIComponent('{x')}`,
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('redactConfig', () => {
  it('replaces secrets, keeps everything else loadable', () => {
    const src = [
      'global:',
      '  slack_api_url: https://hooks.slack.com/services/T/B/X  # comment kept',
      '  smtp_auth_password: hunter2',
      'route:',
      '  receiver: r',
      'receivers:',
      '  - name: r',
      '    slack_configs:',
      '      - api_url: https://hooks.slack.com/services/T/B/Y',
      '        channel: "#ops"',
      '    webhook_configs:',
      '      - url: http://127.0.0.1:9/hook',
      '        http_config:',
      '          basic_auth: {username: u, password: p}',
      '          authorization:',
      '            credentials: tok',
      '    opsgenie_configs:',
      '      - api_key: k',
      '        api_url: https://api.opsgenie.com/',
      '',
    ].join('\n');
    const out = parse(redactConfig(src));
    expect(out.global).toEqual({ slack_api_url: '<secret>', smtp_auth_password: '<secret>' });
    const r = out.receivers[0];
    expect(r.slack_configs[0]).toEqual({ api_url: '<secret>', channel: '#ops' });
    expect(r.webhook_configs[0].url).toBe('http://127.0.0.1:9/hook');
    expect(r.webhook_configs[0].http_config).toEqual({
      basic_auth: { username: 'u', password: '<secret>' },
      authorization: { credentials: '<secret>' },
    });
    expect(r.opsgenie_configs[0]).toEqual({ api_key: '<secret>', api_url: 'https://api.opsgenie.com/' });
    expect(redactConfig(src)).toContain('# comment kept');
  });
});
