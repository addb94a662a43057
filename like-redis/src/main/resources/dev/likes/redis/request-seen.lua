#!lua flags=no-writes
-- Whether the shard remembers a request ID: the test apply.lua makes before applying an operation.
-- KEYS[1] the shard's request IDs (e = the current epoch); ARGV[1] the member 'type:id:userId:requestId'
-- Returns 1 when the current or the previous epoch holds the member and its time to be forgotten is still ahead.
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = tonumber(redis.call('HGET', KEYS[1], 'e') or '0')
for _, e in ipairs({epoch, epoch - 1}) do
  local forgetAt = redis.call('HGET', KEYS[1] .. ':' .. e, ARGV[1])
  if forgetAt and tonumber(forgetAt) > nowMs then return 1 end
end
return 0
