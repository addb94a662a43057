#!lua flags=allow-oom
-- Drops a content's cached state (cache mode only), so that the next access loads it again from the durable store:
-- its main hash goes, and with it the generation its buckets belong to (they expire by themselves; a new load writes a
-- new generation). Refuses while the shard's outbox holds changes the durable store may not have yet.
-- KEYS[1] main hash, KEYS[2] the shard's outbox stream
-- Returns 1 when evicted, 0 when the outbox is not empty (nothing changed).
if redis.call('XLEN', KEYS[2]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
