#!lua
-- Applies a batch of likes and unlikes of the contents of ONE shard, atomically and in order. Every key it declares
-- or builds carries the shard's hash tag, except the users' likes indexes, which it writes only on one Redis node.
-- A content's meta fields and status bucket 0 live in its main hash, read with one HMGET and written with one HSET per
-- call: a content with few likers (most of a feed's) costs two commands per call, whatever its number of operations.
-- An operation in another bucket (a content with many likers) is one HSETNX or HDEL. The request IDs are read with
-- two HMGETs and written with one HSET per call, and the call's events go out in one XADD.
-- Work per call is bounded: buckets split a few at a time, expiry moves to a content's buckets a few at a time, and the
-- request IDs are dropped an epoch at a time, by UNLINK, which frees a large hash in the background.
-- KEYS[1]  the shard's request IDs: a hash (e = the current epoch, t = when it began, ms); the IDs of epoch E are in
--          the hash KEYS[1]:E, 'type:id:userId:requestId' -> when the ID may be forgotten (ms)
-- KEYS[2]  the shard's outbox stream: one entry per call that applied a change (only when ARGV[4] is '1')
-- KEYS[2+i] for content i = 1..C: its main hash (meta fields, named by letters, and bucket 0: user id -> time - b)
-- ARGV[1]  '1' when Redis is the source of truth (a missing content is empty); '0': a missing content must be loaded
-- ARGV[2]  hot TTL in ms, 0 for keys that never expire
-- ARGV[3]  request-ID TTL in ms
-- ARGV[4]  '1' to write the applied changes to the outbox stream
-- ARGV[5]  the most request IDs the shard keeps
-- ARGV[6]  '1' to keep the users' likes indexes in this call (one Redis node, source of truth)
-- ARGV[7]  the average users per status bucket above which a content's buckets split (Keys.bucketLoad)
-- ARGV[8]  C, the number of contents
-- ARGV[9]  the batch's events, one line per operation (OutboxEvents), '' without an outbox
-- A main hash holds s = '1' (loaded; '0' count only, 'L' loading), n count, v version, x expiry (ms), g generation of
-- the buckets, b time base (s), l + p level and split pointer (linear hashing), c + y the bucket the expiry y moves to
-- next ('' when none), in this order, then the users of bucket 0: user id -> like time - b (s).
-- ARGV[10+4(i-1)..] for content i: its bucket key prefix, its 'type:id', its likers index key ('' without one), and
--          the suffix '!type!iiiiiiiiiiiiiiiiiiii' of its members in the users' likes indexes ('' without them)
-- then for operation k, 7 values: action ('1' like, '0' unlike), its content i, the user id, the user's address hash,
--          the time (s), the request-ID member ('' without one), and the user's likes index key ('' without one)
-- Returns the outbox entry id ('' when none was written); then per content its count and version before the call and
-- the version of its first applied change (0 when none; each later one is the previous plus 1); then one value per
-- operation: 2 * status + liked, where status is 0 not loaded (nothing changed), 1 applied, 2 unchanged, 3 duplicate
-- request, and liked is 1 or 0. An applied like adds 1 to its content's count, an applied unlike takes 1.
-- The outbox entry has three fields: 'h', one line 'type:id firstVersion countBefore' per content with changes; 'a',
-- one character per operation, '1' when it applied a change; 'o', ARGV[9] as given. Versions and counts follow from
-- 'h' as for the reply.
local call, tonumber, tostring, format, unpack = redis.call, tonumber, tostring, string.format, unpack
local truth = ARGV[1] == '1'
local hot = tonumber(ARGV[2])
local ridTtl = tonumber(ARGV[3])
local outbox = ARGV[4] == '1'
local ridCap = tonumber(ARGV[5])
local userIndex = ARGV[6] == '1'
local ALPHA = tonumber(ARGV[7])
local C = tonumber(ARGV[8])
local first = 10 + 4 * C
local ops = (#ARGV - first + 1) / 7
-- buckets split at most MAXSPLIT per content per call, moving at most about 640 users in all; expiry moves to STEP
-- buckets per call
local MAXSPLIT, STEP = math.max(1, math.floor(320 / ALPHA)), 64
local P, HA, HB, HD, HE = 16777213, 9576883, 5382577, 12582917, 3141592

local t = call('TIME')
local nowS = tonumber(t[1])
local nowUs = nowS * 1000000 + tonumber(t[2])
local nowMs = math.floor(nowUs / 1000)

-- the address hash of a user id given as decimal digits (Keys.addressHash)
local function addressHash(u)
  local len = #u
  local lo, hi = tonumber(u), 0
  if len > 9 then
    lo = tonumber(string.sub(u, len - 8))
    hi = tonumber(string.sub(u, 1, len - 9))
  end
  local h = ((lo % P) * HA + (hi % P) * HB) % P
  return (h * HD + HE) % P
end

local function address(h, c)
  local a = h % c.pow
  if a < c.p then a = h % (2 * c.pow) end
  return a
end

local function bucketKey(c, a)
  if a == 0 then return c.key end
  local prefix = c.bucketPrefix
  if not prefix then
    prefix = c.prefix .. c.g .. ':'
    c.bucketPrefix = prefix
  end
  return prefix .. a
end

local function pad(s, width)
  return string.rep('0', width - #s) .. s
end

-- read each content's meta fields and, for a content with few operations in the batch, its users' fields in bucket
-- 0 in the same command (a content with many is likely to have many buckets: its fields are read once its layout is
-- known). The meta fields come first in the main hash, so they are found at once.
local cs = {}
for i = 1, C do
  local at = 10 + 4 * (i - 1)
  cs[i] = {key = KEYS[2 + i], prefix = ARGV[at], ref = ARGV[at + 1], likers = ARGV[at + 2], suffix = ARGV[at + 3],
           fields = {}, was = {}, vals = {}, ops = 0,
           -- set later; named here so that the table is created at its full size
           ok = false, new = false, n = 0, v = 0, n0 = 0, v0 = 0, firstV = 0, x = 0, g = '0', base = 0, level = 0,
           p = 0, cursor = false, y = false, pow = 1, bucketPrefix = false, b0 = false, changed = false,
           likerOps = false}
end
local opc = {}
for k = 1, ops do
  local a = first + 7 * (k - 1)
  local c = cs[tonumber(ARGV[a + 1])]
  opc[k] = c
  c.ops = c.ops + 1
  local f = ARGV[a + 2]
  local was = c.was
  if was[f] == nil then
    was[f] = true
    c.fields[#c.fields + 1] = f
  end
end
local function num(value, default)
  if not value or value == '' then return default end
  return tonumber(value)
end
local META = 10
for i = 1, C do
  local c = cs[i]
  local early = c.ops <= 4
  local m
  if early then
    m = call('HMGET', c.key, 's', 'n', 'v', 'x', 'g', 'b', 'l', 'p', 'c', 'y', unpack(c.fields))
  else
    m = call('HMGET', c.key, 's', 'n', 'v', 'x', 'g', 'b', 'l', 'p', 'c', 'y')
  end
  if not m[1] and truth then
    c.ok, c.new = true, true
  else
    c.ok = m[1] == '1'
  end
  if c.ok then
    c.n = tonumber(m[2] or '0')
    c.v = tonumber(m[3] or '0')
    c.n0, c.v0, c.firstV = c.n, c.v, 0
    c.x = num(m[4], 0)
    c.g = (m[5] and m[5] ~= '') and m[5] or '0'
    c.base = num(m[6], nowS)
    c.level = num(m[7], 0)
    c.p = num(m[8], 0)
    if m[9] and m[9] ~= '' then
      c.cursor = tonumber(m[9])
      c.y = num(m[10], nil)
    end
    c.pow = 2 ^ c.level
    -- c.b0: the fields of bucket 0 that the call reads and may write; c.was holds each one's value as read (false
    -- when absent), c.vals its value as the call leaves it
    if early then
      local was, vals = c.was, c.vals
      for j, f in ipairs(c.fields) do
        local value = m[META + j] or false
        was[f] = value
        vals[f] = value
      end
      c.b0 = c.fields
    else
      c.b0 = {}
    end
  end
end

-- each operation's bucket; the fields in bucket 0 of contents read without them, one HMGET per content
local addr = {}
local late = {}
for k = 1, ops do
  local a = first + 7 * (k - 1)
  local c = opc[k]
  if c.ok then
    local b = address(tonumber(ARGV[a + 3]), c)
    addr[k] = b
    if b == 0 and c.ops > 4 then
      local f = ARGV[a + 2]
      if c.vals[f] == nil then
        c.vals[f] = false
        c.b0[#c.b0 + 1] = f
        if not late[c] then
          late[c] = true
          late[#late + 1] = c
        end
      end
    end
  end
end
for _, c in ipairs(late) do
  local values = call('HMGET', c.key, unpack(c.b0))
  local was, vals = c.was, c.vals
  for j, f in ipairs(c.b0) do
    local value = values[j] or false
    was[f] = value
    vals[f] = value
  end
end

-- the request IDs seen: the shard keeps them in two hashes, the current epoch's and the one before (member -> when
-- it may be forgotten, ms); an epoch ends after a TTL or when its hash holds half the cap, and the hash before it is
-- then dropped (UNLINK frees it in the background), so lookups and writes cost O(1) per ID and memory stays bounded
local members = {}
for k = 1, ops do
  local m = ARGV[first + 7 * (k - 1) + 5]
  if m ~= '' then members[#members + 1] = m end
end
local seen = {}
local epoch, epochStart
if #members > 0 then
  local em = call('HMGET', KEYS[1], 'e', 't')
  epoch, epochStart = tonumber(em[1] or '0'), tonumber(em[2] or '0')
  for _, e in ipairs({epoch, epoch - 1}) do
    local expiries = call('HMGET', KEYS[1] .. ':' .. e, unpack(members))
    for j, m in ipairs(members) do
      if expiries[j] and tonumber(expiries[j]) > nowMs then seen[m] = true end
    end
  end
end

-- decide each operation in order against the state the earlier ones left
local forgetAt = format('%.0f', nowMs + ridTtl)
local newMembers = {}
local headers, marks, changes = {}, {}, 0
local codes = {}
local userAdds, userRems = {}, {}
for k = 1, ops do
  local a = first + 7 * (k - 1)
  local c = opc[k]
  local like = ARGV[a] == '1'
  local member = ARGV[a + 5]
  local status, liked = 0, 0
  if c.ok then
    local b = addr[k]
    local f = ARGV[a + 2]
    if member ~= '' and seen[member] then
      status = 3
      if b == 0 then
        liked = c.vals[f] ~= false and 1 or 0
      else
        liked = call('HEXISTS', bucketKey(c, b), f)
      end
    else
      if member ~= '' then
        seen[member] = true
        newMembers[#newMembers + 1] = member
        newMembers[#newMembers + 1] = forgetAt
      end
      local ts = tonumber(ARGV[a + 4])
      local time = ts
      local applied
      if b == 0 then
        -- bucket 0 is decided in memory and written once at the end
        local prev = c.vals[f]
        applied = (prev ~= false) ~= like
        if applied then
          if like then
            c.vals[f] = tostring(ts - c.base)
          else
            c.vals[f] = false
            time = c.base + tonumber(prev)
          end
        end
      elseif like then
        -- any other bucket is changed at once, one command per operation
        applied = call('HSETNX', bucketKey(c, b), f, tostring(ts - c.base)) == 1
      else
        local key = bucketKey(c, b)
        if c.likers ~= '' or userIndex then
          local prev = call('HGET', key, f)
          applied = prev ~= false
          if applied then
            call('HDEL', key, f)
            time = c.base + tonumber(prev)
          end
        else
          applied = call('HDEL', key, f) == 1
        end
      end
      liked = like and 1 or 0
      if not applied then
        status = 2
      else
        c.n = c.n + (like and 1 or -1)
        if c.likers ~= '' then
          if not c.likerOps then c.likerOps = {order = {}, present = {}} end
          local lm = pad(tostring(time), 10) .. ':' .. pad(f, 20)
          if c.likerOps.present[lm] == nil then c.likerOps.order[#c.likerOps.order + 1] = lm end
          c.likerOps.present[lm] = like
        end
        if userIndex then
          local um = pad(tostring(time), 10) .. c.suffix
          local list = like and userAdds or userRems
          list[#list + 1] = {ARGV[a + 6], um}
        end
        local v = c.v + 1
        if v < nowUs then v = nowUs end
        c.v = v
        if c.firstV == 0 then
          c.firstV = c.v
          if outbox then headers[#headers + 1] = format('%s %.0f %.0f', c.ref, c.v, c.n0) end
        end
        c.changed = true
        changes = changes + 1
        status = 1
      end
    end
  end
  codes[k] = 2 * status + liked
  marks[k] = status == 1 and '1' or '0'
end

-- write the net changes
-- splits bucket c.p into c.p and c.p + 2^level (linear hashing): at most ~128 fields move. Every bucket but 0 holds
-- the field '~' from its creation on, so it never disappears when its users leave and keeps its expiry.
local function split(c)
  local from = c.p
  local to = from + c.pow
  local src = bucketKey(c, from)
  local dst = bucketKey(c, to)
  local all = call('HGETALL', src)
  local move, gone = {'~', ''}, {}
  for j = 1, #all, 2 do
    local f = all[j]
    if string.byte(f, 1) <= 57 and addressHash(f) % (2 * c.pow) == to then
      move[#move + 1] = f
      move[#move + 1] = all[j + 1]
      gone[#gone + 1] = f
    end
  end
  call('HSET', dst, unpack(move))
  if #gone > 0 then call('HDEL', src, unpack(gone)) end
  if hot > 0 then call('PEXPIREAT', dst, format('%.0f', c.y or c.x)) end
  c.p = c.p + 1
  if c.p == c.pow then
    c.level = c.level + 1
    c.pow = c.pow * 2
    c.p = 0
  end
end

for i = 1, C do
  local c = cs[i]
  if c.ok and c.changed then
    -- the meta fields go first, so that a new main hash holds them at its head
    local set = {'n', tostring(c.n), 'v', format('%.0f', c.v)}
    if c.new then
      set = {'s', '1', set[1], set[2], set[3], set[4], 'x', '0', 'g', '0', 'b', tostring(c.base), 'l', '0', 'p', '0',
             'c', '', 'y', ''}
    end
    local moveMain = false
    if hot > 0 then
      -- expiry: the main hash (and with it the content) never outlives a bucket. When less than half the hot TTL is
      -- left, the new expiry y goes to the buckets STEP at a time, from bucket c, and then to the main hash.
      if not c.cursor and c.x - nowMs < hot / 2 then
        c.y = nowMs + hot
        c.cursor = 1
      end
      if c.cursor then
        local buckets = c.pow + c.p
        local last = math.min(c.cursor + STEP - 1, buckets - 1)
        for b = c.cursor, last do
          call('PEXPIREAT', bucketKey(c, b), format('%.0f', c.y))
        end
        c.cursor = last + 1
        if c.cursor >= buckets then
          c.x, c.cursor, c.y = c.y, nil, nil
          moveMain = true
          set[#set + 1] = 'x'
          set[#set + 1] = format('%.0f', c.x)
          set[#set + 1] = 'c'
          set[#set + 1] = ''
          set[#set + 1] = 'y'
          set[#set + 1] = ''
        else
          set[#set + 1] = 'c'
          set[#set + 1] = tostring(c.cursor)
          set[#set + 1] = 'y'
          set[#set + 1] = format('%.0f', c.y)
        end
      end
    end
    local del = {}
    local was, vals = c.was, c.vals
    for _, f in ipairs(c.b0) do
      local now = vals[f]
      if now ~= was[f] then
        if now then
          set[#set + 1] = f
          set[#set + 1] = now
        else
          del[#del + 1] = f
        end
      end
    end
    call('HSET', c.key, unpack(set))
    if #del > 0 then call('HDEL', c.key, unpack(del)) end
    if moveMain then
      call('PEXPIREAT', c.key, format('%.0f', c.x))
    end
    local splits = 0
    while c.n > ALPHA * (c.pow + c.p) and splits < MAXSPLIT do
      split(c)
      splits = splits + 1
    end
    if splits > 0 then
      call('HSET', c.key, 'l', tostring(c.level), 'p', tostring(c.p))
    end
    if c.likerOps then
      local add, rem = {}, {}
      for _, lm in ipairs(c.likerOps.order) do
        if c.likerOps.present[lm] then
          add[#add + 1] = 0
          add[#add + 1] = lm
        else
          rem[#rem + 1] = lm
        end
      end
      if #rem > 0 then call('ZREM', c.likers, unpack(rem)) end
      if #add > 0 then call('ZADD', c.likers, unpack(add)) end
    end
  end
end
for _, r in ipairs(userRems) do call('ZREM', r[1], r[2]) end
for _, r in ipairs(userAdds) do call('ZADD', r[1], 0, r[2]) end

-- request IDs: the new ones go to the current epoch's hash, after starting a new epoch when this one is over. An
-- epoch's IDs are all written within a TTL of its start, so its hash may expire two TTLs after it: a shard nobody
-- writes forgets its IDs by itself, and the expiry is set once per epoch.
if #newMembers > 0 then
  local current = KEYS[1] .. ':' .. epoch
  if nowMs - epochStart >= ridTtl or call('HLEN', current) >= ridCap / 2 then
    -- every ID of the epoch before this one is older than a TTL (or beyond the cap): it goes
    call('UNLINK', KEYS[1] .. ':' .. (epoch - 1))
    epoch = epoch + 1
    current = KEYS[1] .. ':' .. epoch
    call('HSET', KEYS[1], 'e', tostring(epoch), 't', format('%.0f', nowMs))
    call('HSET', current, unpack(newMembers))
    call('PEXPIREAT', current, format('%.0f', nowMs + 2 * ridTtl))
    call('PEXPIREAT', KEYS[1], format('%.0f', nowMs + 3 * ridTtl))
  else
    call('HSET', current, unpack(newMembers))
  end
end

local out = {''}
if outbox and changes > 0 then
  out[1] = call('XADD', KEYS[2], '*', 'h', table.concat(headers, '\n'), 'a', table.concat(marks), 'o', ARGV[9])
end
for i = 1, C do
  local c = cs[i]
  if c.ok then
    out[#out + 1] = c.n0
    out[#out + 1] = c.v0
    out[#out + 1] = c.firstV
  else
    out[#out + 1] = 0
    out[#out + 1] = 0
    out[#out + 1] = 0
  end
end
for k = 1, ops do out[#out + 1] = codes[k] end
return out
