import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';
import { fingerprint } from '../labels/labels.js';
import type { GroupState } from './group.js';
import { decodeGroupState, encodeGroupState } from './state-codec.js';

function lua(name: string): string {
  return readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    klaxonRulerClaimSlot(
      state: string,
      lock: string,
      ts: number,
      token: string,
      ttlMs: number,
    ): Result<[number, string, string[]?], Context>;
    klaxonRulerSaveState(
      state: string,
      lock: string,
      ts: number,
      token: string,
      ttlMs: number,
      ...fields: string[]
    ): Result<number, Context>;
    klaxonRulerReleaseSlot(lock: string, ts: number, token: string): Result<number, Context>;
  }
}

const defined = new WeakSet<Redis>();

function defineRulerScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  redis.defineCommand('klaxonRulerClaimSlot', { numberOfKeys: 2, lua: lua('claim-slot') });
  redis.defineCommand('klaxonRulerSaveState', { numberOfKeys: 2, lua: lua('save-group-state') });
  redis.defineCommand('klaxonRulerReleaseSlot', { numberOfKeys: 1, lua: lua('release-slot') });
  defined.add(redis);
}

/** Stable id of a rule group: its identity is (file, name), as in Prometheus. */
export function groupId(file: string, name: string): string {
  return fingerprint({ file, name });
}

export type ClaimResult =
  | { outcome: 'claimed'; lastTs: number /** The group's stored state, read with the claim. */; state: GroupState }
  | { outcome: 'done' | 'busy'; lastTs: number };

function pairsToHash(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

/** Rule-group state and slot locks in Redis; each group's keys share a hash tag so the scripts work on Cluster. */
export class RuleStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {
    defineRulerScripts(redis);
  }

  stateKey(id: string): string {
    return `${this.keyPrefix}ruler:{${id}}:state`;
  }

  lockKey(id: string): string {
    return `${this.keyPrefix}ruler:{${id}}:lock`;
  }

  /** Takes the group's lock for slot `ts` unless it was evaluated or is being evaluated; returns the state to continue. */
  async claimSlot(id: string, ts: number, token: string, ttlMs: number): Promise<ClaimResult> {
    const [code, last, flat] = await this.redis.klaxonRulerClaimSlot(
      this.stateKey(id),
      this.lockKey(id),
      ts,
      token,
      ttlMs,
    );
    const lastTs = Number(last);
    if (code === 1) return { outcome: 'claimed', lastTs, state: decodeGroupState(pairsToHash(flat ?? [])) };
    return { outcome: code === 0 ? 'done' : 'busy', lastTs };
  }

  /** Writes the state if `state.ts` is newer than the stored one, releasing the slot lock; false when fenced off. */
  async save(id: string, state: GroupState, token: string, ttlMs: number): Promise<boolean> {
    const fields = encodeGroupState(state);
    const res = await this.redis.klaxonRulerSaveState(
      this.stateKey(id),
      this.lockKey(id),
      state.ts,
      token,
      ttlMs,
      ...fields,
    );
    return res === 1;
  }

  async release(id: string, ts: number, token: string): Promise<void> {
    await this.redis.klaxonRulerReleaseSlot(this.lockKey(id), ts, token);
  }

  async load(id: string): Promise<GroupState> {
    return decodeGroupState(await this.redis.hgetall(this.stateKey(id)));
  }

  async loadMany(ids: string[]): Promise<Map<string, GroupState>> {
    const out = new Map<string, GroupState>();
    if (ids.length === 0) return out;
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.stateKey(id));
    const results = (await pipe.exec()) ?? [];
    results.forEach(([err, hash], i) => {
      if (err) throw err;
      out.set(ids[i]!, decodeGroupState(hash as Record<string, string>));
    });
    return out;
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.stateKey(id), this.lockKey(id));
  }
}
