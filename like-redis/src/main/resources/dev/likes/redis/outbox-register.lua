-- Registers contents about to be written to their outbox streams, before the apply script runs, in the outbox index
-- (a sorted set: member 'type:id', score the Redis time in ms of the latest registration). The sweeper visits only
-- the contents registered here, never the whole keyspace.
-- KEYS[1] the outbox index; ARGV the contents ('type:id')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #ARGV do
  redis.call('ZADD', KEYS[1], now, ARGV[i])
end
return now
