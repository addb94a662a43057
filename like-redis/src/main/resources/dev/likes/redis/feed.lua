-- Reads a feed page for one user in one call: for each content, whether the user likes it and, when asked, its count.
-- KEYS[2i-1], KEYS[2i] for content i: its meta hash, the user's status bucket of it
-- ARGV[1]  '1' in cache mode, where a content's liked flags are known only when its state is loaded (meta s = '1')
-- ARGV[2i], ARGV[2i+1] for content i: '1' to read its count, the user's bucket field
-- Returns three values per content: liked (1, 0, or -1 when the state is not loaded), and the count and version (-1
-- and 0 when not asked for or when Redis holds no count).
local cache = ARGV[1] == '1'
local out = {}
for i = 1, #KEYS / 2 do
  local wantCount = ARGV[2 * i] == '1'
  local n, v, s = nil, nil, nil
  if wantCount or cache then
    local m = redis.call('HMGET', KEYS[2 * i - 1], 'n', 'v', 's')
    n, v, s = m[1], m[2], m[3]
  end
  if cache and s ~= '1' then
    out[#out + 1] = -1
  else
    out[#out + 1] = redis.call('HEXISTS', KEYS[2 * i], ARGV[2 * i + 1])
  end
  if wantCount and n then
    out[#out + 1] = tonumber(n)
    out[#out + 1] = tonumber(v or '0')
  else
    out[#out + 1] = -1
    out[#out + 1] = 0
  end
end
return out
