-- Removes relayed entries from one content's outbox stream, and the stream itself once it is empty, atomically: an
-- entry the apply script adds meanwhile is never deleted with the stream.
-- KEYS[1]  the outbox stream
-- ARGV     the entry ids the event log acknowledged
-- Returns how many entries were removed.
local removed = redis.call('XDEL', KEYS[1], unpack(ARGV))
if redis.call('XLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1])
end
return removed
