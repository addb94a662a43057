-- Applies a batch of likes and unlikes to ONE content, atomically and in order. All keys share the content's hash tag,
-- except the outbox index (KEYS[5]), which is used only on a single Redis node.
-- The batch is decided in memory and written with a few commands per batch rather than per operation: one HMGET per
-- status bucket and one ZMSCORE of the request IDs read everything it needs; its net changes go out in one HSET and one
-- HDEL per bucket, one ZADD of new request IDs, one XADD of its events and one HSET of the meta hash. The meta hash
-- also says when the request-ID set's expiry must move and when it is next trimmed, so most calls skip both.
-- KEYS[1]  meta hash: n = count, v = version, s = '1' when the state is loaded, x = expiry time (ms), r = expiry time
--          of the request-ID set (ms), t = when that set is next trimmed of forgotten IDs (ms)
-- KEYS[2]  bucket set: ids of the content's status buckets (kept only when keys expire)
-- KEYS[3]  likers index: sorted set of 'tttttttttt:uuuuuuuuuuuuuuuuuuuu' (like time s, user id), lexicographic
-- KEYS[4]  outbox stream: one entry per batch that applied a change, written only when ARGV[6] is '1'
-- KEYS[5]  outbox index (a sorted set of contents), or any key of the content when ARGV[7] is ''
-- KEYS[6]  request IDs: sorted set of 'userId:requestId' scored by the time (ms) the ID may be forgotten
-- KEYS[6+j] for j = 1..B: the status buckets the batch touches (hash: user id mod 128 -> like time s)
-- ARGV[1]  '1' when Redis is the source of truth (a missing meta is an empty content); '0': a miss must be loaded
-- ARGV[2]  '1' to keep the likers index
-- ARGV[3]  hot TTL in ms, 0 for keys that never expire
-- ARGV[4]  request-ID TTL in ms
-- ARGV[5]  bucket key prefix, to reach every bucket when the expiry moves
-- ARGV[6]  '1' to write the applied changes to the outbox stream
-- ARGV[7]  the content ('type:id') to add to the outbox index when its outbox stream is created, or '' when the
--          caller registered it itself (Redis Cluster, where the index lives on another node)
-- ARGV[8]  B, the number of status buckets; ARGV[8+j] is the id of bucket j
-- ARGV[9+B+7(i-1)..] for operation i: action ('1' like, '0' unlike), its bucket j, bucket field, like time (s),
--          request-ID member ('userId:requestId', '' without one), user id padded to 20 digits ('' without the likers
--          index), and the event's fixed part 'action timeMs userId requestId eventId'
-- Returns {-1} when the content is not loaded (nothing changed). Otherwise the outbox entry id ('' when nothing was
-- written), the count and version before the batch, the version of its first applied change (0 when none; each later
-- one is the previous plus 1), then one value per operation: 2 * status + liked, where status is 1 applied, 2
-- unchanged, 3 duplicate request, and liked is 1 or 0. An applied like adds 1 to the count, an applied unlike takes 1.
-- The outbox entry has a field 'h' = 'firstVersion countBefore' and one field per applied change, numbered from 1,
-- whose value is the event's fixed part; the versions and counts follow from the header as for the reply.
local meta = KEYS[1]
local m = redis.call('HMGET', meta, 's', 'n', 'v', 'x', 'r', 't')
if not m[1] then
  if ARGV[1] ~= '1' then return {-1} end
  redis.call('HSET', meta, 'n', '0', 'v', '0', 's', '1')
  m = {'1', '0', '0', m[4], m[5], m[6]}
elseif m[1] ~= '1' then
  return {-1}
