-- Applies a batch of likes and unlikes to ONE content, atomically and in order. All keys share the content's hash tag,
-- except the outbox index (KEYS[5]), which is used only on a single Redis node.
-- KEYS[1]  meta hash: n = count, v = version, s = '1' when the state is loaded, x = expiry time (ms)
-- KEYS[2]  bucket set: ids of the content's status buckets (kept only when keys expire)
-- KEYS[3]  likers index: sorted set of 'tttttttttt:uuuuuuuuuuuuuuuuuuuu' (like time s, user id), lexicographic
-- KEYS[4]  outbox stream: one entry per batch that applied a change, written only when ARGV[6] is '1'
-- KEYS[5]  outbox index (a sorted set of contents), or any key of the content when ARGV[7] is ''
-- KEYS[4+2i], KEYS[5+2i] for operation i = 1..n: its status bucket (hash: user id mod 128 -> like time s), its
--          request-ID key
-- ARGV[1]  '1' when Redis is the source of truth (a missing meta is an empty content); '0': a miss must be loaded
-- ARGV[2]  '1' to keep the likers index
-- ARGV[3]  hot TTL in ms, 0 for keys that never expire
-- ARGV[4]  request-ID TTL in ms
-- ARGV[5]  bucket key prefix, to reach every bucket when the expiry moves
-- ARGV[6]  '1' to write the applied changes to the outbox stream
-- ARGV[7]  the content ('type:id') to add to the outbox index when its outbox stream is created, or '' when the
--          caller registered it itself (Redis Cluster, where the index lives on another node)
-- ARGV[8+7(i-1)..]: action ('1' like, '0' unlike), bucket field, bucket id, like time (s), '1' if the operation has a
--          request ID, user id padded to 20 digits, and the event's fixed part 'action timeMs userId requestId eventId'
-- Returns {-1} when the content is not loaded (nothing changed). Otherwise the outbox entry id ('' when nothing was
-- written), then four values per operation: status (1 applied, 2 unchanged, 3 duplicate request), liked (1/0), and
-- the count and version after the operation. The outbox entry has one field per applied change, numbered from 1, whose
-- value is 'version count ' followed by the event's fixed part.
local meta = KEYS[1]
local loaded = redis.call('HGET', meta, 's')
if not loaded then
  if ARGV[1] ~= '1' then return {-1} end
  redis.call('HSET', meta, 'n', '0', 'v', '0', 's', '1')
elseif loaded ~= '1' then
  return {-1}
end
local n = tonumber(redis.call('HGET', meta, 'n'))
local v = tonumber(redis.call('HGET', meta, 'v'))
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local index = ARGV[2] == '1'
local hot = tonumber(ARGV[3])
local changed = false
local newBuckets = {}
local out = {''}
local outbox = ARGV[6] == '1'
local events = {}
local ops = (#ARGV - 7) / 7
for i = 1, ops do
  local a = 8 + (i - 1) * 7
  local like = ARGV[a] == '1'
  local field = ARGV[a + 1]
  local bucket = KEYS[4 + 2 * i]
  local prev = redis.call('HGET', bucket, field)
  local status
  if ARGV[a + 4] == '1' and not redis.call('SET', KEYS[5 + 2 * i], '1', 'NX', 'PX', ARGV[4]) then
    status = 3
  elseif (prev ~= false) == like then
    status = 2
  else
    local user = ARGV[a + 5]
    if like then
      local ts = ARGV[a + 3]
      if redis.call('HSET', bucket, field, ts) == 1 and hot > 0 and redis.call('HLEN', bucket) == 1 then
        redis.call('SADD', KEYS[2], ARGV[a + 2])
        newBuckets[#newBuckets + 1] = bucket
      end
      if index then
        redis.call('ZADD', KEYS[3], 0, string.rep('0', 10 - #ts) .. ts .. ':' .. user)
      end
      n = n + 1
    else
      redis.call('HDEL', bucket, field)
      if index then
        redis.call('ZREM', KEYS[3], string.rep('0', 10 - #prev) .. prev .. ':' .. user)
      end
      n = n - 1
    end
    v = math.max(v + 1, nowUs)
    changed = true
    status = 1
    if outbox then
      events[#events + 1] = tostring(#events / 2 + 1)
      events[#events + 1] = string.format('%.0f %.0f ', v, n) .. ARGV[a + 6]
    end
  end
  local liked = like
  if status == 3 then liked = prev ~= false end
  out[#out + 1] = status
  out[#out + 1] = liked and 1 or 0
  out[#out + 1] = n
  out[#out + 1] = v
end
if #events > 0 then
  if ARGV[7] ~= '' and redis.call('EXISTS', KEYS[4]) == 0 then
    -- a new outbox stream: index it in the same step, so the sweeper can never miss it; while the stream exists
    -- (it is deleted once empty) its content stays indexed
    redis.call('ZADD', KEYS[5], string.format('%.3f', nowUs / 1000), ARGV[7])
  end
  out[1] = redis.call('XADD', KEYS[4], '*', unpack(events))
end
if changed then
  redis.call('HSET', meta, 'n', string.format('%.0f', n), 'v', string.format('%.0f', v))
  if hot > 0 then
    local nowMs = math.floor(nowUs / 1000)
    local x = tonumber(redis.call('HGET', meta, 'x') or '0')
    if x - nowMs < hot / 2 then
      x = nowMs + hot
      redis.call('HSET', meta, 'x', string.format('%.0f', x))
      redis.call('PEXPIREAT', meta, x)
      redis.call('PEXPIREAT', KEYS[2], x)
      for _, b in ipairs(redis.call('SMEMBERS', KEYS[2])) do
        redis.call('PEXPIREAT', ARGV[5] .. b, x)
      end
    else
      for _, bucket in ipairs(newBuckets) do
        redis.call('PEXPIREAT', bucket, x)
      end
      redis.call('PEXPIREAT', KEYS[2], x)
    end
  end
end
return out
