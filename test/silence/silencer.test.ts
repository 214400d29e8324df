import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { SilenceIndex } from '../../src/silence/index.js';
import type { Silence, SilenceInput, SilenceMatcher } from '../../src/silence/model.js';
import { Silencer } from '../../src/silence/silencer.js';
import { SilenceStore } from '../../src/silence/store.js';

const T = Date.parse('2026-08-22T10:00:00.000Z');
const H = 3600_000;
const eq = (name: string, value: string, isEqual = true): SilenceMatcher => ({ name, value, isRegex: false, isEqual });
const re = (name: string, value: string, isEqual = true): SilenceMatcher => ({ name, value, isRegex: true, isEqual });
const sil = (id: string, matchers: SilenceMatcher[], over: Partial<Silence> = {}): Silence => ({
  id,
  matchers,
  startsAt: T - H,
  endsAt: T + H,
  updatedAt: T,
  createdBy: 'x',
  comment: 'x',
  ...over,
});

describe('SilenceIndex.mutedBy', () => {
  const index = new SilenceIndex(
    [
      sil('b-by-name', [eq('alertname', 'Disk'), eq('team', 'db')]),
      sil('a-by-name', [eq('alertname', 'Disk')]),
      sil('regex-only', [re('instance', 'i[34]')]),
      sil('negative', [eq('alertname', 'Disk'), eq('env', 'prod', false)]),
      sil('pending', [eq('alertname', 'Disk')], { startsAt: T + H, endsAt: T + 2 * H }),
      sil('expired', [eq('alertname', 'Disk')], { endsAt: T - 1 }),
      sil('missing-label', [eq('alertname', 'Disk'), eq('team', '')]),
      sil('other-name', [eq('job', 'node'), re('alertname', 'Disk|Mem')]),
    ],
    T,
  );

  it('returns the sorted ids of matching active silences only', () => {
    expect(index.mutedBy({ alertname: 'Disk', team: 'db', env: 'dev' }, T)).toEqual([
      'a-by-name',
      'b-by-name',
      'negative',
    ]);
    expect(index.mutedBy({ alertname: 'Disk' }, T)).toEqual(['a-by-name', 'missing-label', 'negative']);
    expect(index.mutedBy({ alertname: 'Disk', env: 'prod' }, T)).toEqual(['a-by-name', 'missing-label']);
    expect(index.mutedBy({ alertname: 'Mem', instance: 'i3', job: 'node' }, T)).toEqual(['other-name', 'regex-only']);
    expect(index.mutedBy({ alertname: 'Cpu' }, T)).toEqual([]);
  });

  it('honours time: pending silences start muting, active ones stop after their end', () => {
    expect(index.mutedBy({ alertname: 'Disk', team: 'x' }, T + H + 1)).toEqual(['pending']);
    expect(index.mutedBy({ alertname: 'Disk', team: 'x' }, T + H)).toEqual(['a-by-name', 'negative', 'pending']);
  });

  it('evaluates silences with identical matchers together but keeps their own time windows', () => {
    const ms = [re('instance', 'i[0-9]')];
    const idx = new SilenceIndex(
      [
        sil('later', ms, { startsAt: T + H, endsAt: T + 2 * H }),
        sil('now', ms),
        sil('gone', ms, { endsAt: T - 1 }),
        sil('now-too', [re('instance', 'i[0-9]')]),
      ],
      T,
    );
    expect(idx.size).toBe(3);
    expect(idx.mutedBy({ instance: 'i1' }, T)).toEqual(['now', 'now-too']);
    expect(idx.mutedBy({ instance: 'i1' }, T + H)).toEqual(['later', 'now', 'now-too']);
    expect(idx.mutedBy({ instance: 'x1' }, T + H)).toEqual([]);
  });

  it('reuses an answer only while none of the matching silences starts or ends', () => {
    const idx = new SilenceIndex(
      [
        sil('ends-first', [eq('alertname', 'Disk')], { endsAt: T + 10 }),
        sil('starts-later', [eq('alertname', 'Disk')], { startsAt: T + 5, endsAt: T + 20 }),
        sil('by-regex', [re('alertname', 'D.*')]),
      ],
      T,
    );
    const labels = { alertname: 'Disk' };
    const first = idx.mutedBy(labels, T);
    expect(first).toEqual(['by-regex', 'ends-first']);
    expect(idx.mutedBy({ alertname: 'Disk' }, T + 4)).toBe(first);
    expect(idx.mutedBy(labels, T + 5)).toEqual(['by-regex', 'ends-first', 'starts-later']);
    expect(idx.mutedBy(labels, T + 10)).toEqual(['by-regex', 'ends-first', 'starts-later']);
    expect(idx.mutedBy(labels, T + 11)).toEqual(['by-regex', 'starts-later']);
    expect(idx.mutedBy(labels, T + 21)).toEqual(['by-regex']);
    // A clock that goes back recomputes too.
    expect(idx.mutedBy(labels, T)).toEqual(['by-regex', 'ends-first']);
    // Keyed by fingerprint instead of the label set: the same answers.
    for (const t of [T, T + 5, T + 11, T + 21, T])
      expect(idx.mutedBy(labels, t, 'fp-disk')).toEqual(idx.mutedBy(labels, t));
    expect(idx.mutedBy({ alertname: 'Mem' }, T, 'fp-mem')).toEqual([]);
    // Label sets that only differ in how names and values split are different keys.
    const tricky = new SilenceIndex([sil('ab', [eq('a', 'b')])], T);
    expect(tricky.mutedBy({ a: 'b' }, T)).toEqual(['ab']);
    expect(tricky.mutedBy({ ab: '' }, T)).toEqual([]);
  });

  it('agrees with a brute-force scan on random silences and alerts', () => {
    const values = ['a', 'b', 'c'];
    const names = ['alertname', 'team', 'env'];
    const pick = <X>(xs: X[], i: number) => xs[i % xs.length]!;
    const silences: Silence[] = [];
    for (let i = 0; i < 300; i++) {
      const ms: SilenceMatcher[] = [];
      for (let j = 0; j <= i % 3; j++) {
        const kind = (i * 7 + j) % 4;
        const name = pick(names, i + j);
        const value = pick(values, i * 3 + j);
        ms.push(kind < 2 ? eq(name, value, kind === 0) : re(name, `${value}|x`, kind === 2));
      }
      silences.push(
        sil(`s${String(i).padStart(3, '0')}`, ms, { startsAt: T - (i % 5) * H, endsAt: T + ((i % 4) - 1) * H }),
      );
    }
    const idx = new SilenceIndex(silences, T);
    const matches = (m: SilenceMatcher, v: string | undefined) => {
      const ok = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(v ?? '') : (v ?? '') === m.value;
      return m.isEqual ? ok : !ok;
    };
    for (let k = 0; k < 200; k++) {
      const labels: Record<string, string> = {};
      names.forEach((n, j) => {
        if ((k + j) % 4 !== 0) labels[n] = pick(values, k * (j + 1));
      });
      const expected = silences
        .filter((s) => T >= s.startsAt && T <= s.endsAt && s.matchers.every((m) => matches(m, labels[m.name])))
        .map((s) => s.id)
        .sort();
      expect(idx.mutedBy(labels, T)).toEqual(expected);
    }
  });
});

