-- Delete silences whose retention ended (expiresAt <= now), as upstream's GC does.
-- KEYS[1] data hash, KEYS[2] retention sorted set, KEYS[3] version counter
-- ARGV[1] now (ms), ARGV[2] pub/sub channel
-- Returns the number of silences deleted.
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if #ids == 0 then
  return 0
end
for i = 1, #ids, 500 do
  local batch = {}
  for j = i, math.min(i + 499, #ids) do
    batch[#batch + 1] = ids[j]
  end
  redis.call('HDEL', KEYS[1], unpack(batch))
  redis.call('ZREM', KEYS[2], unpack(batch))
end
local version = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[2], version)
return #ids
