-- The stored layout of an alert's JSON, shared by the alert scripts (store.ts loads this file ahead of each). It ends
-- with the fingerprint and the times in a fixed order (store.ts storedJson),
-- `,"fingerprint":"…","startsAt":…,"endsAt":…,"updatedAt":…,"timeout":…}` (ms), so a script reads them without
-- decoding the rest.
local TAIL = '^,"fingerprint":"([^"]*)","startsAt":(%-?%d+),"endsAt":(%-?%d+),"updatedAt":(%-?%d+),"timeout":(%a+)}$'
local KEY = ',"fingerprint":"'
-- The longest tail: a 16-digit fingerprint and four numbers of up to 16 characters.
local TAIL_WINDOW = 180

-- An alert as {body, startsAt, endsAt, updatedAt, timeout, json, tail, fingerprint}: times as decimal strings;
-- body is the JSON before its times (cut only when a merged copy needs it).
local function parse(json)
  -- The key text can also sit inside the labels (a label named fingerprint) when they end near the tail: the first
  -- place where the whole tail matches is the real one (inside JSON strings a quote is escaped).
  local from = math.max(1, #json - TAIL_WINDOW)
  while true do
    local at = string.find(json, KEY, from, true)
    if not at then break end
    local fp, s, e, u, t = string.match(json, TAIL, at)
    if fp then return {nil, s, e, u, t, json, at + #KEY + #fp + 1, fp} end
    from = at + 1
  end
  -- Written by an earlier Klaxon, in another key order: decoded once and re-encoded in this layout.
  local a = cjson.decode(json)
  local rest = cjson.encode({labels = a.labels, annotations = a.annotations, generatorURL = a.generatorURL})
  return {string.sub(rest, 1, -2) .. KEY .. a.fingerprint .. '"', string.format('%d', a.startsAt),
    string.format('%d', a.endsAt), string.format('%d', a.updatedAt), a.timeout and 'true' or 'false', nil, nil,
    a.fingerprint}
end

