-- Add alerts to aggregation groups of one hash-tag bucket, creating (or recreating reaped) groups and arming
-- their timers. One call per bucket per ingest batch: each group reads its meta hash once and writes only what
-- changes.
-- KEYS: per group, its meta hash then its members hash (fingerprint -> updatedAt).
-- ARGV: now, reapAfterMs, overdueMs, then per group: groupWaitMs, groupIntervalMs, groupKey, routeId, groupLabelsJson,
--   the earliest startsAt of the group's alerts in this batch, n, then n times (fp, updatedAt).
-- Returns per group {0} when its timer stands, {1, next} when a tick must be scheduled at next, or, when the group
-- is due now and groupIntervalMs > 0, {2, nextTick, fp1, updatedAt1, ...}: the tick was claimed here as
-- group-tick.lua would (timer re-armed to nextTick), so the caller flushes the listed members at once.
local now = tonumber(ARGV[1])
local reapAfter = tonumber(ARGV[2])
local overdue = tonumber(ARGV[3])

local function add(meta, members, a)
  local groupWait = tonumber(ARGV[a])
  local interval = tonumber(ARGV[a + 1])
  a = a + 1
  local schedule = false
  local state = redis.call('HMGET', meta, 'next', 'emptySince', 'flushed')
  local next = tonumber(state[1])
  local emptySince = tonumber(state[2])
  local flushed = state[3] == '1'
  local reaped = emptySince ~= nil and now - emptySince >= reapAfter and redis.call('HLEN', members) == 0
  if next == nil or reaped then
    next = now + groupWait
    redis.call('DEL', meta, members)
    redis.call('HSET', meta, 'groupKey', ARGV[a + 1], 'routeId', ARGV[a + 2], 'labels', ARGV[a + 3],
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
  if not flushed and tonumber(ARGV[a + 4]) + groupWait < now and next > now then
    next = now
    schedule = true
  end
  local first = a + 6
  local last = first + 2 * tonumber(ARGV[a + 5]) - 1
  -- unpack() has a stack limit: write big batches in slices of 500 members.
  for from = first, last, 1000 do
    redis.call('HSET', members, unpack(ARGV, from, math.min(from + 999, last)))
  end
  if emptySince ~= nil then redis.call('HDEL', meta, 'emptySince') end
  if schedule and next <= now and interval > 0 then
    -- Due now: claim this tick like group-tick.lua, sparing the caller a round trip before the flush.
    local nextTick = next + interval
    if nextTick <= now then nextTick = next + interval * (math.floor((now - next) / interval) + 1) end
    redis.call('HSET', meta, 'next', string.format('%d', nextTick), 'flushed', '1')
    local reply = {2, nextTick}
    local all = redis.call('HGETALL', members)
    for i = 1, #all do reply[#reply + 1] = all[i] end
    return reply, last + 1
  end
  if next ~= armed then redis.call('HSET', meta, 'next', string.format('%d', next)) end
  if schedule then return {1, next}, last + 1 end
  return {0}, last + 1
end

local out = {}
local a = 4
for k = 1, #KEYS, 2 do
  out[#out + 1], a = add(KEYS[k], KEYS[k + 1], a)
end
return out
