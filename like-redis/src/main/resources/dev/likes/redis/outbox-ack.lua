#!lua flags=allow-oom
-- Removes relayed entries from shards' outbox streams (on Redis Cluster, of one shard per call).
-- KEYS     the outbox streams
-- ARGV[i]  for i = 1..#KEYS: how many entry ids of stream i follow; then the ids, stream by stream
-- Returns how many entries were removed.
local n = #KEYS
local removed = 0
local at = n + 1
for i = 1, n do
  local count = tonumber(ARGV[i])
  for from = at, at + count - 1, 1000 do -- Lua unpacks at most a few thousand values at once
    removed = removed + redis.call('XDEL', KEYS[i], unpack(ARGV, from, math.min(from + 999, at + count - 1)))
  end
  at = at + count
end
return removed
