-- Turn a notification's short enqueue lease into its full claim once the notify job exists, only if this
-- notification still owns the claim. KEYS[1] claim key. ARGV: owner token, ttlMs. Returns 1 when extended.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
