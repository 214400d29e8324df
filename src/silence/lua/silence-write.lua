-- Atomically apply a silence change planned by the caller, if the silence it was planned from is unchanged.
-- KEYS[1] data hash (id -> JSON), KEYS[2] retention sorted set (id by expiresAt ms), KEYS[3] version counter
-- ARGV[1] id whose current JSON was read ('' = no check), ARGV[2] that JSON ('' = the id must not exist)
-- ARGV[3] max silences (0 = no limit), ARGV[4] 1 if the change creates a silence, ARGV[5] pub/sub channel
-- ARGV[6..] triples: id, JSON, expiresAt (ms)
-- Returns {1, version} when applied, {0} when the silence changed meanwhile, {-1, count} over the limit.
if ARGV[1] ~= '' then
  local current = redis.call('HGET', KEYS[1], ARGV[1])
  if (current or '') ~= ARGV[2] then
    return {0}
  end
end
local limit = tonumber(ARGV[3])
if limit > 0 and ARGV[4] == '1' then
  local count = redis.call('HLEN', KEYS[1])
  if count + 1 > limit then
    return {-1, count}
  end
end
for i = 6, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i])
end
local version = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[5], version)
return {1, version}
