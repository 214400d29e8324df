-- Atomic claim of the one outstanding notification of (group key, receiver, integration, index): while a
-- notification is queued or retrying, no other flush (on any instance) may enqueue another (SEMANTICS §9 row 8).
-- KEYS[1] claim key. ARGV: owner token (the notification's job id), ttlMs.
-- Returns 1 when this caller owns the claim (a re-run of the same flush owns it again), 0 otherwise.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
