#!lua
-- Caches a content's count alone (for counts of contents nobody writes), unless the content is there already.
-- KEYS[1] meta; ARGV[1] count, ARGV[2] TTL ms. Returns 1 if written, 0 if the meta existed.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'n', ARGV[1], 's', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
