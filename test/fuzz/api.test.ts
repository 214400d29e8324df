/**
 * API v2 through Fastify inject on a running instance: 10,000 POST /api/v2/alerts bodies, 10,000 POST
 * /api/v2/silences bodies (random JSON, near-valid documents with one field broken, truncated and raw bytes),
 * and 10,000 random query strings on GET /api/v2/alerts and /api/v2/silences. Properties: never a 5xx, every
 * 4xx carries a non-empty message, and a 4xx leaves Redis exactly as it was (every key, type and value).
 * The one documented exception is Alertmanager's partial accept: a 400 for a batch in which some alerts were
 * valid stores those alerts, so it is checked only when no alert in the batch was valid.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeAlert } from '../../src/alerts/ingest.js';
import { decodePostableAlerts } from '../../src/api/alertmanager-v2/alerts.js';
import { type ApiFuzzInstance, errorMessage, expectRedisUnchanged, startApiFuzzInstance } from './api-harness.js';
import { FUZZ_TIMEOUT_MS, failOnProcessErrors, RUNS } from './support.js';

failOnProcessErrors();

let api: ApiFuzzInstance;
beforeAll(async () => {
  api = await startApiFuzzInstance();
});
afterAll(async () => {
  await api?.stop();
});

const tiny = <T>(values: T[]) => fc.constantFrom(...values);
const HOUR = 3_600_000;
const soon = new Date(Date.now() + HOUR).toISOString();
const later = new Date(Date.now() + 2 * HOUR).toISOString();
const time = fc.constantFrom(
  soon,
  later,
  '2020-01-01T00:00:00Z',
  '2030-01-01T00:00:00.123456789+02:00',
  'yesterday',
  '',
  0,
  null,
);
// A small label space keeps the stored alerts (and so the Redis fingerprint) small however many posts succeed.
const labelSet = fc.dictionary(
  tiny(['alertname', 'instance', 'job', '', 'a b', '\ud800']),
  fc.oneof(tiny(['a', 'b', '']), tiny([1, null, true, '\udc00'])),
  {
    maxKeys: 3,
  },
);

function breakJson(text: string): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    { arbitrary: fc.constant(text), weight: 4 },
    fc.nat().map((n) => text.slice(0, n % (text.length + 1))),
    fc.tuple(fc.nat(), fc.constantFrom('{', '}', '[', ']', ',', '"', ':', '\\', '\u0000')).map(([n, c]) => {
      const i = n % (text.length + 1);
      return text.slice(0, i) + c + text.slice(i);
    }),
    fc.uint8Array({ maxLength: 3 }).map((bytes) => Buffer.concat([Buffer.from(text), Buffer.from(bytes)])),
  );
}

const alertObject = fc.record(
  {
    labels: fc.oneof({ arbitrary: labelSet, weight: 5 }, tiny<unknown>([null, 'x', [], {}])),
    annotations: fc.oneof(labelSet, tiny<unknown>([null, 'x', 1])),
    startsAt: time,
    endsAt: time,
    generatorURL: fc.oneof(tiny(['http://prom/graph', '']), fc.integer()),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const alertsBody = fc.oneof(
  { arbitrary: fc.array(alertObject, { maxLength: 3 }).chain((a) => breakJson(JSON.stringify(a))), weight: 6 },
  fc.json({ maxDepth: 2 }),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
);

const silenceMatcher = fc.record(
  {
    name: tiny<unknown>(['alertname', 'job', '', 'a b', 1]),
    value: tiny<unknown>(['x', '.*', '(', '', null]),
    isRegex: tiny<unknown>([true, false, 'yes']),
    isEqual: tiny<unknown>([true, false, 0]),
  },
  { requiredKeys: ['name', 'value', 'isRegex'] },
);
const silenceObject = fc.record(
  {
    id: tiny<unknown>(['', 'not-a-uuid', '6f4a1c1e-0000-4000-8000-000000000000', 7]),
    matchers: fc.oneof(
      { arbitrary: fc.array(silenceMatcher, { maxLength: 2 }), weight: 4 },
      tiny<unknown>([null, {}, 'a=b']),
    ),
    startsAt: time,
    endsAt: time,
    createdBy: tiny<unknown>(['fuzz', '', 1]),
    comment: tiny<unknown>(['fuzzing', '', null]),
  },
  { requiredKeys: ['startsAt', 'endsAt'] },
);
const silenceBody = fc.oneof(
  { arbitrary: silenceObject.chain((s) => breakJson(JSON.stringify(s))), weight: 6 },
  fc.json({ maxDepth: 2 }),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
);
const contentType = tiny([{ 'content-type': 'application/json' }, { 'content-type': 'text/plain' }, {}]);

const QUERY_KEYS = ['filter', 'silenced', 'inhibited', 'active', 'unprocessed', 'receiver', 'pending', 'expired', 'x'];
const QUERY_VALUES = ['true', 'false', '1', 'maybe', '', 'alertname="a"', 'job=~"("', '{a="b"}', 'a', '(', '.*', '%zz'];
const queryString = fc
  .array(fc.tuple(tiny(QUERY_KEYS), fc.oneof(tiny(QUERY_VALUES), fc.string({ maxLength: 6 })), fc.boolean()), {
    maxLength: 4,
  })
  .map((pairs) => pairs.map(([k, v, encode]) => `${k}=${encode ? encodeURIComponent(v) : v}`).join('&'));

/** Runs one request and checks the properties; `mayWrite` says whether a 4xx of this case may change Redis. */
async function check(req: InjectOptions, mayWrite: (status: number) => boolean): Promise<void> {
  const before = await api.snapshot();
  const res = await api.request(req);
  const what = `${req.method} ${req.url} → ${res.statusCode}`;
  expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(errorMessage(res).trim(), `${what} has a message`).not.toBe('');
    if (!mayWrite(res.statusCode)) await expectRedisUnchanged(api, before, what);
    else api.invalidate();
  } else if (req.method !== 'GET') {
    api.invalidate();
  }
}

/** How many alerts of this body Alertmanager's partial accept would store. */
function acceptedAlerts(body: string | Buffer): number {
  const decoded = decodePostableAlerts(body.toString());
  if (!decoded.ok) return 0;
  return decoded.alerts.filter((a) => normalizeAlert(a, Date.now(), 5 * 60_000, 'utf8').ok).length;
}

describe('API v2 fuzzing', () => {
  it(
    'POST /api/v2/alerts: 10,000 bodies',
    async () => {
      await fc.assert(
        fc.asyncProperty(alertsBody, contentType, async (payload, headers) => {
          await check({ method: 'POST', url: '/api/v2/alerts', payload, headers }, () => acceptedAlerts(payload) > 0);
        }),
        RUNS,
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'POST /api/v2/silences: 10,000 bodies',
    async () => {
      await fc.assert(
        fc.asyncProperty(silenceBody, contentType, async (payload, headers) => {
          await check({ method: 'POST', url: '/api/v2/silences', payload, headers }, () => false);
        }),
        RUNS,
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'GET /api/v2/alerts and /api/v2/silences: 10,000 query strings',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          tiny(['/api/v2/alerts', '/api/v2/silences', '/api/v2/alerts/groups']),
          queryString,
          async (path, qs) => {
            await check({ method: 'GET', url: `${path}?${qs}` }, () => false);
          },
        ),
        RUNS,
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
