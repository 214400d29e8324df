-- Atomic claim of one notification (group key, receiver, integration, index, content), so two instances
-- (or a re-run of a stalled flush) never send the same notification twice (SEMANTICS §9 row 8).
-- KEYS[1] claim key. ARGV: owner token, ttlMs. Returns 1 when this caller owns the claim, 0 otherwise.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
