-- Counts the events in one content's outbox stream: one per field of an entry (an entry holds one script call's
-- changes) but its header 'h', one per entry of the earlier one-event-per-entry format (whose first field is 'e').
-- For monitoring: it reads the whole stream.
-- KEYS[1] the outbox stream
local n = 0
local start = '-'
while true do
  local page = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', 1000)
  for _, entry in ipairs(page) do
    local fields = entry[2]
    if fields[1] == 'e' then
      n = n + 1
    elseif fields[1] == 'h' then
      n = n + #fields / 2 - 1
    else
      n = n + #fields / 2
    end
  end
  if #page < 1000 then return n end
  start = '(' .. page[#page][1]
end
