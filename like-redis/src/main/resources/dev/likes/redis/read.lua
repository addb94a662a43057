#!lua flags=no-writes
-- Reads, for one user, whether they like each of several contents and, when asked, each content's count: a feed page,
-- hasLiked, likedAmong. On Redis Cluster all contents of a call are in one shard.
-- KEYS[i]  content i's main hash (meta fields and status bucket 0)
-- ARGV[1]  '1' in cache mode, where a content's liked flags are known only when its state is loaded (s = '1')
-- ARGV[2]  the user id, ARGV[3] the user's address hash
-- ARGV[2+2i], ARGV[3+2i] for content i: its bucket key prefix, '1' to read its count
-- Returns three values per content: liked (1, 0, or -1 when the state is not loaded), and the count and version (-1
-- and 0 when not asked for or when Redis holds no count).
local cache = ARGV[1] == '1'
local user = ARGV[2]
local h = tonumber(ARGV[3])
local out = {}
for i = 1, #KEYS do
  local m = redis.call('HMGET', KEYS[i], 's', 'n', 'v', 'g', 'l', 'p', user)
  local loaded = m[1] == '1' or (not cache and not m[1])
  if not loaded then
    out[#out + 1] = -1
  elseif not m[1] then
    out[#out + 1] = 0
  else
    local pow = 2 ^ ((m[5] and m[5] ~= '') and tonumber(m[5]) or 0)
    local a = h % pow
    if a < ((m[6] and m[6] ~= '') and tonumber(m[6]) or 0) then a = h % (2 * pow) end
    if a == 0 then
      out[#out + 1] = m[7] and 1 or 0
    else
      out[#out + 1] = redis.call('HEXISTS', ARGV[2 + 2 * i] .. ((m[4] and m[4] ~= '') and m[4] or '0') .. ':' .. a, user)
    end
  end
  if ARGV[3 + 2 * i] == '1' and m[2] and m[2] ~= '' then
    out[#out + 1] = tonumber(m[2])
    out[#out + 1] = (m[3] and m[3] ~= '') and tonumber(m[3]) or 0
  else
    out[#out + 1] = -1
    out[#out + 1] = 0
  end
end
return out
