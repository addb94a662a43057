-- outbox-ack.lua for several contents in one call (one Redis node only: the streams live in several hash slots).
-- KEYS     the outbox streams
-- ARGV[i]  for i = 1..#KEYS: how many entry ids of stream i follow; then the ids, stream by stream
-- Returns how many entries were removed.
local removed = 0
local at = #KEYS + 1
for i = 1, #KEYS do
  local n = tonumber(ARGV[i])
  removed = removed + redis.call('XDEL', KEYS[i], unpack(ARGV, at, at + n - 1))
  at = at + n
  if redis.call('XLEN', KEYS[i]) == 0 then
    redis.call('DEL', KEYS[i])
  end
end
return removed
