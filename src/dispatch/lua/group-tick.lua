-- Claim one timer tick of an aggregation group and re-arm the timer to group_interval before the flush runs.
-- KEYS[1] group meta hash, KEYS[2] group members hash
-- ARGV: tickTs, now, groupIntervalMs, reapAfterMs
-- Returns {-1} for a stale or unknown tick, {-2} when the group was reaped, else {nextTick, fp1, updatedAt1, ...}.
local ts = ARGV[1]
local now = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
if redis.call('HGET', KEYS[1], 'next') ~= ts then return {-1} end

local members = redis.call('HGETALL', KEYS[2])
if #members == 0 then
  local emptySince = tonumber(redis.call('HGET', KEYS[1], 'emptySince'))
  if emptySince == nil then
    redis.call('HSET', KEYS[1], 'emptySince', ARGV[2])
  elseif now - emptySince >= tonumber(ARGV[4]) then
    redis.call('DEL', KEYS[1], KEYS[2])
    return {-2}
  end
end

-- Keep the phase of the ticks; skip the ones missed while no instance ran.
local tick = tonumber(ts)
local nextTick = tick + interval
if nextTick <= now then
  nextTick = tick + interval * (math.floor((now - tick) / interval) + 1)
end
redis.call('HSET', KEYS[1], 'next', string.format('%d', nextTick), 'flushed', '1')
local out = {nextTick}
for i = 1, #members do out[#out + 1] = members[i] end
return out