end
local n = tonumber(m[2])
local v = tonumber(m[3])
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(nowUs / 1000)
local index = ARGV[2] == '1'
local hot = tonumber(ARGV[3])
local outbox = ARGV[6] == '1'
local buckets = tonumber(ARGV[8])
local first = 9 + buckets
local ops = (#ARGV - first + 1) / 7

-- read what the batch touches: its fields, one HMGET per bucket, and its request IDs, one ZMSCORE
local fields, state, stored = {}, {}, {}
for j = 1, buckets do
  fields[j], state[j] = {}, {}
end
local members = {}
for i = 1, ops do
  local a = first + (i - 1) * 7
  local j = tonumber(ARGV[a + 1])
  local field = ARGV[a + 2]
  if state[j][field] == nil then
    state[j][field] = false
    fields[j][#fields[j] + 1] = field
  end
  if ARGV[a + 4] ~= '' then members[#members + 1] = ARGV[a + 4] end
end
for j = 1, buckets do
  local values = redis.call('HMGET', KEYS[6 + j], unpack(fields[j]))
  local was = {}
  for k, field in ipairs(fields[j]) do
    state[j][field] = values[k]
    was[field] = values[k]
  end
  stored[j] = was
end
local seen = {}
if #members > 0 then
  local expiries = redis.call('ZMSCORE', KEYS[6], unpack(members))
  for k, member in ipairs(members) do
    if expiries[k] and tonumber(expiries[k]) > nowMs then seen[member] = true end
  end
end

-- decide each operation in order against the state as the earlier ones left it
local forgetAt = string.format('%.0f', nowMs + tonumber(ARGV[4]))
local newMembers = {}
local likers, likerOrder = {}, {}
local function liker(member, present)
  if likers[member] == nil then likerOrder[#likerOrder + 1] = member end
  likers[member] = present
end
local changed = false
local events = {}
local out = {'', n, v, 0}
for i = 1, ops do
  local a = first + (i - 1) * 7
  local like = ARGV[a] == '1'
  local s = state[tonumber(ARGV[a + 1])]
  local field = ARGV[a + 2]
  local member = ARGV[a + 4]
  local prev = s[field]
  local status
  if member ~= '' and seen[member] then
    status = 3
  else
    if member ~= '' then
      seen[member] = true
      newMembers[#newMembers + 1] = forgetAt
      newMembers[#newMembers + 1] = member
    end
    if (prev ~= false) == like then
      status = 2
    else
      local user = ARGV[a + 5]
      if like then
        local ts = ARGV[a + 3]
        s[field] = ts
        if index then liker(string.rep('0', 10 - #ts) .. ts .. ':' .. user, true) end
        n = n + 1
      else
        s[field] = false
        if index then liker(string.rep('0', 10 - #prev) .. prev .. ':' .. user, false) end
        n = n - 1
      end
      v = math.max(v + 1, nowUs)
      if not changed then out[4] = v end
      changed = true
      status = 1
      if outbox then
        events[#events + 1] = tostring(#events / 2 + 1)
        events[#events + 1] = ARGV[a + 6]
      end
    end
  end
  out[#out + 1] = 2 * status + (s[field] ~= false and 1 or 0)
end

-- write the net changes
local metaFields = {}
if #newMembers > 0 then
  redis.call('ZADD', KEYS[6], unpack(newMembers))
  local ttl = tonumber(ARGV[4])
  if tonumber(m[5] or '0') - nowMs < ttl then
    -- the set must outlive its newest member; it is given half a TTL more, so that most writes skip this step
    local r = string.format('%.0f', nowMs + ttl + math.floor(ttl / 2))
    redis.call('PEXPIREAT', KEYS[6], r)
    metaFields[#metaFields + 1] = 'r'
    metaFields[#metaFields + 1] = r
  end
  if tonumber(m[6] or '0') <= nowMs then
    -- forgotten IDs are dropped every eighth of a TTL, not on every write (until then the score check skips them)
    redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', nowMs)
    metaFields[#metaFields + 1] = 't'
    metaFields[#metaFields + 1] = string.format('%.0f', nowMs + math.max(1, math.floor(ttl / 8)))
  end
end
local newBuckets = {}
for j = 1, buckets do
  local set, del = {}, {}
  for _, field in ipairs(fields[j]) do
    local now, was = state[j][field], stored[j][field]
    if now ~= was then
      if now then
        set[#set + 1] = field
        set[#set + 1] = now
      else
        del[#del + 1] = field
      end
    end
  end
  -- set before deleting, so a bucket that keeps a like keeps its expiry; one that was empty is new
  if #set > 0 then
    local added = redis.call('HSET', KEYS[6 + j], unpack(set))
    if hot > 0 and added > 0 and redis.call('HLEN', KEYS[6 + j]) == added then
      newBuckets[#newBuckets + 1] = j
    end
  end
  if #del > 0 then redis.call('HDEL', KEYS[6 + j], unpack(del)) end
end
if #newBuckets > 0 then
  local ids = {}
  for k, j in ipairs(newBuckets) do ids[k] = ARGV[8 + j] end
  redis.call('SADD', KEYS[2], unpack(ids))
end
if #likerOrder > 0 then
  local add, remove = {}, {}
  for _, member in ipairs(likerOrder) do
    if likers[member] then
      add[#add + 1] = 0
      add[#add + 1] = member
    else
      remove[#remove + 1] = member
    end
  end
  if #remove > 0 then redis.call('ZREM', KEYS[3], unpack(remove)) end
  if #add > 0 then redis.call('ZADD', KEYS[3], unpack(add)) end
end
if #events > 0 then
  if ARGV[7] ~= '' and redis.call('EXISTS', KEYS[4]) == 0 then
    -- a new outbox stream: index it in the same step, so the sweeper can never miss it; while the stream exists
    -- (it is deleted once empty) its content stays indexed
    redis.call('ZADD', KEYS[5], string.format('%.3f', nowUs / 1000), ARGV[7])
  end
  out[1] = redis.call('XADD', KEYS[4], '*', 'h', string.format('%.0f %.0f', out[4], out[2]), unpack(events))
end
if changed then
  metaFields[#metaFields + 1] = 'n'
  metaFields[#metaFields + 1] = string.format('%.0f', n)
  metaFields[#metaFields + 1] = 'v'
  metaFields[#metaFields + 1] = string.format('%.0f', v)
  if hot > 0 then
    local x = tonumber(m[4] or '0')
    if x - nowMs < hot / 2 then
      x = nowMs + hot
      metaFields[#metaFields + 1] = 'x'
      metaFields[#metaFields + 1] = string.format('%.0f', x)
      redis.call('PEXPIREAT', meta, x)
      redis.call('PEXPIREAT', KEYS[2], x)
      for _, b in ipairs(redis.call('SMEMBERS', KEYS[2])) do
        redis.call('PEXPIREAT', ARGV[5] .. b, x)
      end
    elseif #newBuckets > 0 then
      for _, j in ipairs(newBuckets) do
        redis.call('PEXPIREAT', KEYS[6 + j], x)
      end
      redis.call('PEXPIREAT', KEYS[2], x)
    end
  end
end
if #metaFields > 0 then
  redis.call('HSET', meta, unpack(metaFields))
end
return out
