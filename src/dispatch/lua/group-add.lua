-- Add alerts to an aggregation group, creating (or recreating a reaped) group and arming its timer.
-- KEYS[1] group meta hash, KEYS[2] group members hash (fingerprint -> updatedAt)
-- ARGV: now, groupWaitMs, groupKey, routeId, groupLabelsJson, reapAfterMs, then (fp, updatedAt, startsAt)...
-- Returns the next flush time when a flush job must be scheduled for it, else -1.
local now = tonumber(ARGV[1])
local groupWait = tonumber(ARGV[2])
local reapAfter = tonumber(ARGV[6])
local schedule = false

local next = tonumber(redis.call('HGET', KEYS[1], 'next'))
local emptySince = tonumber(redis.call('HGET', KEYS[1], 'emptySince'))
local reaped = emptySince ~= nil and now - emptySince >= reapAfter and redis.call('HLEN', KEYS[2]) == 0
if next == nil or reaped then
  next = now + groupWait
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'groupKey', ARGV[3], 'routeId', ARGV[4], 'labels', ARGV[5],
    'created', ARGV[1], 'flushed', '0', 'next', string.format('%d', next))
  schedule = true
end

local flushed = redis.call('HGET', KEYS[1], 'flushed') == '1'
for i = 7, #ARGV, 3 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  -- An old alert joining a group that has not flushed yet makes it flush at once (dispatch.go insert).
  if not flushed and tonumber(ARGV[i + 2]) + groupWait < now and next > now then
    next = now
    schedule = true
  end
end
redis.call('HSET', KEYS[1], 'next', string.format('%d', next))
redis.call('HDEL', KEYS[1], 'emptySince')
if schedule then return next end
return -1
