-- Release a notification claim once its outcome is known, only if this notification still owns it (after the
-- safety TTL another flush may have claimed the slot for a newer notification).
-- KEYS[1] claim key. ARGV: owner token. Returns 1 when released.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
