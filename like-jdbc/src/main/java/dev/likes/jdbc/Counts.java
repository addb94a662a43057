package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.ContentSnapshot;
import org.jdbi.v3.core.Handle;

/** A content's row of {@code like_counts}: its count and version, and with its newest likers a snapshot. */
final class Counts {

    private Counts() {}

    static long count(Handle handle, ContentRef content) {
        return handle.createQuery("SELECT like_count FROM like_counts WHERE content_id = ? AND content_type = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    static long version(Handle handle, ContentRef content) {
        return handle.createQuery("SELECT version FROM like_counts WHERE content_id = ? AND content_type = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    /** The count and version in one statement, the newest {@code limit} likers in another, on one handle. */
    static ContentSnapshot snapshot(Handle handle, ContentRef content, int limit) {
        long[] countAndVersion = handle.createQuery(
                        "SELECT like_count, version FROM like_counts WHERE content_id = ? AND content_type = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .findOne()
                .orElse(new long[] {0, 0});
        return new ContentSnapshot(countAndVersion[0], countAndVersion[1],
                Listings.likers(handle, content, null, limit));
    }
}
