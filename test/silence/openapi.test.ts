import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusRoutes } from '../../src/api/alertmanager-v2/status.js';
import { openapiRoutes } from '../../src/api/openapi.js';
import type { AlertmanagerConfig } from '../../src/config/alertmanager/types.js';
import { type Harness, startHarness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('silence-openapi', {
    register: (app) => {
      openapiRoutes(app, { version: '9.9.9' });
      const config = { receivers: [], original: 'route: {receiver: x}\nreceivers: [{name: x}]\n' };
      statusRoutes(app, { getConfig: () => config as unknown as AlertmanagerConfig, startedAt: 0, version: '9.9.9' });
    },
  });
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/v2/openapi.json', () => {
  it('describes every silence, status and receivers route this area serves', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v2/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
    const served = [
      ['GET', '/silences'],
      ['POST', '/silences'],
      ['GET', '/silence/{silenceID}'],
      ['DELETE', '/silence/{silenceID}'],
      ['GET', '/status'],
      ['GET', '/receivers'],
    ];
    for (const [method, path] of served) {
      expect(doc.paths[path!]?.[method!.toLowerCase()], `${method} ${path}`).toBeDefined();
      const url = `/api/v2${path!.replace('{silenceID}', ':silenceID')}`;
      expect(h.app.hasRoute({ method: method as 'GET', url }), `${method} ${url}`).toBe(true);
    }
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const r of new Set(refs)) expect(doc.components.schemas[r.split('/').pop()!], r).toBeDefined();
  });
});
