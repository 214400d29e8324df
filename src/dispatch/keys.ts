import { createHash } from 'node:crypto';

/** Short stable hash for Redis keys and BullMQ job ids (hex, so never contains ':' and is never all digits). */
export function shortHash(...parts: string[]): string {
  return `h${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24)}`;
}

/**
 * Aggregation groups are spread over this many hash-tag buckets. An ingest batch adds its alerts with one script
 * call per bucket it touches instead of one per group, and on Redis Cluster the groups still spread over as many
 * slots.
 */
export const GROUP_BUCKETS = 16;

/** The bucket of a group id (FNV-1a over its UTF-16 units; ids are short). */
export function groupBucket(groupId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < groupId.length; i++) h = Math.imul(h ^ groupId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % GROUP_BUCKETS;
}

/** A group's hash-tag bucket and the keys of its meta hash and members hash. */
export interface GroupKeys {
  bucket: number;
  meta: string;
  members: string;
}

/** Bounds `DispatchKeys.group`'s cache; past it the cache starts over. */
const GROUP_KEYS_CACHED = 100_000;

/**
 * Redis key layout of the dispatcher. Keys of one aggregation group, and of all groups of one bucket, share a
 * hash tag so the Lua scripts touching them work on Redis Cluster.
 */
export class DispatchKeys {
  /** Every ingest batch asks for the keys of each group it touches: built once per group (bounded, see `group`). */
  private readonly groups = new Map<string, GroupKeys>();

  constructor(readonly prefix: string) {}

  /** A group's bucket and keys. */
  group(groupId: string): GroupKeys {
    let keys = this.groups.get(groupId);
    if (keys === undefined) {
      const bucket = groupBucket(groupId);
      const base = `${this.prefix}group:{g${bucket}}:${groupId}`;
      keys = { bucket, meta: `${base}:meta`, members: `${base}:alerts` };
      if (this.groups.size >= GROUP_KEYS_CACHED) this.groups.clear();
      this.groups.set(groupId, keys);
    }
    return keys;
  }

  groupMeta(groupId: string): string {
    return this.group(groupId).meta;
  }

  groupMembers(groupId: string): string {
    return this.group(groupId).members;
  }

  /** Set of the ids of all aggregation groups of the current configuration generation. */
  groupIndex(): string {
    return `${this.prefix}groups`;
  }

  nflog(groupKey: string, receiver: string, integration: string, index: number): string {
    return `${this.prefix}nflog:${shortHash(groupKey, receiver, integration, String(index))}`;
  }

  /**
   * The outstanding-notification claim of one integration of a group (one at a time, see claim-notify.lua). It
   * shares its group's hash tag, so `group-add.lua` can take it in the call that makes the group due. Without a
   * group id (a notification queued by an earlier version, which did not record it) it is the older, untagged key.
   */
  claim(groupKey: string, receiver: string, integration: string, index: number, groupId?: string): string {
    const id = shortHash(groupKey, receiver, integration, String(index));
    return groupId === undefined
      ? `${this.prefix}claim:${id}`
      : `${this.prefix}claim:{g${this.group(groupId).bucket}}:${id}`;
  }

  flushRecord(groupKey: string, receiver: string, flushTs: number): string {
    return `${this.prefix}flush:${shortHash(groupKey, receiver, String(flushTs))}`;
  }
}
