-- Release a group lock if this owner still holds it (used when an evaluation is abandoned without saving).
-- KEYS[1] group lock; ARGV[1] slot ts, ARGV[2] owner token
if redis.call('GET', KEYS[1]) == ARGV[1] .. ':' .. ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0
