#!lua
-- Completes a load: the meta fields appear in the main hash, and with them the content, all at once.
-- KEYS[1] main hash, KEYS[2] load lock; ARGV[1] lock token, ARGV[2] count, ARGV[3] version, ARGV[4] expiry time ms,
-- ARGV[5] generation, ARGV[6] time base (s), ARGV[7] level, ARGV[8] split pointer
-- Returns 1, or 0 if the lock was lost (nothing written).
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'n', ARGV[2], 'v', ARGV[3], 's', '1', 'x', ARGV[4], 'g', ARGV[5], 'b', ARGV[6],
  'l', ARGV[7], 'p', ARGV[8], 'c', '', 'y', '')
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('DEL', KEYS[2])
return 1
