-- Record the outcome of one integration's delivery of a flush.
-- KEYS[1] flush record hash (pending, failed, group, resolved)
-- ARGV: delivered ('1' or '0'), then optionally the reporting integration (`type:index`): a report repeated by it
--   (a retry after a lost reply) counts once.
-- Returns {state, group, resolvedJson}: state 1 when the last pending delivery finished and all succeeded,
-- 0 while deliveries are pending or after a failure, -1 when the record is unknown (expired).
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, '', ''} end
if ARGV[2] and redis.call('HSETNX', KEYS[1], 'reported:' .. ARGV[2], '1') == 0 then return {0, '', ''} end
if ARGV[1] ~= '1' then redis.call('HSET', KEYS[1], 'failed', '1') end
local pending = redis.call('HINCRBY', KEYS[1], 'pending', -1)
if pending > 0 then return {0, '', ''} end
local failed = redis.call('HGET', KEYS[1], 'failed') == '1'
local group = redis.call('HGET', KEYS[1], 'group')
local resolved = redis.call('HGET', KEYS[1], 'resolved')
redis.call('DEL', KEYS[1])
if failed then return {0, '', ''} end
return {1, group, resolved}
