-- Replace a rule group's state atomically, fenced by slot time: a late worker never overwrites newer state.
-- KEYS[1] group state hash, KEYS[2] group lock
-- ARGV[1] slot ts (ms), ARGV[2] owner token, ARGV[3] state ttl (ms), ARGV[4..] field, value pairs
-- Returns 1 when written, 0 when a newer (or the same) slot is already stored.
local last = tonumber(redis.call('HGET', KEYS[1], 'ts') or '0')
local ts = tonumber(ARGV[1])
if last >= ts then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'ts', ARGV[1])
-- One HSET per 500 fields rather than per field; the chunks keep unpack() far below Lua's stack limit.
local n = #ARGV
local i = 4
while i <= n do
  local j = math.min(i + 999, n)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, j))
  i = j + 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[1] .. ':' .. ARGV[2] then
  redis.call('DEL', KEYS[2])
end
return 1
