-- Completes a load: the meta hash appears, and with it the content, all at once.
-- KEYS[1] meta, KEYS[2] load lock; ARGV[1] lock token, ARGV[2] count, ARGV[3] version, ARGV[4] expiry time ms
-- Returns 1, or 0 if the lock was lost (nothing written).
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'n', ARGV[2], 'v', ARGV[3], 's', '1', 'x', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('DEL', KEYS[2])
return 1
