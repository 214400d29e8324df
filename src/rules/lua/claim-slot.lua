-- Claim the evaluation of one slot of a rule group, once across all instances (SEMANTICS §2.1).
-- KEYS[1] group state hash (field `ts` = last evaluated slot), KEYS[2] group lock
-- ARGV[1] slot ts (ms), ARGV[2] owner token, ARGV[3] lock ttl (ms)
-- Returns {1, lastTs, state} when claimed, where state is the group's hash as a flat field/value list (read in the
-- same round trip, and under the lock, so no other evaluation can change it before this one saves);
-- {0, lastTs} when the slot was already evaluated or superseded,
-- or {-1, lastTs} when another evaluation of the group is still running (iterations never overlap).
local last = tonumber(redis.call('HGET', KEYS[1], 'ts') or '0')
local ts = tonumber(ARGV[1])
if last >= ts then
  return {0, tostring(last)}
end
if redis.call('SET', KEYS[2], ARGV[1] .. ':' .. ARGV[2], 'NX', 'PX', ARGV[3]) then
  return {1, tostring(last), redis.call('HGETALL', KEYS[1])}
end
return {-1, tostring(last)}
