import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupStore, OVERDUE_TICK_MS, REAP_EMPTY_GROUP_MS } from '../../src/dispatch/groups.js';
import { DispatchKeys, groupBucket } from '../../src/dispatch/keys.js';
import { defineDispatchScripts } from '../../src/dispatch/scripts.js';

const PREFIX = `klaxon-test-dispatch-${randomBytes(4).toString('hex')}:`;
const NOW = 1_700_000_000_000;
let redis: Redis;
let groups: GroupStore;
const keys = new DispatchKeys(PREFIX);

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false });
  defineDispatchScripts(redis);
  groups = new GroupStore(redis, keys);
});

afterAll(async () => {
  const found = await redis.keys(`${PREFIX}*`);
  if (found.length > 0) await redis.del(...found);
  await redis.quit();
});

const member = (fingerprint: string, startsAt = NOW, updatedAt = NOW) => ({ fingerprint, updatedAt, startsAt });

describe('group timers in Redis (SEMANTICS §5.4)', () => {
  it('a new group flushes after group_wait; joining alerts never move the timer', async () => {
    expect(await groups.add('g1', '{}:{a="1"}', '0', { a: '1' }, 1000, [member('f1')], NOW)).toBe(NOW + 1000);
    expect(await groups.add('g1', '{}:{a="1"}', '0', { a: '1' }, 1000, [member('f2')], NOW + 500)).toBeNull();
    const listed = (await groups.list()).find((g) => g.id === 'g1');
    expect(listed).toMatchObject({ groupKey: '{}:{a="1"}', routeId: '0', labels: { a: '1' }, next: NOW + 1000 });
    expect([...listed!.members.keys()].sort()).toEqual(['f1', 'f2']);
  });

  it('an old alert creating or joining an unflushed group makes it flush now', async () => {
    expect(await groups.add('g2', 'k2', '0', {}, 1000, [member('f1', NOW - 5000)], NOW)).toBe(NOW);
    expect(await groups.add('g3', 'k3', '0', {}, 1000, [member('f1')], NOW)).toBe(NOW + 1000);
    expect(await groups.add('g3', 'k3', '0', {}, 1000, [member('f2', NOW - 2000)], NOW + 100)).toBe(NOW + 100);
  });

  it('a tick re-arms to group_interval before the flush; stale ticks are refused', async () => {
    await groups.add('g4', 'k4', '0', {}, 1000, [member('f1')], NOW);
    expect(await groups.tick('g4', NOW + 999, NOW + 1000, 2000)).toEqual({ kind: 'stale' });
    const tick = await groups.tick('g4', NOW + 1000, NOW + 1003, 2000);
    expect(tick).toEqual({ kind: 'flush', next: NOW + 3000, members: new Map([['f1', NOW]]) });
    expect(await groups.tick('g4', NOW + 1000, NOW + 1004, 2000)).toEqual({ kind: 'stale' });
    // After the first flush, old alerts no longer shorten the timer.
    expect(await groups.add('g4', 'k4', '0', {}, 1000, [member('f2', NOW - 9000)], NOW + 1500)).toBeNull();
    // Missed ticks (no instance running) are skipped, keeping the phase.
    expect(await groups.tick('g4', NOW + 3000, NOW + 7500, 2000)).toMatchObject({ kind: 'flush', next: NOW + 9000 });
  });

  it('re-arms a tick whose timer job was lost once it is overdue, and claims it when flushing from ingest', async () => {
    expect(await groups.add('g7', 'k7', '0', {}, 1000, [member('f1')], NOW)).toBe(NOW + 1000);
    // Nobody queued (or ran) the tick at NOW + 1000; while it could still be merely late, the timer stands.
    expect(await groups.add('g7', 'k7', '0', {}, 1000, [member('f2')], NOW + 1000 + OVERDUE_TICK_MS)).toBeNull();
    const late = NOW + 1001 + OVERDUE_TICK_MS;
    expect(await groups.add('g7', 'k7', '0', {}, 1000, [member('f3')], late)).toBe(NOW + 1000);
    // An ingest that flushes due groups claims it at once, as group-tick.lua would.
    const [claimed] = await groups.addMany(
      [
        {
          groupId: 'g7',
          groupKey: 'k7',
          routeId: '0',
          labels: {},
          groupWaitMs: 1000,
          groupIntervalMs: 5000,
          members: [member('f4')],
        },
      ],
      late + 1,
      true,
    );
    expect(claimed).toMatchObject({ kind: 'flush', next: NOW + 1000 + 5000 * 7 });
    expect([...(claimed as { members: Map<string, number> }).members.keys()].sort()).toEqual(['f1', 'f2', 'f3', 'f4']);
    // The lost job, should it turn up after all, finds its tick taken.
    expect(await groups.tick('g7', NOW + 1000, late + 2, 5000)).toEqual({ kind: 'stale' });
  });

  it('removes only resolved alerts not updated since the snapshot; empty groups are reaped later', async () => {
    await groups.add('g5', 'k5', '0', {}, 0, [member('f1'), member('f2', NOW, NOW + 1)], NOW);
    await groups.add('g5', 'k5', '0', {}, 0, [member('f2', NOW, NOW + 50)], NOW + 50);
    expect(
      await groups.removeResolved(
        'g5',
        [
          ['f1', NOW],
          ['f2', NOW + 1],
        ],
        NOW + 100,
      ),
    ).toBe(1);
    expect(await groups.removeResolved('g5', [['f2', NOW + 50]], NOW + 200)).toBe(0);
    // Within the reap delay an alert rejoins the old group and keeps its timer.
    expect(await groups.add('g5', 'k5', '0', {}, 0, [member('f3')], NOW + 300)).toBeNull();
    await groups.removeResolved('g5', [['f3', NOW]], NOW + 400);
    const reapAt = NOW + 400 + REAP_EMPTY_GROUP_MS;
    const next = (await groups.list()).find((g) => g.id === 'g5')!.next;
    expect(await groups.tick('g5', next, reapAt, 1000)).toEqual({ kind: 'reaped' });
    expect((await groups.list()).some((g) => g.id === 'g5')).toBe(false);
  });

  it('an alert arriving after the reap delay recreates the group with a fresh group_wait', async () => {
    await groups.add('g6', 'k6', '0', {}, 1000, [member('f1')], NOW);
    await groups.removeResolved('g6', [['f1', NOW]], NOW + 10);
    expect(
      await groups.add(
        'g6',
        'k6',
        '0',
        {},
        1000,
        [member('f2', NOW + 10 + REAP_EMPTY_GROUP_MS)],
        NOW + 10 + REAP_EMPTY_GROUP_MS,
      ),
    ).toBe(NOW + 1010 + REAP_EMPTY_GROUP_MS);
  });

  it('adds a batch over many groups, several per hash-tag bucket, one script call per bucket', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `batch${i}`);
    expect(new Set(ids.map(groupBucket)).size).toBeLessThan(ids.length);
    await groups.add('batch0', 'kb0', '0', {}, 1000, [member('old')], NOW);
    const big = Array.from({ length: 1500 }, (_, i) => member(`fp${i}`));
    const nexts = await groups.addMany(
      ids.map((id, i) => ({
        groupId: id,
        groupKey: `kb${i}`,
        routeId: '0',
        labels: { i: String(i) },
        groupWaitMs: 1000,
        members: i === 1 ? big : i === 2 ? [member('late', NOW - 5000)] : [member(`f${i}`)],
      })),
      NOW + 10,
    );
    // batch0 existed (its timer stands); batch2 got an old alert (flush now); the others are new.
    expect(nexts).toEqual(
      ids.map((_, i) => (i === 0 ? { kind: 'none' } : { kind: 'arm', next: i === 2 ? NOW + 10 : NOW + 1010 })),
    );
    const listed = new Map((await groups.list()).map((g) => [g.id, g]));
    expect([...listed.get('batch0')!.members.keys()].sort()).toEqual(['f0', 'old']);
    expect(listed.get('batch1')!.members.size).toBe(1500);
    expect(listed.get('batch39')).toMatchObject({ groupKey: 'kb39', labels: { i: '39' }, next: NOW + 1010 });
  });

  it('with claimDue, a group due at once has its tick claimed in the add: re-armed, members returned', async () => {
    const add = (groupId: string, groupWaitMs: number, members: ReturnType<typeof member>[], now: number) =>
      groups.addMany(
        [{ groupId, groupKey: groupId, routeId: '0', labels: {}, groupWaitMs, groupIntervalMs: 2000, members }],
        now,
        true,
      );
    expect(await add('due1', 0, [member('f1')], NOW)).toEqual([
      { kind: 'flush', next: NOW + 2000, members: new Map([['f1', NOW]]), claimed: [] },
    ]);
    // The claimed tick is gone: its timer job finds it stale; the group now waits for group_interval.
    expect(await groups.tick('due1', NOW, NOW + 1, 2000)).toEqual({ kind: 'stale' });
    expect(await add('due1', 0, [member('f2', NOW - 9000)], NOW + 5)).toEqual([{ kind: 'none' }]);
    // Not due: armed as usual. An old alert makes an unflushed group due: claimed with every member.
    expect(await add('due2', 1000, [member('f1')], NOW)).toEqual([{ kind: 'arm', next: NOW + 1000 }]);
    expect(await add('due2', 1000, [member('f2', NOW - 5000)], NOW + 10)).toEqual([
      {
        kind: 'flush',
        next: NOW + 2010,
        members: new Map([
          ['f1', NOW],
          ['f2', NOW],
        ]),
        claimed: [],
      },
    ]);
  });

  it('a group due at once also takes its notification claims in the add, and only then', async () => {
    const claimKeys = (groupId: string) => [
      keys.claim(groupId, 'r', 'webhook', 0, groupId),
      keys.claim(groupId, 'r', 'email', 0, groupId),
    ];
    const add = (groupId: string, groupWaitMs: number, now: number) =>
      groups.addMany(
        [
          {
            groupId,
            groupKey: groupId,
            routeId: '0',
            labels: {},
            groupWaitMs,
            groupIntervalMs: 2000,
            claims: { keys: claimKeys(groupId), token: 'flush-1', leaseMs: 15_000 },
            members: [member(`${groupId}-f1`)],
          },
        ],
        now,
        true,
      );
    // The email integration still has a notification out (another flush's claim): only the webhook is taken.
    await redis.set(claimKeys('pre1')[1]!, 'older', 'PX', 60_000);
    const [due] = await add('pre1', 0, NOW);
    expect(due).toMatchObject({ kind: 'flush', claimed: [true, false] });
    expect(await redis.get(claimKeys('pre1')[0]!)).toBe('flush-1');
    expect(await redis.pttl(claimKeys('pre1')[0]!)).toBeGreaterThan(14_000);
    expect(await redis.get(claimKeys('pre1')[1]!)).toBe('older');
    // Not due (group_wait running, or a tick already standing): nothing is claimed.
    expect(await add('pre2', 1000, NOW)).toEqual([{ kind: 'arm', next: NOW + 1000 }]);
    expect(await add('pre1', 0, NOW + 5)).toEqual([{ kind: 'none' }]);
    expect(await redis.exists(...claimKeys('pre2'))).toBe(0);
    // The claim keys share the group's hash tag, so the script touching both works on Redis Cluster.
    const tag = (key: string) => /\{[^}]*\}/.exec(key)?.[0];
    expect(claimKeys('pre1').map(tag)).toEqual([tag(keys.groupMeta('pre1')), tag(keys.groupMeta('pre1'))]);
  });
});

