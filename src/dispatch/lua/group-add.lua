-- Add alerts to aggregation groups of one hash-tag bucket, creating (or recreating reaped) groups and arming
-- their timers. One call per bucket per ingest batch: each group reads its meta hash once and writes only what
-- changes.
-- KEYS: per group, its meta hash, its members hash (fingerprint -> updatedAt), then its claim keys (see below).
-- ARGV: now, reapAfterMs, overdueMs, then the groups as one JSON array (one argument spares the client a
--   per-argument cost), in KEYS order, each [groupWaitMs, groupIntervalMs, groupKey, routeId, groupLabelsJson,
--   the earliest startsAt of the group's alerts in this batch, claimCount, claimToken, claimLeaseMs, fp1,
--   updatedAt1, fp2, updatedAt2, ...] with the updatedAt values as strings.
-- Returns per group {0} when its timer stands, {1, next} when a tick must be scheduled at next, or, when the group
-- is due now and groupIntervalMs > 0, {2, nextTick, claimCount, claimed1, ..., fp1, updatedAt1, ...}: the tick was
-- claimed here as group-tick.lua would (timer re-armed to nextTick), so the caller flushes the listed members at
-- once; and so that its notifications need no round trip of their own before they are sent, the group's
-- claimCount notification claims (claim-notify.lua, one per integration of its receiver) were tried with
-- claimToken for claimLeaseMs: claimed_i is 1 when taken, 0 while another notification holds it.
local now = tonumber(ARGV[1])
local reapAfter = tonumber(ARGV[2])
local overdue = tonumber(ARGV[3])
local MEMBERS = 10

local function add(meta, members, claims, g)
  local groupWait = g[1]
  local interval = g[2]
  local schedule = false
  local state = redis.call('HMGET', meta, 'next', 'emptySince', 'flushed')
  local next = tonumber(state[1])
  local emptySince = tonumber(state[2])
  local flushed = state[3] == '1'
  local reaped = emptySince ~= nil and now - emptySince >= reapAfter and redis.call('HLEN', members) == 0
  if next == nil or reaped then
    next = now + groupWait
    redis.call('DEL', meta, members)
    redis.call('HSET', meta, 'groupKey', g[3], 'routeId', g[4], 'labels', g[5],
      'created', ARGV[1], 'flushed', '0', 'next', string.format('%d', next))
    schedule = true
    flushed = false
    emptySince = nil
  end

  local armed = next
  -- A tick this overdue was never queued (its instance died between this script and queueing it, or Redis lost
  -- the job): arm it again. Harmless if its job exists after all: the job id deduplicates, or the job finds
  -- its tick claimed already.
  if not schedule and next + overdue < now then schedule = true end
  -- An old alert joining a group that has not flushed yet makes it flush at once (dispatch.go insert).
  if not flushed and g[6] + groupWait < now and next > now then
    next = now
    schedule = true
  end
  -- unpack() has a stack limit: write big batches in slices of 500 members.
  for from = MEMBERS, #g, 1000 do
    redis.call('HSET', members, unpack(g, from, math.min(from + 999, #g)))
  end
  if emptySince ~= nil then redis.call('HDEL', meta, 'emptySince') end
  if schedule and next <= now and interval > 0 then
    -- Due now: claim this tick like group-tick.lua, sparing the caller a round trip before the flush.
    local nextTick = next + interval
    if nextTick <= now then nextTick = next + interval * (math.floor((now - next) / interval) + 1) end
    redis.call('HSET', meta, 'next', string.format('%d', nextTick), 'flushed', '1')
    local reply = {2, nextTick, #claims}
    for i = 1, #claims do
      local taken = redis.call('SET', claims[i], g[8], 'NX', 'PX', g[9])
      reply[#reply + 1] = taken and 1 or 0
    end
    local all = redis.call('HGETALL', members)
    for i = 1, #all do reply[#reply + 1] = all[i] end
    return reply
  end
  if next ~= armed then redis.call('HSET', meta, 'next', string.format('%d', next)) end
  if schedule then return {1, next} end
  return {0}
end

local groups = cjson.decode(ARGV[4])
local out = {}
local key = 1
for k = 1, #groups do
  local g = groups[k]
  local claims = {}
  for i = 1, g[7] do claims[i] = KEYS[key + 1 + i] end
  out[k] = add(KEYS[key], KEYS[key + 1], claims, g)
  key = key + 2 + g[7]
end
return out
