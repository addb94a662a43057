package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jspecify.annotations.Nullable;

/**
 * The read queries of {@link JdbiLikeStore}, each on one handle: a content's likers and a user's likes (the hot table
 * and the archive, merged), counts and "liked among" for many contents. SQL text is built from constants and
 * placeholder counts only; every value is bound.
 */
final class Listings {

    /** The tables a live like can be in: the hot one, and the archive the archiver moves old likes to. */
    private static final String[] TABLES = {"like_records", "like_records_archive"};

    private Listings() {}

    /** The counts of the contents, 0 for a content without a row. */
    static Map<ContentRef, Long> counts(Handle handle, List<ContentRef> contents) {
        StringBuilder sql = new StringBuilder("SELECT content_id, content_type, like_count FROM like_counts"
                + " WHERE (content_id, content_type) IN (");
        EventApplier.placeholders(sql, contents.size(), "(?, ?)");
        var query = handle.createQuery(sql.append(')').toString());
        int i = 0;
        for (ContentRef c : contents) {
            query.bind(i++, c.id()).bind(i++, c.type());
        }
        Map<ContentRef, Long> counts = new HashMap<>();
        contents.forEach(c -> counts.put(c, 0L));
        query.map((rs, ctx) -> counts.put(ContentRef.of(rs.getString(2), rs.getLong(1)), rs.getLong(3))).list();
        return counts;
    }

    /** Which of the contents the user likes, hot table and archive. */
    static Set<ContentRef> likedAmong(Handle handle, long userId, List<ContentRef> contents) {
        StringBuilder sql = new StringBuilder();
        for (String table : TABLES) {
            sql.append(sql.length() == 0 ? "" : " UNION ALL ")
                    .append("SELECT content_id, content_type FROM ")
                    .append(table)
                    .append(" FORCE INDEX (uk_user_content) WHERE user_id = ? AND is_canceled = 0"
                            + " AND (content_id, content_type) IN (");
            EventApplier.placeholders(sql, contents.size(), "(?, ?)");
            sql.append(')');
        }
        var query = handle.createQuery(sql.toString());
        int i = 0;
        for (int table = 0; table < TABLES.length; table++) {
            query.bind(i++, userId);
            for (ContentRef c : contents) {
                query.bind(i++, c.id()).bind(i++, c.type());
            }
        }
        return new HashSet<>(query.map((rs, ctx) -> ContentRef.of(rs.getString(2), rs.getLong(1))).list());
    }

    /** Whether the user likes the content, hot table or archive. */
    static boolean hasLiked(Handle handle, long userId, ContentRef content) {
        return !handle.createQuery("SELECT 1 FROM like_records"
                        + " WHERE user_id = ? AND content_id = ? AND content_type = ? AND is_canceled = 0"
                        + " UNION ALL SELECT 1 FROM like_records_archive"
                        + " WHERE user_id = ? AND content_id = ? AND content_type = ? AND is_canceled = 0")
                .bind(0, userId)
                .bind(1, content.id())
                .bind(2, content.type())
                .bind(3, userId)
                .bind(4, content.id())
                .bind(5, content.type())
                .mapTo(Integer.class)
                .list()
                .isEmpty();
    }

