-- Store a batch of posted alerts, each merged with the stored copy as Alertmanager merges (SEMANTICS §5.1:
-- provider/mem Put and types.Alert.Merge; test/support/alert-merge-reference.ts is the same rule in TypeScript).
-- Reading, merging and writing in one script makes an ingest one round trip: its reply comes back with the group
-- additions. Loaded after alert-json.lua, whose `parse` reads an alert's times from its JSON tail without decoding
-- the rest: a merged copy is the same text with other times.
-- KEYS: alert hash (fingerprint -> JSON), version key.
-- ARGV: now, next version, the alerts' JSON texts joined by newlines (JSON.stringify never writes a raw newline;
--   one argument for the batch spares the client a per-argument cost), then their fingerprints (hex) joined by
--   commas. A posted alert's tail is read only when it has a stored copy to merge with; a new one needs just its
--   fingerprint, given apart.
-- Returns per alert (batch order) 0 when the stored copy is the posted one, else the stored JSON.
local now = tonumber(ARGV[1])

-- A posted alert's other times and tail position, read from its JSON (see parse) when a merge needs them.
local function complete(a)
  if a[2] == nil then
    local p = parse(a[6])
    a[2], a[3], a[4], a[5], a[7] = p[2], p[3], p[4], p[5], p[7]
  end
end

local function body(a)
  if a[1] == nil then a[1] = string.sub(a[6], 1, a[7] - 1) end
  return a[1]
end

local function serialize(a)
  if a[6] == nil then
    a[6] = a[1] .. ',"startsAt":' .. a[2] .. ',"endsAt":' .. a[3] .. ',"updatedAt":' .. a[4] .. ',"timeout":' ..
      a[5] .. '}'
  end
  return a[6]
end

-- types.Alert.Merge: the copy updated later is the base; the earliest start wins; the latest explicit end wins.
local function merge(old, new)
  local older, younger = old, new
  if tonumber(new[4]) < tonumber(old[4]) then older, younger = new, old end
  local s, e = younger[2], younger[3]
  if tonumber(older[2]) < tonumber(s) then s = older[2] end
  local olderEnd, youngerEnd = tonumber(older[3]), tonumber(younger[3])
  if youngerEnd <= now then
    if olderEnd <= now and olderEnd > youngerEnd then e = older[3] end
  elseif olderEnd > youngerEnd and older[5] ~= 'true' then
    e = older[3]
  end
  if s == younger[2] and e == younger[3] then return younger end
  return {body(younger), s, e, younger[4], younger[5]}
end

-- A posted alert as {nil, nil, nil, nil, nil, json, nil, fingerprint} until `complete` fills in the rest.
local posted = {}
local batch, fpText = ARGV[3], ARGV[4]
local from, fpFrom = 1, 1
while from <= #batch do
  local stop = string.find(batch, '\n', from, true) or (#batch + 1)
  local fpStop = string.find(fpText, ',', fpFrom, true) or (#fpText + 1)
  posted[#posted + 1] = {nil, nil, nil, nil, nil, string.sub(batch, from, stop - 1), nil,
    string.sub(fpText, fpFrom, fpStop - 1)}
  from, fpFrom = stop + 1, fpStop + 1
end
local n = #posted
local fps = {}
for i = 1, n do fps[i] = posted[i][8] end
local current = {}
-- unpack() has a stack limit: read big batches in slices of 1000.
for from = 1, n, 1000 do
  local to = math.min(from + 999, n)
  local raw = redis.call('HMGET', KEYS[1], unpack(fps, from, to))
  for i = from, to do
    local json = raw[i - from + 1]
    if json and current[fps[i]] == nil then current[fps[i]] = parse(json) end
  end
end

local reply = {}
for i = 1, n do
  local fp = fps[i]
  local new = posted[i]
  local old = current[fp]
  local stored = new
  -- Merged only when the activity ranges overlap: the new start or end strictly inside the old range.
  if old then
    complete(new)
    complete(old)
    local s, e = tonumber(old[2]), tonumber(old[3])
    local ps, pe = tonumber(new[2]), tonumber(new[3])
    if (pe > s and pe < e) or (ps > s and ps < e) then stored = merge(old, new) end
  end
  current[fp] = stored
  if stored == new then reply[i] = 0 else reply[i] = serialize(stored) end
end

-- One HSET for the batch (slices of 500 alerts: unpack() has a stack limit).
local fields = {}
for fp, a in pairs(current) do
  fields[#fields + 1] = fp
  fields[#fields + 1] = serialize(a)
end
for from = 1, #fields, 1000 do
  redis.call('HSET', KEYS[1], unpack(fields, from, math.min(from + 999, #fields)))
end
redis.call('SET', KEYS[2], ARGV[2])
return reply
