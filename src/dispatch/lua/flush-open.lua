-- Open the record of a flush that handed `pending` notifications to the notifier (see flush-outcome.lua).
-- KEYS[1] flush record hash. ARGV: pending, group id, resolved alerts (JSON), repeat interval ms, record TTL ms.
redis.call('HSET', KEYS[1], 'pending', ARGV[1], 'failed', '0', 'group', ARGV[2], 'resolved', ARGV[3],
  'repeat', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
