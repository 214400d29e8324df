import type { ChainableCommander, Redis } from 'ioredis';
import type { Labels } from '../labels/labels.js';
import { type DispatchKeys, shortHash } from './keys.js';
import './scripts.js';
import { execOrThrow } from '../alerts/store.js';

/** Upstream reaps empty aggregation groups every 30s; a group empty this long is recreated on the next alert. */
export const REAP_EMPTY_GROUP_MS = 30_000;
/**
 * A group whose tick is this late when alerts are added to it gets it armed again (group-add.lua): its timer job
 * was lost, and otherwise only an instance start (`resumeTimers`) would find it.
 */
export const OVERDUE_TICK_MS = 30_000;

/** One aggregation group as stored in Redis (SEMANTICS §5.3). */
export interface GroupInfo {
  id: string;
  groupKey: string;
  routeId: string;
  labels: Labels;
  /** Next flush time (ms); exposed by the API for SEMANTICS §9 row 13. */
  next: number;
  /** fingerprint → updatedAt of the alert version the group last saw. */
  members: Map<string, number>;
}

export interface GroupMember {
  fingerprint: string;
  updatedAt: number;
  startsAt: number;
}

export interface GroupAddition {
  groupId: string;
  groupKey: string;
  routeId: string;
  labels: Labels;
  groupWaitMs: number;
  /** With `claimDue`: the group_interval that re-arms a tick claimed at once. */
  groupIntervalMs?: number;
  /** With `claimDue`: the notification claims to try when the group is due at once (see group-add.lua). */
  claims?: NotificationClaims;
  members: GroupMember[];
}

/** Claim keys (in the group's hash tag), the owner token they are taken with, and their lease. */
export interface NotificationClaims {
  keys: string[];
  token: string;
  leaseMs: number;
}

/** What adding alerts to a group asks of its caller. */
export type AddResult =
  | { kind: 'none' }
  | { kind: 'arm'; next: number }
  /**
   * The group was due: its tick is claimed (timer re-armed to `next`), flush these members now. `claimed` tells,
   * per key of the addition's `claims`, whether the claim was taken.
   */
  | { kind: 'flush'; next: number; members: Map<string, number>; claimed: boolean[] };

export type TickResult =
  | { kind: 'stale' }
  | { kind: 'reaped' }
  | { kind: 'flush'; next: number; members: Map<string, number> };

// The dispatcher hands the same group-labels object for every batch of a group (cached placements).
const labelsJsonCache = new WeakMap<Labels, string>();

function labelsJson(labels: Labels): string {
  let json = labelsJsonCache.get(labels);
  if (json === undefined) {
    json = JSON.stringify(labels);
    labelsJsonCache.set(labels, json);
  }
  return json;
}

function addResult(reply: (number | string)[]): AddResult {
  const code = Number(reply[0]);
  if (code === 0) return { kind: 'none' };
  const next = Number(reply[1]);
  if (code === 1) return { kind: 'arm', next };
  const claimCount = Number(reply[2]);
  const claimed: boolean[] = [];
  for (let i = 0; i < claimCount; i++) claimed.push(Number(reply[3 + i]) === 1);
  const members = new Map<string, number>();
  for (let i = 3 + claimCount; i + 1 < reply.length; i += 2) members.set(String(reply[i]), Number(reply[i + 1]));
  return { kind: 'flush', next, members, claimed };
}

