-- Removes relayed entries from one content's outbox stream, and the stream itself once it is empty, atomically: an
-- entry the apply script adds meanwhile is never deleted with the stream.
-- KEYS[1]  the outbox stream
-- ARGV     the entry ids the event log acknowledged
-- Returns how many entries were removed.
local removed = 0
for from = 1, #ARGV, 1000 do -- Lua unpacks at most a few thousand values at once
  removed = removed + redis.call('XDEL', KEYS[1], unpack(ARGV, from, math.min(from + 999, #ARGV)))
end
if redis.call('XLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1])
end
return removed