describe('notification claim and flush outcome scripts', () => {
  it('claims once per content; the owner may re-claim; expiry frees it', async () => {
    const key = `${PREFIX}claim:x`;
    expect(await redis.klaxonClaimNotify(key, 'a', 200)).toBe(1);
    expect(await redis.klaxonClaimNotify(key, 'b', 200)).toBe(0);
    expect(await redis.klaxonClaimNotify(key, 'a', 200)).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(await redis.klaxonClaimNotify(key, 'b', 200)).toBe(1);
  });

  it('settles a flush when the last delivery finishes, and only if none failed', async () => {
    const ok = `${PREFIX}flush:ok`;
    await redis.hset(ok, 'pending', 2, 'failed', '0', 'group', 'g', 'resolved', '[["f",1]]');
    expect(await redis.klaxonFlushOutcome(ok, '1')).toEqual([0, '', '']);
    expect(await redis.klaxonFlushOutcome(ok, '1')).toEqual([1, 'g', '[["f",1]]']);
    expect(await redis.exists(ok)).toBe(0);
    const bad = `${PREFIX}flush:bad`;
    await redis.hset(bad, 'pending', 2, 'failed', '0', 'group', 'g', 'resolved', '[]');
    expect(await redis.klaxonFlushOutcome(bad, '0')).toEqual([0, '', '']);
    expect(await redis.klaxonFlushOutcome(bad, '1')).toEqual([0, '', '']);
    expect(await redis.klaxonFlushOutcome(`${PREFIX}flush:none`, '1')).toEqual([-1, '', '']);
  });

  it('counts a report repeated by the same integration once', async () => {
    const rec = `${PREFIX}flush:again`;
    await redis.hset(rec, 'pending', 2, 'failed', '0', 'group', 'g', 'resolved', '[]');
    expect(await redis.klaxonFlushOutcome(rec, '1', 'webhook:0')).toEqual([0, '', '']);
    expect(await redis.klaxonFlushOutcome(rec, '1', 'webhook:0')).toEqual([0, '', '']);
    expect(await redis.hget(rec, 'pending')).toBe('1');
    expect(await redis.klaxonFlushOutcome(rec, '1', 'webhook:1')).toEqual([1, 'g', '[]']);
  });
});
