/**
 * A Klaxon instance (API, router, notifier, silences) on a private redis-server for the API fuzz target, and a
 * guard that proves rejected requests leave Redis untouched. The private server holds only this instance's
 * keys, so a whole-database fingerprint (one Lua call) stays cheap even after thousands of requests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { expect } from 'vitest';
import { type KlaxonInstance, startKlaxon } from '../../src/app/klaxon.js';
import { resolveSettings } from '../../src/config/klaxon.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

// Long group timers and an unreachable receiver: nothing posted during the run is flushed, so Redis only changes
// because of the requests themselves.
const ALERTMANAGER_YML = `
route:
  receiver: team
  group_by: [alertname]
  group_wait: 1h
  group_interval: 1h
  repeat_interval: 4h
receivers:
  - name: team
    webhook_configs:
      - url: http://127.0.0.1:9/hook
`;

// Every key with its type and its logical content, hashed in Redis so a snapshot is one round trip. Content,
// not DUMP bytes: a large hash's DUMP follows its dict order, which Redis' incremental rehashing changes on
// reads and in the background without any write. BullMQ workers rewrite their `stalled-check` marker on a
// timer (every 30 s) whatever the requests do; it holds no data.
const FINGERPRINT_DB = `
local function sorted(list)
  table.sort(list)
  return table.concat(list, '\\1')
end
local function content(k, t)
  if t == 'string' then return redis.call('GET', k) end
  if t == 'hash' then
    local flat = redis.call('HGETALL', k)
    local entries = {}
    for i = 1, #flat, 2 do entries[#entries + 1] = flat[i] .. '\\2' .. flat[i + 1] end
    return sorted(entries)
  end
  if t == 'set' then return sorted(redis.call('SMEMBERS', k)) end
  if t == 'zset' then return table.concat(redis.call('ZRANGE', k, 0, -1, 'WITHSCORES'), '\\1') end
  if t == 'list' then return table.concat(redis.call('LRANGE', k, 0, -1), '\\1') end
  if t == 'stream' then
    local parts = {}
    for _, e in ipairs(redis.call('XRANGE', k, '-', '+')) do parts[#parts + 1] = e[1] .. '\\2' .. table.concat(e[2], '\\2') end
    return table.concat(parts, '\\1')
  end
  return ''
end
local all = redis.call('KEYS', '*')
local keys = {}
for _, k in ipairs(all) do
  if string.sub(k, -14) ~= ':stalled-check' then keys[#keys + 1] = k end
end
table.sort(keys)
local parts = {}
for _, k in ipairs(keys) do
  local t = redis.call('TYPE', k).ok
  parts[#parts + 1] = redis.sha1hex(k .. '\\0' .. t .. '\\0' .. content(k, t))
end
return {#keys, redis.sha1hex(table.concat(parts, ',')), table.concat(keys, '\\n'), table.concat(parts, '\\n')}
`;

interface Snapshot {
  count: number;
  hash: string;
  perKey: Map<string, string>;
}

export interface ApiFuzzInstance {
  request(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Fingerprint now unless nothing could have changed Redis since the last one. */
  snapshot(): Promise<Snapshot>;
  /** Marks the cached fingerprint stale (after a request that was allowed to write). */
  invalidate(): void;
  stop(): Promise<void>;
}

export async function startApiFuzzInstance(): Promise<ApiFuzzInstance> {
  const redisServer: TestRedis = await startRedis({ persistence: false });
  const dir = await mkdtemp(join(tmpdir(), 'klaxon-fuzz-'));
  await writeFile(join(dir, 'alertmanager.yml'), ALERTMANAGER_YML);
  await writeFile(join(dir, 'rules.yml'), 'groups: []\n');
  const settings = resolveSettings(
    { rule_files: ['rules.yml'], alertmanager_config: 'alertmanager.yml' },
    { listenAddress: '127.0.0.1:0', keyPrefix: 'klaxon-test-fuzz:', redisUrl: redisServer.url },
    dir,
  );
  const klaxon: KlaxonInstance = await startKlaxon({ settings, roles: ['api'], logger: pino({ level: 'silent' }) });
  await klaxon.ready;
  const redis = new Redis(redisServer.url);
  let cached: Snapshot | undefined;

  const take = async (): Promise<Snapshot> => {
    const [count, hash, keys, hashes] = (await redis.eval(FINGERPRINT_DB, 0)) as [number, string, string, string];
    const names = keys === '' ? [] : keys.split('\n');
    const values = hashes === '' ? [] : hashes.split('\n');
    return { count, hash, perKey: new Map(names.map((k, i) => [k, values[i]!])) };
  };

  return {
    request: (opts) => klaxon.app.inject(opts),
    async snapshot() {
      cached ??= await take();
      return cached;
    },
    invalidate() {
      cached = undefined;
    },
    async stop() {
      await klaxon.stop();
      redis.disconnect();
      await redisServer.stop();
      await Promise.all([redisServer.remove(), rm(dir, { recursive: true, force: true })]);
    },
  };
}

/** Fails with the keys that differ, so a leak is diagnosable from the report alone. */
export async function expectRedisUnchanged(api: ApiFuzzInstance, before: Snapshot, what: string): Promise<void> {
  api.invalidate();
  const after = await api.snapshot();
  if (after.hash === before.hash) return;
  const changed = [...new Set([...before.perKey.keys(), ...after.perKey.keys()])].filter(
    (k) => before.perKey.get(k) !== after.perKey.get(k),
  );
  expect.fail(`${what} changed Redis keys: ${changed.join(', ')}`);
}

/** The human-readable part of an error response: Alertmanager's JSON string, go-swagger's or Fastify's message. */
export function errorMessage(res: LightMyRequestResponse): string {
  try {
    const body: unknown = JSON.parse(res.body);
    if (typeof body === 'string') return body;
    if (body !== null && typeof body === 'object') {
      const { message, error } = body as { message?: unknown; error?: unknown };
      if (typeof message === 'string') return message;
      if (typeof error === 'string') return error;
    }
  } catch {
    // Not JSON: the raw body is the message.
  }
  return res.body;
}
