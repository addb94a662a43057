package dev.likes.jdbc;

import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A like or unlike as one transaction: lock the content's count row (creating it if needed), check the request ID,
 * read the user's row, write the row and the count. Every writer of a content takes the count row's lock first, so
 * they run one at a time and never deadlock among themselves.
 */
final class Mutations {

    private final long requestIdTtlMillis;

    Mutations(long requestIdTtlMillis) {
        this.requestIdTtlMillis = requestIdTtlMillis;
    }

    LikeResult apply(Handle handle, LikeMutation m) {
        long id = m.content().id();
        String type = m.content().type();
        // one round trip when the count row exists (every like but a content's first)
        long[] counter = lockCounter(handle, id, type).orElseGet(() -> {
            handle.createUpdate("INSERT INTO like_counts (content_id, content_type, like_count, version)"
                            + " VALUES (?, ?, 0, 0) ON DUPLICATE KEY UPDATE like_count = like_count")
                    .bind(0, id)
                    .bind(1, type)
                    .execute();
            return lockCounter(handle, id, type).orElseThrow();
        });
        Optional<Boolean> canceled = canceled(handle, "like_records", m);
        boolean archived = false;
        if (canceled.isEmpty()) {
            canceled = canceled(handle, "like_records_archive", m); // an old like the archiver moved away
            archived = canceled.isPresent();
        }
        boolean liked = canceled.isPresent() && !canceled.get();
        if (m.requestId() != null && !claim(handle, m)) {
            return new LikeResult(LikeResult.Status.DUPLICATE_REQUEST, liked, counter[0], counter[1]);
        }
        boolean like = m.action() == LikeAction.LIKE;
        if (liked == like) {
            return new LikeResult(LikeResult.Status.UNCHANGED, liked, counter[0], counter[1]);
        }
        long version = Math.max(counter[1] + 1, m.at().toEpochMilli() * 1000);
        long count = counter[0] + (like ? 1 : -1);
        handle.createUpdate("INSERT INTO like_records"
                        + " (user_id, content_id, content_type, created_at, updated_at, is_canceled, version)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)"
                        + " ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at),"
                        + " is_canceled = VALUES(is_canceled), version = VALUES(version)")
                .bind(0, m.userId())
                .bind(1, id)
                .bind(2, type)
                .bind(3, Times.toSql(m.at()))
                .bind(4, Times.toSql(m.at()))
                .bind(5, like ? 0 : 1)
                .bind(6, version)
                .execute();
        if (archived) {
            handle.createUpdate("DELETE FROM like_records_archive WHERE user_id = ? AND content_id = ? AND content_type = ?")
                    .bind(0, m.userId())
                    .bind(1, id)
                    .bind(2, type)
                    .execute(); // back in the hot table, where the upsert above put it
        }
        handle.createUpdate("UPDATE like_counts SET like_count = ?, version = ? WHERE content_id = ? AND content_type = ?")
                .bind(0, count)
                .bind(1, version)
                .bind(2, id)
                .bind(3, type)
                .execute();
        return new LikeResult(LikeResult.Status.APPLIED, like, count, version);
    }

    private static Optional<long[]> lockCounter(Handle handle, long id, String type) {
        return handle.createQuery(
                        "SELECT like_count, version FROM like_counts WHERE content_id = ? AND content_type = ? FOR UPDATE")
                .bind(0, id)
                .bind(1, type)
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .findOne();
    }

    /** The row's is_canceled in {@code table} (a constant of ours), locked, if the row is there. */
    private static Optional<Boolean> canceled(Handle handle, String table, LikeMutation m) {
        return handle.createQuery("SELECT is_canceled FROM " + table
                        + " WHERE user_id = ? AND content_id = ? AND content_type = ? FOR UPDATE")
                .bind(0, m.userId())
                .bind(1, m.content().id())
                .bind(2, m.content().type())
                .mapTo(Boolean.class)
                .findOne();
    }

    /** Takes the request ID unless it is held and unexpired (the content's lock is held, so this cannot race). */
    private boolean claim(Handle handle, LikeMutation m) {
        Instant now = m.at();
        Optional<LocalDateTime> held = handle.createQuery("SELECT expires_at FROM like_requests"
                        + " WHERE content_id = ? AND content_type = ? AND user_id = ? AND request_id = ?")
                .bind(0, m.content().id())
                .bind(1, m.content().type())
                .bind(2, m.userId())
                .bind(3, m.requestId())
                .mapTo(LocalDateTime.class)
                .findOne();
        if (held.isPresent() && Times.fromSql(held.get()).isAfter(now)) {
            return false;
        }
        handle.createUpdate("INSERT INTO like_requests (content_id, content_type, user_id, request_id, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE expires_at = VALUES(expires_at)")
                .bind(0, m.content().id())
                .bind(1, m.content().type())
                .bind(2, m.userId())
                .bind(3, m.requestId())
                .bind(4, Times.toSql(now.plusMillis(requestIdTtlMillis)))
                .execute();
        return true;
    }
}
