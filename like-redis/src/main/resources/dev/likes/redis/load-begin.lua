#!lua
-- Starts loading a content from the durable store: takes the load lock, replaces what a count-only cache or a failed
-- load left in the main hash by its meta fields (empty, and s = 'L': not loaded yet; first, so that later reads find
-- them at the head of the hash), and picks the generation of the buckets the load writes (a failed load's buckets
-- are of another generation and expire by themselves).
-- KEYS[1] main hash, KEYS[2] load lock; ARGV[1] lock token, ARGV[2] lock TTL ms
-- Returns 0 if the content is loaded already, -1 if another loader holds the lock, else the generation (> 0).
if redis.call('HGET', KEYS[1], 's') == '1' then return 0 end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 's', 'L', 'n', '', 'v', '', 'x', '', 'g', '', 'b', '', 'l', '', 'p', '', 'c', '', 'y', '')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local t = redis.call('TIME')
return tonumber(t[1]) * 1000000 + tonumber(t[2])
