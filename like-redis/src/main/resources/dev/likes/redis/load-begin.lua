-- Starts loading a content from the durable store: takes the load lock and clears what a failed load left.
-- KEYS[1] meta, KEYS[2] bucket set, KEYS[3] load lock; ARGV[1] lock token, ARGV[2] lock TTL ms, ARGV[3] bucket prefix
-- Returns 0 if the content is loaded already, -1 if another loader holds the lock, 1 if the caller may load.
if redis.call('HGET', KEYS[1], 's') == '1' then return 0 end
if not redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
for _, b in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', ARGV[3] .. b)
end
redis.call('DEL', KEYS[2])
return 1
