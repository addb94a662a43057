package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jdbi.v3.core.Handle;

/** The request IDs in {@code like_requests}: whether one is remembered, and the purge of expired ones. */
final class RequestIds {

    private RequestIds() {}

    /** Whether the request ID is remembered and unexpired at {@code now}; on the handle of the content's primary. */
    static boolean seen(Handle h, long userId, ContentRef content, String requestId, Instant now) {
        return h.createQuery("SELECT expires_at FROM like_requests"
                        + " WHERE content_id = ? AND content_type = ? AND user_id = ? AND request_id = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .bind(2, userId)
                .bind(3, requestId)
                .mapTo(LocalDateTime.class)
                .findOne()
                .map(expires -> Times.fromSql(expires).isAfter(now))
                .orElse(false);
    }

    /** Deletes the expired ones on every shard's primary, {@code batchSize} rows a transaction; the count deleted. */
    static CompletionStage<Long> purge(ShardWork work, Instant now, int batchSize) {
        String before = Times.toSql(now.isAfter(Times.LATEST) ? Times.LATEST : now);
        List<CompletableFuture<Long>> parts = new ArrayList<>();
        for (JdbiShard shard : work.shards()) {
            parts.add(work.async("purge request IDs", () -> {
                long total = 0;
                int deleted;
                do {
                    deleted = shard.primary().withHandle(work.timed(h -> h.createUpdate(
                                    "DELETE FROM like_requests WHERE expires_at < ? ORDER BY expires_at LIMIT ?")
                            .bind(0, before)
                            .bind(1, batchSize)
                            .execute()));
                    total += deleted;
                } while (deleted == batchSize);
                return total;
            }));
        }
        return ShardWork.all(parts).thenApply(counts -> counts.stream().mapToLong(Long::longValue).sum());
    }
}
