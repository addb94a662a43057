package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.jdbc.DegradedJournal.Entry;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** The takeover of {@link DegradedJournal} rows whose lease ran out, on one shard. */
final class JournalClaims {

    private JournalClaims() {}

    /**
     * Leases up to {@code limit} rows whose lease ended before {@code now} to {@code owner}, oldest first, in the
     * caller's transaction, and returns them in the order they were written.
     */
    static List<Entry> claim(Handle tx, String owner, Instant now, Instant leaseUntil, int limit) {
        List<Long> ids = tx.createQuery("SELECT id FROM like_degraded WHERE lease_until < ? ORDER BY id LIMIT ?"
                        + " FOR UPDATE")
                .bind(0, Times.toSql(now))
                .bind(1, limit)
                .mapTo(Long.class)
                .list();
        if (ids.isEmpty()) {
            return List.<Entry>of();
        }
        tx.createUpdate("UPDATE like_degraded SET owner = :owner, lease_until = :lease WHERE id IN (<ids>)")
                .bind("owner", owner)
                .bind("lease", Times.toSql(leaseUntil))
                .bindList("ids", ids)
                .execute();
        return tx.createQuery("SELECT id, content_id, content_type, user_id, is_like, request_id, event_id,"
                        + " occurred_at FROM like_degraded WHERE id IN (<ids>) ORDER BY id")
                .bindList("ids", ids)
                .map((rs, ctx) -> new Entry(rs.getLong(1), new LikeMutation(
                        rs.getString(7),
                        rs.getLong(4),
                        ContentRef.of(rs.getString(3), rs.getLong(2)),
                        rs.getInt(5) == 1 ? LikeAction.LIKE : LikeAction.UNLIKE,
                        rs.getString(6),
                        Times.fromSql(rs.getObject(8, LocalDateTime.class)))))
                .list();
    }
}
