-- outbox-ack.lua for several contents in one call, on one Redis node (the streams live in several hash slots), where
-- the apply script indexes a content in the step that creates its outbox stream: a stream deleted here because it is
-- empty leaves the outbox index in the same step, so the index holds only contents with entries, and the sweeper
-- never has to visit the rest.
-- KEYS[1]  the outbox index; KEYS[1+i] for i = 1..n: the outbox streams
-- ARGV[i]  for i = 1..n: how many entry ids of stream i follow; ARGV[n+i]: the content of stream i ('type:id');
--          then the ids, stream by stream
-- Returns how many entries were removed.
local n = #KEYS - 1
local removed = 0
local at = 2 * n + 1
-- emptied streams are deleted, and leave the index, together at the end (in chunks: Lua unpacks at most a few
-- thousand values at once)
local gone, members = {}, {}
local function drop()
  if #gone > 0 then
    redis.call('DEL', unpack(gone))
    redis.call('ZREM', KEYS[1], unpack(members))
    gone, members = {}, {}
  end
end
for i = 1, n do
  local count = tonumber(ARGV[i])
  local stream = KEYS[1 + i]
  for from = at, at + count - 1, 1000 do
    removed = removed + redis.call('XDEL', stream, unpack(ARGV, from, math.min(from + 999, at + count - 1)))
  end
  at = at + count
  if redis.call('XLEN', stream) == 0 then
    gone[#gone + 1] = stream
    members[#members + 1] = ARGV[n + i]
    if #gone == 1000 then drop() end
  end
end
drop()
return removed