describe('Silencer across instances', () => {
  const prefix = `klaxon-test-silencer-${randomBytes(4).toString('hex')}:`;
  const redisA = new Redis({ host: '127.0.0.1', port: 6379 });
  const redisB = new Redis({ host: '127.0.0.1', port: 6379 });
  const logger = pino({ level: 'silent' });
  const storeA = new SilenceStore(redisA, prefix);
  const storeB = new SilenceStore(redisB, prefix);
  // A long poll so only pub/sub can explain a quick refresh.
  const a = new Silencer(storeA, redisA, { now: Date.now, logger, pollMs: 60_000 });
  const b = new Silencer(storeB, redisB, { now: Date.now, logger, pollMs: 60_000 });
  const input = (over: Partial<SilenceInput> = {}): SilenceInput => ({
    matchers: [eq('alertname', 'Disk')],
    startsAt: Date.now(),
    endsAt: Date.now() + H,
    createdBy: 't',
    comment: 'c',
    ...over,
  });

  afterAll(async () => {
    await a.stop();
    await b.stop();
    const keys = await redisA.keys(`${prefix}*`);
    if (keys.length) await redisA.del(...keys);
    redisA.disconnect();
    redisB.disconnect();
  });

  it('another instance sees a new silence and its expiry within a second (pub/sub)', async () => {
    await a.start();
    await b.start();
    expect(a.notReadyReason()).toBeNull();
    const id = await storeA.set(input(), Date.now);
    const waitFor = async (cond: () => boolean) => {
      const deadline = Date.now() + 1000;
      while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      return cond();
    };
    expect(await waitFor(() => b.mutedBy({ alertname: 'Disk' }, Date.now()).includes(id))).toBe(true);
    await storeA.expire(id, Date.now);
    expect(await waitFor(() => b.mutedBy({ alertname: 'Disk' }, Date.now() + 1).length === 0)).toBe(true);
  });

  it('concurrent edits of one silence from two instances never lose a write', async () => {
    const id = await storeA.set(input({ startsAt: Date.now() + H, endsAt: Date.now() + 2 * H }), Date.now);
    const base = await storeA.get(id);
    // Both replace the same pending silence with other matchers: each must expire it and create its own.
    const [x, y] = await Promise.all([
      storeA.set(input({ id, matchers: [eq('alertname', 'X')], startsAt: base!.startsAt }), Date.now),
      storeB.set(input({ id, matchers: [eq('alertname', 'Y')], startsAt: base!.startsAt }), Date.now),
    ]);
    expect(new Set([x, y, id]).size).toBe(3);
    expect((await storeA.get(x))?.matchers).toEqual([eq('alertname', 'X')]);
    expect((await storeA.get(y))?.matchers).toEqual([eq('alertname', 'Y')]);
    const old = await storeA.get(id);
    expect(old!.endsAt).toBeLessThanOrEqual(Date.now());
  });
});
