#!lua
-- Records applied changes in the acting users' indexes of likes ("my likes") on Redis Cluster, where they live in
-- other slots than the contents; one call per user shard. Order-safe: a change whose version is not newer than the
-- one recorded for the same (user, content) is ignored, so retries and reordering are harmless.
-- KEYS[2j-1], KEYS[2j] for change j: the user's likes index (sorted set of 'tttttttttt!type!iiiiiiiiiiiiiiiiiiii',
--          lexicographic) and versions hash ('type:id' -> 'version|member', 'version|' once unliked)
-- ARGV[4j-3..4j] for change j: 'type:id', version, '1' like / '0' unlike, index member of the like
-- Returns how many changes were recorded.
local recorded = 0
for j = 1, #KEYS / 2 do
  local index, versions = KEYS[2 * j - 1], KEYS[2 * j]
  local content, version, like, member = ARGV[4 * j - 3], ARGV[4 * j - 2], ARGV[4 * j - 1], ARGV[4 * j]
  local prev = redis.call('HGET', versions, content)
  local newer = true
  if prev then
    local sep = string.find(prev, '|', 1, true)
    if tonumber(string.sub(prev, 1, sep - 1)) >= tonumber(version) then
      newer = false
    else
      local old = string.sub(prev, sep + 1)
      if old ~= '' then redis.call('ZREM', index, old) end
    end
  end
  if newer then
    if like == '1' then
      redis.call('ZADD', index, 0, member)
      redis.call('HSET', versions, content, version .. '|' .. member)
    else
      redis.call('HSET', versions, content, version .. '|')
    end
    recorded = recorded + 1
  end
end
return recorded
