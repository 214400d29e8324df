-- Add alerts to an aggregation group, creating (or recreating a reaped) group and arming its timer.
-- KEYS[1] group meta hash, KEYS[2] group members hash (fingerprint -> updatedAt)
-- ARGV: now, groupWaitMs, groupKey, routeId, groupLabelsJson, reapAfterMs, then (fp, updatedAt, startsAt)...
-- Returns the next flush time when a flush job must be scheduled for it, else -1.
-- Runs once per touched group per ingest batch, so it reads the meta hash once and writes only what changes.
local now = tonumber(ARGV[1])
local groupWait = tonumber(ARGV[2])
local reapAfter = tonumber(ARGV[6])
local schedule = false

local state = redis.call('HMGET', KEYS[1], 'next', 'emptySince', 'flushed')
local next = tonumber(state[1])
local emptySince = tonumber(state[2])
local flushed = state[3] == '1'
local reaped = emptySince ~= nil and now - emptySince >= reapAfter and redis.call('HLEN', KEYS[2]) == 0
if next == nil or reaped then
  next = now + groupWait
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'groupKey', ARGV[3], 'routeId', ARGV[4], 'labels', ARGV[5],
    'created', ARGV[1], 'flushed', '0', 'next', string.format('%d', next))
  schedule = true
  flushed = false
  emptySince = nil
end

local armed = next
local fields = {}
for i = 7, #ARGV, 3 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  -- An old alert joining a group that has not flushed yet makes it flush at once (dispatch.go insert).
  if not flushed and tonumber(ARGV[i + 2]) + groupWait < now and next > now then
    next = now
    schedule = true
  end
  -- unpack() has a stack limit: write big batches in slices.
  if #fields >= 1000 then
    redis.call('HSET', KEYS[2], unpack(fields))
    fields = {}
  end
end
if #fields > 0 then redis.call('HSET', KEYS[2], unpack(fields)) end
if next ~= armed then redis.call('HSET', KEYS[1], 'next', string.format('%d', next)) end
if emptySince ~= nil then redis.call('HDEL', KEYS[1], 'emptySince') end
if schedule then return next end
return -1
