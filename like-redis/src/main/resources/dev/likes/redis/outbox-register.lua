-- Registers contents about to be written to their outbox streams, before the apply script runs, in the outbox index
-- (a sorted set: member 'type:id', score the Redis time in ms, to the microsecond, of the latest registration). Used
-- on Redis Cluster, where the index lives on another node than the content; on one node the apply script indexes a
-- content itself. The sweeper visits only the contents indexed, never the whole keyspace.
-- KEYS[1] the outbox index; ARGV the contents ('type:id')
local t = redis.call('TIME')
local now = string.format('%.3f', tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000)
for i = 1, #ARGV do
  redis.call('ZADD', KEYS[1], now, ARGV[i])
end
return 1
