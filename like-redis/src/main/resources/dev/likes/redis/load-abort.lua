#!lua flags=allow-oom
-- Ends a failed load: releases the load lock if the caller still holds it, and removes the 'not loaded yet' meta
-- fields load-begin wrote, so that the next call (in any process) loads at once instead of waiting for the lock's
-- expiry. The failed load's buckets are of its own generation and expire by themselves.
-- KEYS[1] main hash, KEYS[2] load lock; ARGV[1] lock token
-- Returns 1 if the lock was released, 0 if the caller no longer held it.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 's') == 'L' then redis.call('DEL', KEYS[1]) end
redis.call('DEL', KEYS[2])
return 1
