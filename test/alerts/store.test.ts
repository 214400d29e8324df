import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore, RESOLVED_RETENTION_MS } from '../../src/alerts/store.js';
import type { Alert } from '../../src/alerts/types.js';
import { applyIncoming } from '../support/alert-merge-reference.js';

const PREFIX = `klaxon-test-alerts-${randomBytes(4).toString('hex')}:`;
const NOW = 1_700_000_000_000;
let redis: Redis;
let store: AlertStore;

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379 });
  store = new AlertStore(redis, PREFIX);
});

afterAll(async () => {
  const found = await redis.keys(`${PREFIX}*`);
  if (found.length > 0) await redis.del(...found);
  await redis.quit();
});

function alert(fingerprint: string, over: Partial<Alert> = {}): Alert {
  return {
    labels: { alertname: fingerprint },
    annotations: {},
    startsAt: NOW,
    endsAt: NOW + 60_000,
    updatedAt: NOW,
    generatorURL: '',
    fingerprint,
    timeout: false,
    ...over,
  };
}

describe('AlertStore on Redis', () => {
  it('merges a batch in order with the stored copies and reads them back', async () => {
    await store.put([alert('a', { startsAt: NOW - 1000 })], NOW);
    const stored = await store.put(
      [
        alert('a', { startsAt: NOW, endsAt: NOW + 120_000, updatedAt: NOW + 1 }),
        alert('b'),
        alert('b', { annotations: { x: '1' }, updatedAt: NOW + 2 }),
      ],
      NOW + 1,
    );
    // Overlapping re-posts keep the earliest startsAt (SEMANTICS §5.1); later copies in one batch build on earlier.
    expect(stored.map((a) => [a.fingerprint, a.startsAt, a.endsAt])).toEqual([
      ['a', NOW - 1000, NOW + 120_000],
      ['b', NOW, NOW + 60_000],
      ['b', NOW, NOW + 60_000],
    ]);
    const read = await store.get(['a', 'b', 'missing']);
    expect([...read.keys()]).toEqual(['a', 'b']);
    expect(read.get('b')!.annotations).toEqual({ x: '1' });
    expect((await store.listUnresolved(NOW + 70_000)).map((a) => a.fingerprint)).toEqual(['a']);
    expect((await store.listAll()).map((a) => a.fingerprint).sort()).toEqual(['a', 'b']);
  });

  it('collects alerts resolved longer than the retention ago, in steps, and nothing else', async () => {
    const old = Array.from({ length: 2500 }, (_, i) => alert(`old${i}`, { endsAt: NOW - 1000 }));
    await store.put([...old, alert('recent', { endsAt: NOW - 1000 + RESOLVED_RETENTION_MS })], NOW);
    // As earlier versions wrote them (another key order), and the index by endsAt they kept beside.
    const legacy = (fp: string, endsAt: number) => JSON.stringify(alert(fp, { endsAt }));
    await redis.hset(`${PREFIX}{alerts}:json`, 'legacy-old', legacy('legacy-old', NOW - 1000));
    await redis.hset(`${PREFIX}{alerts}:json`, 'legacy-recent', legacy('legacy-recent', NOW));
    await redis.zadd(`${PREFIX}{alerts}`, NOW, 'legacy-recent');
    expect(await store.collectGarbage(NOW + RESOLVED_RETENTION_MS)).toBe(2501);
    expect((await store.get(['old0', 'old2499', 'recent', 'a', 'legacy-old', 'legacy-recent'])).size).toBe(3);
    expect(await redis.exists(`${PREFIX}{alerts}`)).toBe(0);
  });

  it("re-reads the unresolved alerts only after some instance's write or garbage collection", async () => {
    const other = new AlertStore(redis, PREFIX);
    const fps = async (s: AlertStore, now: number) => (await s.listUnresolved(now)).map((a) => a.fingerprint).sort();
    const later = NOW + 3 * RESOLVED_RETENTION_MS;
    await store.put([alert('c1', { startsAt: later, endsAt: later + 60_000 })], later);
    expect(await fps(store, later)).toEqual(['c1']);
    // Cached, yet a later `now` still drops what resolved meanwhile.
    expect(await fps(store, later + 60_000)).toEqual([]);
    await other.put([alert('c2', { startsAt: later, endsAt: later + 120_000 })], later);
    expect(await fps(store, later)).toEqual(['c1', 'c2']);
    // An earlier `now` than the cached read is never answered from it.
    expect(await fps(store, later - 1)).toEqual(['c1', 'c2']);
    await redis.hset(`${PREFIX}{alerts}:json`, 'c1', JSON.stringify(alert('c1', { endsAt: later + 1 })));
    expect(await fps(store, later), 'no write through the store: still cached').toEqual(['c1', 'c2']);
    await other.put([alert('old', { endsAt: NOW - 1000 })], later);
    expect(await fps(store, later)).toEqual(['c1', 'c2']);
    await redis.hset(`${PREFIX}{alerts}:json`, 'c2', JSON.stringify(alert('c2', { endsAt: later + 1 })));
    expect(await other.collectGarbage(later)).toBeGreaterThan(0);
    expect(await fps(store, later + 2)).toEqual([]);
  });

  it('merges in Redis exactly as the reference rule, over random posting histories', async () => {
    // A small xorshift generator: the same histories on every run.
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pick = () => NOW + (rand(41) - 20) * 1000;
    for (let round = 0; round < 40; round++) {
      const fps = [`r${round}a`, `r${round}b`, `r${round}c`];
      const expected = new Map<string, Alert>();
      for (let batch = 0; batch < 6; batch++) {
        const now = NOW + rand(5) * 1000;
        const posted = Array.from({ length: 1 + rand(4) }, (_, i) => {
          const startsAt = pick();
          return alert(fps[rand(3)]!, {
            startsAt,
            endsAt: Math.max(startsAt, pick()),
            updatedAt: now - rand(3) * 1000,
            timeout: rand(2) === 0,
            annotations: { batch: String(batch), i: String(i) },
          });
        });
        const want = posted.map((p) => {
          const next = applyIncoming(expected.get(p.fingerprint), p, now);
          expected.set(p.fingerprint, next);
          return next;
        });
        expect(await store.put(posted, now), `round ${round} batch ${batch}`).toEqual(want);
      }
      expect(Object.fromEntries(await store.get(fps))).toEqual(Object.fromEntries(expected));
    }
  });

  it('finds the tail when a label of the same name ends close to it', async () => {
    // Short enough for the whole JSON to lie in the script's tail window: the label's `,"fingerprint":"` comes first.
    const labels = { a: '1', fingerprint: 'x' };
    const first = alert('f', { labels, startsAt: NOW - 100, endsAt: NOW + 60_000 });
    const repost = alert('f', { labels, startsAt: NOW, endsAt: NOW + 120_000, updatedAt: NOW + 1 });
    await store.put([first], NOW);
    const [stored] = await store.put([repost], NOW + 1);
    expect(stored).toEqual(applyIncoming(first, repost, NOW + 1));
    expect((await store.get(['f'])).get('f')).toEqual(stored);
  });

  it('merges with alerts stored by an earlier Klaxon (other JSON key order)', async () => {
    const legacy = {
      labels: { alertname: 'legacy', path: '/a"b' },
      annotations: {},
      startsAt: NOW - 5000,
      endsAt: NOW + 60_000,
      updatedAt: NOW - 10,
      generatorURL: 'http://prom/graph',
      fingerprint: 'legacy',
      timeout: false,
    };
    await redis.hset(`${PREFIX}{alerts}:json`, 'legacy', JSON.stringify(legacy));
    const repost = alert('legacy', { labels: legacy.labels, startsAt: NOW, endsAt: NOW + 30_000, updatedAt: NOW });
    const [stored] = await store.put([repost], NOW);
    // The later explicit endsAt and the earlier startsAt survive; the rest is the re-post's.
    expect(stored).toEqual({ ...repost, startsAt: NOW - 5000, endsAt: NOW + 60_000 });
    expect((await store.get(['legacy'])).get('legacy')).toEqual(stored);
    // Older than the stored copy: the stored body stays the base.
    const late = alert('legacy', {
      labels: legacy.labels,
      annotations: { v: 'late' },
      generatorURL: 'http://late',
      updatedAt: NOW - 20,
    });
    expect((await store.put([late], NOW))[0]).toEqual(stored);
  });
});
