package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A user's erasure ({@link JdbiLikeStore#eraseUser}): on every shard, batch by batch, each in a transaction of its own.
 */
final class Erasures {

    /* Lock order. The batch writes the erasure's row in like_erasures first, then locks the user's records. The event
       applier locks its records first, then reads like_erasures with shared locks. Whichever of the two gets the
       like_erasures row first makes the other wait: a batch of events read before the erasure commits before it, so
       the erasure's locking read of the records sees what the batch wrote; a batch that reads after sees the erasure
       and ignores the user's older events. A cycle (the applier holding a record the erasure wants) is a deadlock
       that InnoDB breaks, and both transactions run again. */

    private static final long[] NONE = new long[2];

    private Erasures() {}

    /** Erases the user on every shard's primary, in turn; the number of records deleted. */
    static CompletionStage<Long> eraseUser(ShardWork work, long userId, Instant erasedAt, int batchSize,
            Consumer<List<LikeEvent>> beforeDelete) {
        return work.async("erase a user", () -> {
            long erased = 0;
            for (JdbiShard shard : work.shards()) {
                Jdbi primary = shard.primary();
                int n;
                do {
                    n = Transactions.run(primary, work.timed(
                            h -> eraseBatch(h, userId, erasedAt, batchSize, beforeDelete)));
                    erased += n;
                } while (n > 0);
                do {
                    n = primary.withHandle(work.timed(h -> eraseRequests(h, userId, batchSize)));
                } while (n == batchSize);
                primary.useHandle(h -> complete(h, userId));
            }
            return erased;
        });
    }

    /**
     * Records the erasure and deletes at most {@code limit} of the user's records: from the hot table, or from the
     * archive once the hot table holds none. The user leaves the counts of the contents whose record was liked.
     *
     * @return how many records were deleted; 0 when none is left
     */
    static int eraseBatch(Handle handle, long userId, Instant erasedAt, int limit, Consumer<List<LikeEvent>> beforeDelete) {
        handle.createUpdate("INSERT INTO like_erasures (user_id, erased_at) VALUES (?, ?)"
                        + " ON DUPLICATE KEY UPDATE erased_at = GREATEST(erased_at, VALUES(erased_at)), completed_at = NULL")
                .bind(0, userId)
                .bind(1, Times.toSql(erasedAt))
                .execute();
        for (String table : List.of("like_records", "like_records_archive")) {
            List<Record> records = handle.createQuery("SELECT id, content_id, content_type, is_canceled, version FROM "
                            + table + " FORCE INDEX (uk_user_content) WHERE user_id = ?"
                            + " ORDER BY content_id, content_type LIMIT ? FOR UPDATE")
                    .bind(0, userId)
                    .bind(1, limit)
                    .map((rs, ctx) -> new Record(rs.getLong(1), ContentRef.of(rs.getString(3), rs.getLong(2)),
                            rs.getBoolean(4), rs.getLong(5)))
                    .list();
            if (!records.isEmpty()) {
                erase(handle, table, userId, erasedAt, records, beforeDelete);
                return records.size();
            }
        }
        return 0;
    }

    private static void erase(Handle handle, String table, long userId, Instant erasedAt, List<Record> records,
            Consumer<List<LikeEvent>> beforeDelete) {
        Map<ContentRef, long[]> deltas = new LinkedHashMap<>(); // content -> {count delta, version 0: unchanged}
        for (Record r : records) {
            deltas.computeIfAbsent(r.content, c -> new long[2])[0] -= r.canceled ? 0 : 1;
        }
        Map<ContentRef, Long> counts = new HashMap<>();
        StringBuilder sql = new StringBuilder("SELECT content_id, content_type, like_count FROM like_counts"
                + " WHERE (content_id, content_type) IN (");
        EventApplier.placeholders(sql, deltas.size(), "(?, ?)");
        var query = handle.createQuery(sql.append(") FOR UPDATE").toString());
        int i = 0;
        for (ContentRef content : deltas.keySet()) {
            query.bind(i++, content.id()).bind(i++, content.type());
        }
        query.map((rs, ctx) -> counts.put(ContentRef.of(rs.getString(2), rs.getLong(1)), rs.getLong(3))).list();
        List<LikeEvent> events = new ArrayList<>(records.size());
        for (Record r : records) {
            long after = Math.max(0, counts.getOrDefault(r.content, 0L) + deltas.getOrDefault(r.content, NONE)[0]);
            String name = "erase:" + userId + ':' + r.content + ':' + r.version;
            events.add(new LikeEvent(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString(), null,
                    userId, r.content, LikeAction.ERASE, erasedAt, Math.max(1, r.version), after));
        }
        beforeDelete.accept(events);
        handle.createUpdate("DELETE FROM " + table + " WHERE id IN (<ids>)")
                .bindList("ids", records.stream().map(Record::id).toList())
                .execute();
        List<Map.Entry<ContentRef, long[]>> changed = deltas.entrySet().stream().filter(e -> e.getValue()[0] != 0 && counts.containsKey(e.getKey())).toList();
        if (!changed.isEmpty()) {
            EventApplier.writeCounts(handle, changed);
        }
    }

    /**
     * Deletes at most {@code limit} of the user's request IDs.
     *
     * @return how many were deleted
     */
    static int eraseRequests(Handle handle, long userId, int limit) {
        return handle.createUpdate("DELETE FROM like_requests WHERE user_id = ? LIMIT ?")
                .bind(0, userId)
                .bind(1, limit)
                .execute();
    }

    /** Marks the erasure complete: no record of the user is left. */
    static void complete(Handle handle, long userId) {
        handle.createUpdate("UPDATE like_erasures SET completed_at = CURRENT_TIMESTAMP(3) WHERE user_id = ?")
                .bind(0, userId)
                .execute();
    }

    private record Record(long id, ContentRef content, boolean canceled, long version) {}
}
