package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Recomputes {@code like_counts} from {@code like_records} (the count of rows not canceled), for one content or for
 * all, reports every drift it finds and, if asked, repairs it. A repair locks the content's count row and then its
 * records, so it cannot race with likes or event batches of that content. "All" walks the contents in ranges of ids,
 * so memory stays bounded on a large table. Thread-safe; run it on the primary.
 */
public final class LikeCountReconciler {

    private static final long RANGE = 10_000;

    private final Jdbi jdbi;

    /**
     * A reconciler of one database (one shard).
     *
     * @param jdbi the primary
     */
    public LikeCountReconciler(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi must not be null");
    }

    /** A content whose stored count differed from its records. */
    public record Drift(ContentRef content, long stored, long actual) {}

    /** What a run found. */
    public record Report(long contentsChecked, List<Drift> drifts, boolean repaired) {}

    /**
     * Checks one content.
     *
     * @param content the content
     * @param repair whether to set the stored count to the recomputed one
     * @return the report
     */
    public Report reconcile(ContentRef content, boolean repair) {
        Objects.requireNonNull(content, "content must not be null");
        List<Drift> drifts = new ArrayList<>();
        long stored = jdbi.withHandle(h -> storedCount(h, content).orElse(0L));
        long actual = jdbi.withHandle(h -> actualCount(h, content, false));
        if (stored != actual) {
            drifts.add(repair ? repair(content) : new Drift(content, stored, actual));
        }
        return new Report(1, drifts, repair);
    }

    /**
     * Checks every content.
     *
     * @param repair whether to repair what drifted
     * @return the report
     */
    public Report reconcileAll(boolean repair) {
        long[] bounds = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MIN(m), 0), COALESCE(MAX(m), -1) FROM ("
                        + " SELECT MIN(content_id) m FROM like_records UNION ALL SELECT MAX(content_id) FROM like_records"
                        + " UNION ALL SELECT MIN(content_id) FROM like_counts UNION ALL SELECT MAX(content_id) FROM like_counts) b")
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .one());
        List<Drift> drifts = new ArrayList<>();
        long checked = 0;
        for (long lo = bounds[0]; lo <= bounds[1]; lo += RANGE) {
            long from = lo;
            long to = lo + RANGE;
            Map<ContentRef, Long> actual = new HashMap<>();
            Map<ContentRef, Long> stored = new HashMap<>();
            jdbi.useHandle(h -> {
                h.createQuery("SELECT content_id, content_type, COUNT(*) FROM like_records"
                                + " WHERE content_id >= ? AND content_id < ? AND is_canceled = 0"
                                + " GROUP BY content_id, content_type")
                        .bind(0, from)
                        .bind(1, to)
                        .map((rs, ctx) -> actual.put(ContentRef.of(rs.getString(2), rs.getLong(1)), rs.getLong(3)))
                        .list();
                h.createQuery("SELECT content_id, content_type, like_count FROM like_counts"
                                + " WHERE content_id >= ? AND content_id < ?")
                        .bind(0, from)
                        .bind(1, to)
                        .map((rs, ctx) -> stored.put(ContentRef.of(rs.getString(2), rs.getLong(1)), rs.getLong(3)))
                        .list();
            });
            Map<ContentRef, Long> all = new HashMap<>(stored);
            actual.keySet().forEach(c -> all.putIfAbsent(c, 0L));
            checked += all.size();
            for (ContentRef content : all.keySet()) {
                long s = stored.getOrDefault(content, 0L);
                long a = actual.getOrDefault(content, 0L);
                if (s != a) {
                    drifts.add(repair ? repair(content) : new Drift(content, s, a));
                }
            }
        }
        return new Report(checked, drifts, repair);
    }

    /** Recounts under the content's locks and stores the true count; returns what it found before. */
    private Drift repair(ContentRef content) {
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
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
        });
    }

    private static Optional<Long> storedCount(Handle h, ContentRef content) {
        return h.createQuery("SELECT like_count FROM like_counts WHERE content_id = ? AND content_type = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .mapTo(Long.class)
                .findOne();
    }

    private static long actualCount(Handle h, ContentRef content, boolean locking) {
        return h.createQuery("SELECT COUNT(*) FROM like_records WHERE content_id = ? AND content_type = ? AND is_canceled = 0"
                        + (locking ? " LOCK IN SHARE MODE" : ""))
                .bind(0, content.id())
                .bind(1, content.type())
                .mapTo(Long.class)
                .one();
    }
}
