#!lua
-- Writes one chunk of a content's likers while the caller holds the load lock.
-- KEYS[1] load lock; ARGV[1] lock token, ARGV[2] expiry time ms, ARGV[3] lock TTL ms,
-- then triples: bucket key, user id, like time - time base (s); or bucket key, '~', '' for the field every bucket
-- but 0 holds
-- Returns 1, or 0 if the lock was lost (nothing written).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local touched = {}
for i = 4, #ARGV, 3 do
  local key = ARGV[i]
  redis.call('HSET', key, ARGV[i + 1], ARGV[i + 2])
  if not touched[key] then
    touched[key] = true
    redis.call('PEXPIREAT', key, ARGV[2])
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
