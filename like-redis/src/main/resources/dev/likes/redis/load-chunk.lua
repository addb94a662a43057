-- Writes one chunk of a content's likers while the caller holds the load lock.
-- KEYS[1] bucket set, KEYS[2] load lock
-- ARGV[1] lock token, ARGV[2] expiry time ms, ARGV[3] bucket prefix, ARGV[4] lock TTL ms,
-- then triples: bucket id, field, like time (s)
-- Returns 1, or 0 if the lock was lost (nothing written).
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
for i = 5, #ARGV, 3 do
  local key = ARGV[3] .. ARGV[i]
  redis.call('HSET', key, ARGV[i + 1], ARGV[i + 2])
  redis.call('SADD', KEYS[1], ARGV[i])
  redis.call('PEXPIREAT', key, ARGV[2])
end
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
