package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.jdbc.LikeCountReconciler.Drift;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;

/** The statements of the {@link LikeCountReconciler}: the contents to check, their counts, the repair. */
final class Recount {

    private Recount() {}

    /** The stored and the live counts of the contents, as maps from content to count (a content with none is absent). */
    static void counts(Handle h, List<ContentRef> batch, Map<ContentRef, Long> stored, Map<ContentRef, Long> actual) {
        StringBuilder in = new StringBuilder();
        EventApplier.placeholders(in, batch.size(), "(?, ?)");
        var counts = h.createQuery("SELECT content_id, content_type, like_count FROM like_counts"
                + " WHERE (content_id, content_type) IN (" + in + ")");
        bindAll(counts, batch, 0);
        counts.map((rs, ctx) -> stored.put(ContentRef.of(rs.getString(2), rs.getLong(1)), rs.getLong(3))).list();
        var live = h.createQuery("SELECT content_id, content_type, COUNT(*) FROM like_records"
                + " WHERE (content_id, content_type) IN (" + in + ") AND is_canceled = 0"
                + " GROUP BY content_id, content_type"
                + " UNION ALL SELECT content_id, content_type, COUNT(*) FROM like_records_archive"
                + " WHERE (content_id, content_type) IN (" + in + ") AND is_canceled = 0"
                + " GROUP BY content_id, content_type");
        bindAll(live, batch, bindAll(live, batch, 0));
        live.map((rs, ctx) -> actual.merge(ContentRef.of(rs.getString(2), rs.getLong(1)), rs.getLong(3), Long::sum))
                .list();
    }

    /** The next {@code batch} contents after {@code after} (null: from the start) in any of the three tables. */
    static List<ContentRef> nextContents(Handle h, @Nullable ContentRef after, int batch) {
        StringBuilder sql = new StringBuilder("SELECT content_id, content_type FROM (");
        String[] tables = {"like_counts", "like_records", "like_records_archive"};
        for (int t = 0; t < tables.length; t++) {
            sql.append(t == 0 ? "(" : " UNION (")
                    .append("SELECT DISTINCT content_id, content_type FROM ")
                    .append(tables[t])
                    .append(after == null ? "" : " WHERE content_id > ? OR (content_id = ? AND content_type > ?)")
                    .append(" ORDER BY content_id, content_type LIMIT ")
                    .append(batch)
                    .append(')');
        }
        sql.append(") c ORDER BY content_id, content_type LIMIT ").append(batch);
        var query = h.createQuery(sql.toString());
        if (after != null) {
            int i = 0;
            for (int t = 0; t < tables.length; t++) {
                query.bind(i++, after.id()).bind(i++, after.id()).bind(i++, after.type());
            }
        }
        return query.map((rs, ctx) -> ContentRef.of(rs.getString(2), rs.getLong(1))).list();
    }

    private static int bindAll(Query query, List<ContentRef> contents, int from) {
        int i = from;
        for (ContentRef c : contents) {
            query.bind(i++, c.id()).bind(i++, c.type());
        }
        return i;
    }

    /** Recounts under the content's locks and stores the true count, in the caller's transaction; what it found. */
    static Drift repair(Handle h, ContentRef content) {
        h.createUpdate("INSERT INTO like_counts (content_id, content_type, like_count, version) VALUES (?, ?, 0, 0)"
                        + " ON DUPLICATE KEY UPDATE like_count = like_count")
                .bind(0, content.id())
                .bind(1, content.type())
                .execute();
        long stored = h.createQuery("SELECT like_count FROM like_counts WHERE content_id = ? AND content_type = ? FOR UPDATE")
                .bind(0, content.id())
                .bind(1, content.type())
                .mapTo(Long.class)
                .one();
        long actual = actualCount(h, content, true);
        h.createUpdate("UPDATE like_counts SET like_count = ? WHERE content_id = ? AND content_type = ?")
                .bind(0, actual)
                .bind(1, content.id())
                .bind(2, content.type())
                .execute();
        return new Drift(content, stored, actual);
    }

    static Optional<Long> storedCount(Handle h, ContentRef content) {
        return h.createQuery("SELECT like_count FROM like_counts WHERE content_id = ? AND content_type = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .mapTo(Long.class)
                .findOne();
    }

    /** Live records of the content, archived ones included. */
    static long actualCount(Handle h, ContentRef content, boolean locking) {
        long total = 0;
        for (String table : new String[] {"like_records", "like_records_archive"}) {
            total += h.createQuery("SELECT COUNT(*) FROM " + table
                            + " WHERE content_id = ? AND content_type = ? AND is_canceled = 0"
                            + (locking ? " LOCK IN SHARE MODE" : ""))
                    .bind(0, content.id())
                    .bind(1, content.type())
                    .mapTo(Long.class)
                    .one();
        }
        return total;
    }
}
