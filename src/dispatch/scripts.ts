import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';

function lua(name: string): string {
  return readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** Variable key count: the number of keys, then the keys (meta, members per group) as one array. */
    klaxonGroupAdd(
      numKeys: number,
      keys: string[],
      now: number,
      reapAfterMs: number,
      overdueMs: number,
      groupsJson: string,
    ): Result<(number | string)[][], Context>;
    klaxonGroupTick(
      meta: string,
      members: string,
      tickTs: string,
      now: number,
      intervalMs: number,
      reapAfterMs: number,
    ): Result<(number | string)[], Context>;
    klaxonGroupRemoveResolved(meta: string, members: string, ...args: (string | number)[]): Result<number, Context>;
    klaxonClaimNotify(claim: string, token: string, ttlMs: number): Result<number, Context>;
    klaxonReleaseNotify(claim: string, token: string): Result<number, Context>;
    klaxonExtendNotify(claim: string, token: string, ttlMs: number): Result<number, Context>;
    klaxonFlushOpen(
      record: string,
      pending: number,
      groupId: string,
      resolvedJson: string,
      repeatMs: number,
      ttlMs: number,
    ): Result<number, Context>;
    klaxonFlushOutcome(
      record: string,
      delivered: '1' | '0',
      reporter?: string,
    ): Result<[number, string, string], Context>;
  }
}

const defined = new WeakSet<Redis>();

/** Register the dispatcher's Lua scripts on a connection (idempotent; ioredis uses EVALSHA with EVAL fallback). */
export function defineDispatchScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  redis.defineCommand('klaxonGroupAdd', { lua: lua('group-add') });
  redis.defineCommand('klaxonGroupTick', { numberOfKeys: 2, lua: lua('group-tick') });
  redis.defineCommand('klaxonGroupRemoveResolved', { numberOfKeys: 2, lua: lua('group-remove-resolved') });
  redis.defineCommand('klaxonClaimNotify', { numberOfKeys: 1, lua: lua('claim-notify') });
  redis.defineCommand('klaxonReleaseNotify', { numberOfKeys: 1, lua: lua('release-notify') });
  redis.defineCommand('klaxonExtendNotify', { numberOfKeys: 1, lua: lua('extend-notify') });
  redis.defineCommand('klaxonFlushOpen', { numberOfKeys: 1, lua: lua('flush-open') });
  redis.defineCommand('klaxonFlushOutcome', { numberOfKeys: 1, lua: lua('flush-outcome') });
  defined.add(redis);
}
