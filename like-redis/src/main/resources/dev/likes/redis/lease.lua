#!lua flags=allow-oom
-- Takes, renews or releases a lease (the outbox sweep of one shard): one holder at a time, until it expires.
-- KEYS[1] the lease; ARGV[1] the holder's token, ARGV[2] the lease time in ms, or '0' to release it
-- Returns 1 when the caller holds the lease (or released it), 0 when another holder has it.
local holder = redis.call('GET', KEYS[1])
if ARGV[2] == '0' then
  if holder == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 1
end
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
