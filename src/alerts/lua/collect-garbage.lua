-- Forget alerts resolved before the cutoff, one HSCAN step of the alert hash per call: each alert's endsAt is read
-- from its JSON and checked in the same atomic step as its removal, so an alert re-posted meanwhile is never lost.
-- The caller repeats with the returned cursor until it is '0'.
-- KEYS[1] alert hash (fingerprint -> JSON), KEYS[2] the alerts' version (set to ARGV[4] when anything is removed,
-- so cached lists of unresolved alerts are re-read).
-- ARGV: cutoff (exclusive, ms), cursor, count per step, next version. Returns {next cursor, alerts removed}.
-- Loaded after alert-json.lua, whose `parse` reads the endsAt (also of JSON in an earlier key order).
local cutoff = tonumber(ARGV[1])
local step = redis.call('HSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
local entries = step[2]
local gone = {}
for i = 1, #entries, 2 do
  if tonumber(parse(entries[i + 1])[3]) < cutoff then gone[#gone + 1] = entries[i] end
end
if #gone > 0 then
  redis.call('HDEL', KEYS[1], unpack(gone))
  redis.call('SET', KEYS[2], ARGV[4])
end
return {step[1], #gone}
