-- The contents whose last registration is older than the grace period, oldest first, and the cutoff time.
-- KEYS[1] the outbox index; ARGV[1] grace in ms, ARGV[2] how many at most
-- Returns {cutoff (ms, to the microsecond), member...}
local t = redis.call('TIME')
local cutoff = string.format('%.3f', tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 - tonumber(ARGV[1]))
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff, 'LIMIT', 0, tonumber(ARGV[2]))
table.insert(due, 1, cutoff)
return due
