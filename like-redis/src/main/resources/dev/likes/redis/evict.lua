-- Drops a content's cached state (cache mode only), so that the next access loads it again from the durable store.
-- Refuses while the content's outbox holds changes the durable store may not have yet.
-- KEYS[1] meta hash, KEYS[2] bucket set, KEYS[3] outbox stream
-- ARGV[1] bucket key prefix
-- Returns 1 when evicted, 0 when the outbox is not empty (nothing changed).
if redis.call('EXISTS', KEYS[3]) == 1 and redis.call('XLEN', KEYS[3]) > 0 then
  return 0
end
for _, b in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', ARGV[1] .. b)
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