    /**
     * A page of a content's likers, newest first by the time of the latest like: one index range read of the likers
     * index ({@code idx_content_likers}) in the hot table and one in the archive, merged.
     */
    static List<Liker> likers(Handle handle, ContentRef content, @Nullable Liker after, int limit) {
        StringBuilder sql = new StringBuilder();
        for (String table : TABLES) {
            sql.append(sql.length() == 0 ? "(" : " UNION ALL (")
                    .append("SELECT user_id, updated_at FROM ")
                    .append(table)
                    .append(" WHERE content_id = ? AND content_type = ? AND is_canceled = 0")
                    .append(after == null ? "" : " AND (updated_at < ? OR (updated_at = ? AND user_id < ?))")
                    .append(" ORDER BY updated_at DESC, user_id DESC LIMIT ?)");
        }
        sql.append(" ORDER BY updated_at DESC, user_id DESC LIMIT ?");
        var query = handle.createQuery(sql.toString());
        int i = 0;
        for (int table = 0; table < TABLES.length; table++) {
            query.bind(i++, content.id()).bind(i++, content.type());
            if (after != null) {
                String at = Times.toSql(after.likedAt());
                query.bind(i++, at).bind(i++, at).bind(i++, after.userId());
            }
            query.bind(i++, limit);
        }
        return query.bind(i, limit)
                .map((rs, ctx) -> new Liker(rs.getLong(1), Times.fromSql(rs.getObject(2, LocalDateTime.class))))
                .list();
    }

    /** A page of a user's likes on one shard, newest first, from the user's likes index of both tables, merged. */
    static List<UserLike> likesOf(Handle handle, long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        StringBuilder sql = new StringBuilder();
        for (String table : TABLES) {
            sql.append(sql.length() == 0 ? "(" : " UNION ALL (")
                    .append("SELECT content_type, content_id, updated_at FROM ")
                    .append(table)
                    .append(" WHERE user_id = ? AND is_canceled = 0");
            if (contentType != null) {
                sql.append(" AND content_type = ?");
            }
            if (after != null) {
                sql.append(" AND (updated_at < ? OR (updated_at = ? AND (content_type < ?"
                        + " OR (content_type = ? AND content_id < ?))))");
            }
            sql.append(" ORDER BY updated_at DESC, content_type DESC, content_id DESC LIMIT ?)");
        }
        sql.append(" ORDER BY updated_at DESC, content_type DESC, content_id DESC LIMIT ?");
        var query = handle.createQuery(sql.toString());
        int i = 0;
        for (int table = 0; table < TABLES.length; table++) {
            query.bind(i++, userId);
            if (contentType != null) {
                query.bind(i++, contentType);
            }
            if (after != null) {
                String at = Times.toSql(after.likedAt());
                query.bind(i++, at)
                        .bind(i++, at)
                        .bind(i++, after.content().type())
                        .bind(i++, after.content().type())
                        .bind(i++, after.content().id());
            }
            query.bind(i++, limit);
        }
        return query.bind(i, limit)
                .map((rs, ctx) -> new UserLike(
                        ContentRef.of(rs.getString(1), rs.getLong(2)),
                        Times.fromSql(rs.getObject(3, LocalDateTime.class))))
                .list();
    }

    /**
     * A user's likes on every shard, merged: read where {@link ReplicaReads} sends the user's reads, or on every
     * shard's primary.
     */
    static CompletableFuture<List<UserLike>> likesOf(ShardWork work, long userId, @Nullable String contentType,
            @Nullable UserLike after, int limit, boolean onPrimaries) {
        HandleCallback<List<UserLike>, RuntimeException> page =
                handle -> likesOf(handle, userId, contentType, after, limit);
        List<CompletableFuture<List<UserLike>>> pages = new ArrayList<>();
        for (int shard = 0; shard < work.shards().size(); shard++) {
            pages.add(onPrimaries ? work.onShard(work.shards().get(shard).primary(), "likesOf", page)
                    : work.onReader(shard, userId, "likesOf", page));
        }
        return merged(pages, limit);
    }

    /** The shards' pages merged into one: the newest {@code limit}. */
    private static CompletableFuture<List<UserLike>> merged(List<CompletableFuture<List<UserLike>>> pages, int limit) {
        return ShardWork.all(pages).thenApply(all -> {
            List<UserLike> merged = new ArrayList<>();
            all.forEach(merged::addAll);
            merged.sort(UserLike.NEWEST_FIRST);
            return List.copyOf(merged.subList(0, Math.min(limit, merged.size())));
        });
    }
}
