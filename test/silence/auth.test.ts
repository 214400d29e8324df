import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthConfig, authHook, authWarning, requiredScope } from '../../src/api/auth.js';
import { type Harness, snapshotKeys, startHarness } from './helpers.js';

const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const cfg: AuthConfig = {
  tokens: [
    { name: 'grafana', token: 'read-token', scopes: ['read'] },
    { name: 'oncall-bot', token: sha('silence-token'), scopes: ['read', 'silences:write'] },
    { name: 'root', token: 'admin-token', scopes: ['admin'] },
  ],
  basicAuthUsers: { alice: sha('wonderland') },
};

let h: Harness;
beforeAll(async () => {
  const hook = authHook(cfg);
  h = await startHarness('silence-auth', { register: (app) => app.addHook('onRequest', hook) });
});
afterAll(async () => {
  await h.close();
});

const silenceBody = (createdBy?: string) =>
  JSON.stringify({
    matchers: [{ name: 'alertname', value: 'A', isRegex: false, isEqual: true }],
    startsAt: new Date(h.clock.now).toISOString(),
    endsAt: new Date(h.clock.now + 3600_000).toISOString(),
    comment: 'c',
    ...(createdBy === undefined ? {} : { createdBy }),
  });

function postSilence(authorization?: string, createdBy?: string) {
  return h.app.inject({
    method: 'POST',
    url: '/api/v2/silences',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    payload: silenceBody(createdBy),
  });
}

describe('requiredScope', () => {
  it('maps method and path to a scope', () => {
    expect(requiredScope('GET', '/-/healthy')).toBeNull();
    expect(requiredScope('HEAD', '/prefix/-/ready')).toBeNull();
    expect(requiredScope('GET', '/api/v2/silences?filter=x')).toBe('read');
    expect(requiredScope('GET', '/metrics')).toBe('read');
    expect(requiredScope('POST', '/api/v2/alerts')).toBe('alerts:write');
    expect(requiredScope('POST', '/api/v1/alerts')).toBe('alerts:write');
    expect(requiredScope('POST', '/api/klaxon/v1/log-receiver')).toBe('alerts:write');
    expect(requiredScope('POST', '/api/klaxon/v1/dead-letters/x/retry')).toBe('admin');
    expect(requiredScope('POST', '/api/v2/silences')).toBe('silences:write');
    expect(requiredScope('DELETE', '/api/v2/silence/0000')).toBe('silences:write');
    expect(requiredScope('POST', '/-/reload')).toBe('admin');
  });
});

describe('authHook on the silence API', () => {
  it('answers 401 without or with wrong credentials, and 403 without the scope; Redis unchanged', async () => {
    const before = await snapshotKeys(h.redis, h.prefix);
    const none = await postSilence();
    expect([none.statusCode, none.headers['www-authenticate'], none.json()]).toEqual([
      401,
      'Basic realm="klaxon"',
      'unauthorized',
    ]);
    expect((await postSilence('Bearer wrong', 'x')).statusCode).toBe(401);
    expect((await postSilence(`Basic ${Buffer.from('alice:wrong').toString('base64')}`, 'x')).statusCode).toBe(401);
    expect((await postSilence(`Basic ${Buffer.from('mallory:wonderland').toString('base64')}`, 'x')).statusCode).toBe(
      401,
    );
    const forbidden = await postSilence('Bearer read-token', 'x');
    expect([forbidden.statusCode, forbidden.json()]).toEqual([403, 'forbidden: grafana lacks scope silences:write']);
    expect((await h.app.inject({ method: 'GET', url: '/api/v2/silences' })).statusCode).toBe(401);
    expect(await snapshotKeys(h.redis, h.prefix)).toEqual(before);
  });

  it('lets a read token list silences', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v2/silences',
      headers: { authorization: 'Bearer read-token' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('records the token name or basic auth user as createdBy when none is given', async () => {
    const byToken = await postSilence('Bearer silence-token');
    expect(byToken.statusCode).toBe(200);
    const byUser = await postSilence(`Basic ${Buffer.from('alice:wonderland').toString('base64')}`, '');
    const explicit = await postSilence('Bearer admin-token', 'carol');
    const who = async (id: string) =>
      (
        await h.app.inject({
          method: 'GET',
          url: `/api/v2/silence/${id}`,
          headers: { authorization: 'Bearer read-token' },
        })
      ).json().createdBy;
    expect(await who(byToken.json().silenceID)).toBe('oncall-bot');
    expect(await who(byUser.json().silenceID)).toBe('alice');
    expect(await who(explicit.json().silenceID)).toBe('carol');
  });
});

describe('without credentials configured', () => {
  it('allows everything, and a missing createdBy is still a 422 (anonymous is not an author)', async () => {
    const hook = authHook({});
    const open = await startHarness('silence-noauth', { register: (app) => app.addHook('onRequest', hook) });
    try {
      const res = await open.app.inject({
        method: 'POST',
        url: '/api/v2/silences',
        headers: { 'content-type': 'application/json' },
        payload: silenceBody(),
      });
      expect([res.statusCode, res.json()]).toEqual([422, { code: 602, message: 'createdBy in body is required' }]);
      const ok = await open.app.inject({
        method: 'POST',
        url: '/api/v2/silences',
        headers: { 'content-type': 'application/json' },
        payload: silenceBody('dave'),
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('config checks and warnings', () => {
  it('rejects bcrypt hashes and malformed sha256 digests with a clear message', () => {
    expect(() => authHook({ basicAuthUsers: { a: '$2y$10$abcdefghijklmnopqrstuv' } })).toThrow(
      /bcrypt hashes are not supported/,
    );
    expect(() => authHook({ tokens: [{ name: 't', token: 'sha256:zz', scopes: ['read'] }] })).toThrow(/64 hex digits/);
  });
  it('warns only when listening beyond loopback without credentials', () => {
    expect(authWarning('127.0.0.1', {})).toBeNull();
    expect(authWarning('localhost', {})).toBeNull();
    expect(authWarning('::1', {})).toBeNull();
    expect(authWarning('0.0.0.0', {})).toMatch(/without authentication/);
    expect(authWarning('', {})).toMatch(/0\.0\.0\.0 without authentication/);
    expect(authWarning('0.0.0.0', cfg)).toBeNull();
  });
});
