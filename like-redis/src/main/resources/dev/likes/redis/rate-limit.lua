#!lua
-- A token bucket per user: takes one token if there is one.
-- KEYS[1]  the user's bucket hash: k = tokens left (may be fractional), t = time of the last refill (ms)
-- ARGV[1]  tokens added per second, ARGV[2] bucket size (burst)
-- Returns 0 when a token was taken, else the ms until one will be there.
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'k', 't')
local tokens = tonumber(state[1]) or burst
local last = tonumber(state[2]) or now
if now > last then
  tokens = math.min(burst, tokens + (now - last) * rate / 1000)
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'k', tostring(tokens), 't', string.format('%.0f', math.max(now, last)))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