/** Aggregation-group state in Redis: meta hash + members hash per group, an index set of all groups. */
export class GroupStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DispatchKeys,
  ) {}

  static groupId(routeId: string, groupKey: string): string {
    return shortHash(routeId, groupKey);
  }

  /**
   * Add alerts to a group (created when absent). Returns the flush time a job must be scheduled for,
   * or null when the group's existing timer stands.
   */
  async add(
    groupId: string,
    groupKey: string,
    routeId: string,
    labels: Labels,
    groupWaitMs: number,
    members: GroupMember[],
    now: number,
  ): Promise<number | null> {
    const [result] = await this.addMany([{ groupId, groupKey, routeId, labels, groupWaitMs, members }], now);
    return result?.kind === 'arm' ? result.next : null;
  }

  /**
   * `add` for the groups touched by one ingest batch: one script call per hash-tag bucket, all in one pipeline
   * (one write and one round trip). With `claimDue`, a group due at once has its tick (and its notification
   * claims) claimed in the same call. `before` queues commands (the alerts' write) ahead of the additions in the
   * same pipeline, and their errors throw; `after` queues commands behind them, which handle their own replies.
   */
  async addMany(
    groups: GroupAddition[],
    now: number,
    claimDue = false,
    before?: (pipeline: ChainableCommander) => void,
    after?: (pipeline: ChainableCommander) => void,
  ): Promise<AddResult[]> {
    const pipeline = this.redis.pipeline();
    before?.(pipeline);
    const offset = pipeline.length;
    if (groups.length === 0) {
      if (offset > 0) await execOrThrow(pipeline);
      return [];
    }
    const buckets = new Map<number, number[]>();
    groups.forEach((g, i) => {
      const { bucket } = this.keys.group(g.groupId);
      const list = buckets.get(bucket);
      if (list) list.push(i);
      else buckets.set(bucket, [i]);
    });
    const calls = [...buckets.values()];
    for (const indices of calls) {
      const keys: string[] = [];
      const tuples: (string | number)[][] = [];
      for (const i of indices) {
        const g = groups[i]!;
        const { meta, members } = this.keys.group(g.groupId);
        const claims = claimDue ? g.claims : undefined;
        keys.push(meta, members);
        if (claims) keys.push(...claims.keys);
        const interval = claimDue ? (g.groupIntervalMs ?? -1) : -1;
        // The script only needs the earliest startsAt (does an old alert make the group due?), not one per alert;
        // starting from `now`, which is never old, keeps an empty or future-only batch from counting.
        let earliest = now;
        for (const m of g.members) if (m.startsAt < earliest) earliest = m.startsAt;
        const tuple = [
          g.groupWaitMs,
          interval,
          g.groupKey,
          g.routeId,
          labelsJson(g.labels),
          earliest,
          claims?.keys.length ?? 0,
          claims?.token ?? '',
          claims?.leaseMs ?? 0,
        ];
        for (const m of g.members) tuple.push(m.fingerprint, String(m.updatedAt));
        tuples.push(tuple);
      }
      // The groups as one JSON argument: ioredis costs ~0.1 µs per argument (its `args.flat()` alone ~60 ns).
      pipeline.klaxonGroupAdd(keys.length, keys, now, REAP_EMPTY_GROUP_MS, OVERDUE_TICK_MS, JSON.stringify(tuples));
    }
    pipeline.sadd(this.keys.groupIndex(), ...groups.map((g) => g.groupId));
    after?.(pipeline);
    const results = (await pipeline.exec()) ?? [];
    for (let c = 0; c < offset; c++) {
      const [err] = results[c] ?? [new Error('missing pipeline reply')];
      if (err) throw err;
    }
    const out: AddResult[] = new Array(groups.length);
    calls.forEach((indices, c) => {
      const [err, replies] = results[offset + c] ?? [new Error('missing pipeline reply'), null];
      if (err) throw err;
      indices.forEach((i, k) => {
        out[i] = addResult((replies as (number | string)[][])[k]!);
      });
    });
    return out;
  }

  async meta(groupId: string): Promise<{ routeId: string; groupKey: string; labels: Labels } | null> {
    const meta = await this.redis.hgetall(this.keys.groupMeta(groupId));
    if (!meta.groupKey || meta.routeId === undefined) return null;
    return { routeId: meta.routeId, groupKey: meta.groupKey, labels: JSON.parse(meta.labels ?? '{}') as Labels };
  }

  async tick(groupId: string, tickTs: number, now: number, groupIntervalMs: number): Promise<TickResult> {
    const reply = await this.redis.klaxonGroupTick(
      this.keys.groupMeta(groupId),
      this.keys.groupMembers(groupId),
      String(tickTs),
      now,
      groupIntervalMs,
      REAP_EMPTY_GROUP_MS,
    );
    const head = Number(reply[0]);
    if (head === -1) return { kind: 'stale' };
    if (head === -2) {
      await this.redis.srem(this.keys.groupIndex(), groupId);
      return { kind: 'reaped' };
    }
    const members = new Map<string, number>();
    for (let i = 1; i + 1 < reply.length; i += 2) members.set(String(reply[i]), Number(reply[i + 1]));
    return { kind: 'flush', next: head, members };
  }

  /** Remove resolved alerts unchanged since the flush snapshot; returns how many alerts remain. */
  async removeResolved(groupId: string, resolved: [string, number][], now: number): Promise<number> {
    const args: (string | number)[] = [now];
    for (const [fp, updatedAt] of resolved) args.push(fp, updatedAt);
    return this.redis.klaxonGroupRemoveResolved(this.keys.groupMeta(groupId), this.keys.groupMembers(groupId), ...args);
  }

  /** Drop members whose alert no longer exists in the store. */
  async forget(groupId: string, fps: string[]): Promise<void> {
    if (fps.length > 0) await this.redis.hdel(this.keys.groupMembers(groupId), ...fps);
  }

  async list(): Promise<GroupInfo[]> {
    const ids = await this.redis.smembers(this.keys.groupIndex());
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) {
      pipeline.hgetall(this.keys.groupMeta(id));
      pipeline.hgetall(this.keys.groupMembers(id));
    }
    const results = (await pipeline.exec()) ?? [];
    const out: GroupInfo[] = [];
    ids.forEach((id, i) => {
      const meta = results[2 * i]?.[1] as Record<string, string> | undefined;
      const members = results[2 * i + 1]?.[1] as Record<string, string> | undefined;
      if (!meta?.groupKey) return;
      out.push({
        id,
        groupKey: meta.groupKey,
        routeId: meta.routeId ?? '',
        labels: JSON.parse(meta.labels ?? '{}') as Labels,
        next: Number(meta.next),
        members: new Map(Object.entries(members ?? {}).map(([fp, u]) => [fp, Number(u)])),
      });
    });
    return out;
  }

  /** Delete every group (reload re-routes all alerts into new groups, SEMANTICS §5.9). */
  async clear(): Promise<void> {
    const ids = await this.redis.smembers(this.keys.groupIndex());
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.del(this.keys.groupMeta(id), this.keys.groupMembers(id));
    pipeline.del(this.keys.groupIndex());
    await pipeline.exec();
  }
}
