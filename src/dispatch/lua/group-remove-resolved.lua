-- After a successful flush, remove the resolved alerts that were not updated while it ran (dispatch.go).
-- KEYS[1] group meta hash, KEYS[2] group members hash
-- ARGV: now, then (fp, updatedAt at snapshot)...
-- Returns the number of alerts left in the group.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
end
local left = redis.call('HLEN', KEYS[2])
if left == 0 and redis.call('HEXISTS', KEYS[1], 'emptySince') == 0 then
  redis.call('HSET', KEYS[1], 'emptySince', ARGV[1])
end
return left
