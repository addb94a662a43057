-- Records one applied change in the acting user's index of likes ("my likes"), order-safely: a change whose
-- version is not newer than the one recorded for the same content is ignored, so retries and reordering are harmless.
-- KEYS[1] the user's likes index: sorted set of 'tttttttttt!type!iiiiiiiiiiiiiiiiiiii', lexicographic
-- KEYS[2] the user's versions hash: 'type:id' -> 'version|member' ('version|' once unliked)
-- ARGV[1] 'type:id', ARGV[2] version, ARGV[3] '1' like / '0' unlike, ARGV[4] index member of the like
local prev = redis.call('HGET', KEYS[2], ARGV[1])
if prev then
  local sep = string.find(prev, '|', 1, true)
  if tonumber(string.sub(prev, 1, sep - 1)) >= tonumber(ARGV[2]) then return 0 end
  local old = string.sub(prev, sep + 1)
  if old ~= '' then redis.call('ZREM', KEYS[1], old) end
end
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], 0, ARGV[4])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. ARGV[4])
else
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|')
end
return 1
