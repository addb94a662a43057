-- Removes a content from the outbox index once its outbox is empty, unless it was registered again after the cutoff
-- (a writer about to add entries): the index never loses a content whose outbox may get entries.
-- KEYS[1] the outbox index; ARGV[1] the content ('type:id'), ARGV[2] the cutoff (ms)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
