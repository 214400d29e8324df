import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, snapshotKeys, startHarness } from './helpers.js';

const H = 3600_000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness('silence-api', { maxSilences: 50, maxSilenceSizeBytes: 4096 });
});
afterAll(async () => {
  await h.close();
});

const iso = (ms: number) => new Date(ms).toISOString();
const matcher = (name: string, value: string, isRegex = false, isEqual = true) => ({ name, value, isRegex, isEqual });

function body(over: Record<string, unknown> = {}) {
  return {
    matchers: [matcher('alertname', 'A')],
    startsAt: iso(h.clock.now),
    endsAt: iso(h.clock.now + H),
    createdBy: 'alice',
    comment: 'maintenance',
    ...over,
  };
}

async function post(payload: unknown) {
  return h.app.inject({
    method: 'POST',
    url: '/api/v2/silences',
    headers: { 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

async function create(over: Record<string, unknown> = {}): Promise<string> {
  const res = await post(body(over));
  expect(res.statusCode).toBe(200);
  return res.json().silenceID;
}

async function getOne(id: string) {
  return (await h.app.inject({ method: 'GET', url: `/api/v2/silence/${id}` })).json();
}

describe('POST and GET', () => {
  it('creates a silence and serves Alertmanager shapes with millisecond RFC 3339 times', async () => {
    const start = h.clock.now - 5000;
    const id = await create({ startsAt: iso(start), comment: 'first' });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const s = await getOne(id);
    expect(s).toEqual({
      id,
      status: { state: 'active' },
      updatedAt: iso(h.clock.now),
      comment: 'first',
      createdBy: 'alice',
      endsAt: iso(h.clock.now + H),
      matchers: [{ isEqual: true, isRegex: false, name: 'alertname', value: 'A' }],
      startsAt: iso(h.clock.now),
    });
    expect(Object.keys(s)).toEqual([
      'id',
      'status',
      'updatedAt',
      'comment',
      'createdBy',
      'endsAt',
      'matchers',
      'startsAt',
    ]);
    expect(s.startsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('accepts other offsets and missing isEqual (defaults to true)', async () => {
    const id = await create({
      matchers: [{ name: 'job', value: 'x', isRegex: false }],
      endsAt: new Date(h.clock.now + H).toISOString().replace('Z', '+00:00'),
    });
    expect((await getOne(id)).matchers[0]).toEqual({ isEqual: true, isRegex: false, name: 'job', value: 'x' });
  });

  it('updates a pending silence in place and replaces it when matchers change (scenario 26)', async () => {
    const ms = [matcher('alertname', 'P'), matcher('team', 'x|y', true), matcher('env', 'prod', false, false)];
    const start = iso(h.clock.now + 10_000);
    const s1 = await create({ matchers: ms, startsAt: start, comment: 'first' });
    h.clock.now += 100;
    expect(
      await create({ id: s1, matchers: ms, startsAt: start, endsAt: iso(h.clock.now + 2 * H), comment: 'longer' }),
    ).toBe(s1);
    expect(await getOne(s1)).toMatchObject({
      comment: 'longer',
      status: { state: 'pending' },
      updatedAt: iso(h.clock.now),
    });
    h.clock.now += 100;
    const s1new = await create({ id: s1, matchers: [matcher('alertname', 'Q')], startsAt: start, comment: 'other' });
    expect(s1new).not.toBe(s1);
    // A silence is active up to and including its end, so look one millisecond later.
    h.clock.now += 1;
    expect(await getOne(s1)).toMatchObject({
      status: { state: 'expired' },
      comment: 'longer',
      startsAt: iso(h.clock.now - 1),
      endsAt: iso(h.clock.now - 1),
    });
    expect(await getOne(s1new)).toMatchObject({ status: { state: 'pending' }, startsAt: start });
    const filtered = await h.app.inject({
      method: 'GET',
      url: `/api/v2/silences?filter=${encodeURIComponent('alertname="Q"')}`,
    });
    expect(filtered.json().map((s: { id: string }) => s.id)).toEqual([s1new]);
  });

  it('lists active by end, pending by start, expired by latest end, and filters by state', async () => {
    const list = (await h.app.inject({ method: 'GET', url: '/api/v2/silences' })).json() as Array<{
      status: { state: string };
      startsAt: string;
      endsAt: string;
    }>;
    const states = list.map((s) => s.status.state);
    expect(states).toEqual(
      [...states].sort(
        (a, b) => ['active', 'pending', 'expired'].indexOf(a) - ['active', 'pending', 'expired'].indexOf(b),
      ),
    );
    const active = list.filter((s) => s.status.state === 'active').map((s) => s.endsAt);
    expect(active).toEqual([...active].sort());
    const onlyExpired = (
      await h.app.inject({ method: 'GET', url: '/api/v2/silences?active=false&pending=false' })
    ).json();
    expect(onlyExpired.every((s: { status: { state: string } }) => s.status.state === 'expired')).toBe(true);
    expect(onlyExpired.length).toBeGreaterThan(0);
  });
});

describe('DELETE', () => {
  it('expires an active silence (end = now) and answers 200 again when already expired', async () => {
    const id = await create();
    h.clock.now += 1000;
    const res = await h.app.inject({ method: 'DELETE', url: `/api/v2/silence/${id}` });
    expect([res.statusCode, res.body]).toEqual([200, '']);
    h.clock.now += 1;
    expect(await getOne(id)).toMatchObject({ status: { state: 'expired' }, endsAt: iso(h.clock.now - 1) });
    const before = await snapshotKeys(h.redis, h.prefix);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v2/silence/${id}` })).statusCode).toBe(200);
    expect(await snapshotKeys(h.redis, h.prefix)).toEqual(before);
  });

  it('expires a pending silence with start = end = now', async () => {
    const id = await create({ startsAt: iso(h.clock.now + H), endsAt: iso(h.clock.now + 2 * H) });
    await h.app.inject({ method: 'DELETE', url: `/api/v2/silence/${id}` });
    h.clock.now += 1;
    expect(await getOne(id)).toMatchObject({
      status: { state: 'expired' },
      startsAt: iso(h.clock.now - 1),
      endsAt: iso(h.clock.now - 1),
    });
  });
});

describe('bad input: the right status and body, nothing changed in Redis', () => {
  const cases: Array<[string, () => Promise<{ statusCode: number; body: string }>, number, unknown]> = [
    [
      'malformed JSON',
      () => post('{"matchers": '),
      400,
      { code: 400, message: 'parsing silence body from "" failed, because unexpected EOF' },
    ],
    [
      'a JSON array',
      () => post('[]'),
      400,
      {
        code: 400,
        message:
          'parsing silence body from "" failed, because json: cannot unmarshal array into Go value of type models.PostableSilence',
      },
    ],
    [
      'empty matchers',
      () => post(body({ matchers: [] })),
      422,
      { code: 612, message: 'matchers in body should have at least 1 items' },
    ],
    [
      'missing comment',
      () => post(body({ comment: undefined })),
      422,
      { code: 602, message: 'comment in body is required' },
    ],
    [
      'missing createdBy without authentication',
      () => post(body({ createdBy: undefined })),
      422,
      { code: 602, message: 'createdBy in body is required' },
    ],
    [
      'missing matcher name',
      () => post(body({ matchers: [{ value: 'x', isRegex: false }] })),
      422,
      { code: 602, message: 'matchers.0.name in body is required' },
    ],
    [
      'invalid regexp',
      () => post(body({ matchers: [matcher('alertname', 'foo(', true)] })),
      400,
      'silence invalid: invalid label matcher 0: invalid regular expression "foo(": error parsing regexp: missing closing ): `foo(`',
    ],
    [
      'matches everything',
      () => post(body({ matchers: [matcher('alertname', '.*', true)] })),
      400,
      'silence invalid: at least one matcher must not match the empty string',
    ],
    [
      'endsAt before startsAt',
      () => post(body({ startsAt: iso(h.clock.now + 5000), endsAt: iso(h.clock.now + 1000) })),
      400,
      'Failed to create silence: start time must be before end time',
    ],
    [
      'endsAt in the past',
      () => post(body({ startsAt: iso(h.clock.now - 2 * H), endsAt: iso(h.clock.now - H) })),
      400,
      "Failed to create silence: end time can't be in the past",
    ],
    [
      'bad time',
      () => post(body({ endsAt: 'tomorrow' })),
      400,
      { code: 400, message: 'parsing silence body from "" failed, because parsing time "tomorrow" as RFC 3339 failed' },
    ],
    [
      'unknown id on update',
      () => post(body({ id: '00000000-0000-4000-8000-000000000000' })),
      404,
      'silence not found',
    ],
    [
      'GET unknown id',
      () => h.app.inject({ method: 'GET', url: '/api/v2/silence/00000000-0000-4000-8000-000000000000' }),
      404,
      '',
    ],
    [
      'DELETE unknown id (500 as Alertmanager 0.25)',
      () => h.app.inject({ method: 'DELETE', url: '/api/v2/silence/00000000-0000-4000-8000-000000000000' }),
      500,
      'silence not found',
    ],
    [
      'id not a UUID',
      () => h.app.inject({ method: 'GET', url: '/api/v2/silence/not-a-uuid' }),
      422,
      { code: 601, message: 'silenceID in path must be of type uuid: "not-a-uuid"' },
    ],
    [
      'DELETE id not a UUID',
      () => h.app.inject({ method: 'DELETE', url: '/api/v2/silence/not-a-uuid' }),
      422,
      { code: 601, message: 'silenceID in path must be of type uuid: "not-a-uuid"' },
    ],
    [
      'bad filter',
      () => h.app.inject({ method: 'GET', url: `/api/v2/silences?filter=${encodeURIComponent('{a="b"}')}` }),
      400,
      'unexpected open or close brace: {a="b"}',
    ],
  ];
  for (const [name, send, status, expected] of cases) {
    it(name, async () => {
      await create();
      const before = await snapshotKeys(h.redis, h.prefix);
      const res = await send();
      expect(res.statusCode).toBe(status);
      expect(res.body === '' ? '' : JSON.parse(res.body)).toEqual(expected);
      expect(await snapshotKeys(h.redis, h.prefix)).toEqual(before);
    });
  }

  it('an update that fails validation leaves the old silence active', async () => {
    const id = await create();
    const before = await snapshotKeys(h.redis, h.prefix);
    const res = await post(body({ id, matchers: [matcher('x', '(', true)] }));
    expect(res.statusCode).toBe(400);
    expect(await snapshotKeys(h.redis, h.prefix)).toEqual(before);
    expect((await getOne(id)).status.state).toBe('active');
  });

  it('a silence over the size limit is rejected', async () => {
    const before = await snapshotKeys(h.redis, h.prefix);
    const res = await post(body({ comment: 'x'.repeat(5000) }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatch(/^silence exceeded maximum size: \d+ bytes \(limit: 4096 bytes\)$/);
    expect(await snapshotKeys(h.redis, h.prefix)).toEqual(before);
  });
});

describe('events and metrics', () => {
  it('counts creations, in-place updates and expiries, and exposes silences by state', async () => {
    const value = async (name: string, labels: Record<string, string>) => {
      const m = await h.metrics.getSingleMetric(name)!.get();
      return m.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
    };
    const before = {
      created: await value('klaxon_silence_changes_total', { action: 'created' }),
      updated: await value('klaxon_silence_changes_total', { action: 'updated' }),
      expired: await value('klaxon_silence_changes_total', { action: 'expired' }),
    };
    const start = iso(h.clock.now);
    const id = await create({ startsAt: start, matchers: [matcher('alertname', 'Counted')] });
    await create({ id, startsAt: start, matchers: [matcher('alertname', 'Counted')], comment: 'edit' });
    await h.app.inject({ method: 'DELETE', url: `/api/v2/silence/${id}` });
    expect(await value('klaxon_silence_changes_total', { action: 'created' })).toBe(before.created + 1);
    expect(await value('klaxon_silence_changes_total', { action: 'updated' })).toBe(before.updated + 1);
    expect(await value('klaxon_silence_changes_total', { action: 'expired' })).toBe(before.expired + 1);
    h.clock.now += 1;
    await h.silences.silencer.sync();
    const expired = h.silences.silencer.all().filter((s) => s.endsAt < h.clock.now).length;
    expect(await value('alertmanager_silences', { state: 'expired' })).toBe(expired);
  });
});

describe('limits and retention', () => {
  it('rejects a new silence beyond max silences, counting expired ones', async () => {
    const other = await startHarness('silence-limit', { maxSilences: 2 });
    try {
      const mk = (o: Record<string, unknown> = {}) =>
        other.app.inject({
          method: 'POST',
          url: '/api/v2/silences',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({
            ...body(),
            startsAt: iso(other.clock.now),
            endsAt: iso(other.clock.now + H),
            ...o,
          }),
        });
      const first = (await mk()).json().silenceID;
      await other.app.inject({ method: 'DELETE', url: `/api/v2/silence/${first}` });
      expect((await mk()).statusCode).toBe(200);
      const before = await snapshotKeys(other.redis, other.prefix);
      const res = await mk();
      expect([res.statusCode, res.json()]).toEqual([400, 'exceeded maximum number of silences: 2 (limit: 2)']);
      expect(await snapshotKeys(other.redis, other.prefix)).toEqual(before);
      // An in-place update is not a new silence, so it is allowed at the limit.
      const second = (await other.app.inject({ method: 'GET', url: '/api/v2/silences?expired=false' })).json()[0];
      expect((await mk({ id: second.id, startsAt: second.startsAt, comment: 'edited' })).json()).toEqual({
        silenceID: second.id,
      });
    } finally {
      await other.close();
    }
  });

  it('the sweep deletes silences 120h after they end, not before', async () => {
    const other = await startHarness('silence-sweep');
    try {
      const t0 = other.clock.now;
      const res = await other.app.inject({
        method: 'POST',
        url: '/api/v2/silences',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ ...body(), startsAt: iso(t0), endsAt: iso(t0 + H) }),
      });
      const id = res.json().silenceID;
      expect(await other.silences.store.sweep(t0 + H + 120 * H - 1)).toBe(0);
      expect(await other.silences.store.get(id)).toBeDefined();
      expect(await other.silences.store.sweep(t0 + H + 120 * H)).toBe(1);
      expect(await other.silences.store.get(id)).toBeUndefined();
      expect(await other.redis.zcard(other.silences.store.keys.expiry)).toBe(0);
    } finally {
      await other.close();
    }
  });
});
