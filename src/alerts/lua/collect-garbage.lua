-- Forget alerts resolved before the cutoff: their index entries and their JSON, atomically, so an alert re-posted
-- meanwhile (new score) is never half removed. At most ARGV[2] alerts per call; the caller repeats while full.
-- KEYS[1] index sorted set (fingerprint by endsAt), KEYS[2] alert hash (fingerprint -> JSON), KEYS[3] the alerts'
-- version (set to ARGV[3] when anything is removed, so cached lists of unresolved alerts are re-read)
-- ARGV: cutoff (exclusive, ms), limit, next version. Returns how many alerts were removed.
local fps = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #fps == 0 then return 0 end
redis.call('ZREM', KEYS[1], unpack(fps))
redis.call('HDEL', KEYS[2], unpack(fps))
redis.call('SET', KEYS[3], ARGV[3])
return #fps
