package dev.likes.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.jdbc.JdbiLikeStore;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * The consumer's write path on MySQL/MariaDB against the same server's raw multi-row insert, in one run: events
 * applied per second by {@link JdbiLikeStore#apply(List)} (batches of 1,000, as the Kafka consumer hands them) against
 * rows per second of plain 500-row {@code INSERT ... ON DUPLICATE KEY UPDATE} statements into a table of the same
 * shape (same indexes). Both on one connection, one thread, fresh tables; half of the events on one hot post.
 */
final class PersistenceBench implements Bench.Section {

    @Override
    public String id() {
        return "persistence";
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        int events = env.mode().pick(10_000, 200_000, 500_000);
        String database = "like_bench_" + Long.toString(System.currentTimeMillis(), 36);
        Bench.Report report = new Bench.Report(id(), "Persistence: events into MySQL");
        report.method = String.format("%,d like events by distinct users, half on one hot post, half over 10,000"
                + " others, 70%% with a request ID (recorded in like_requests); MariaDB 10.11 on the same machine; one"
                + " connection, one thread each.", events);
        try (HikariDataSource pool = env.freshDatabase(database, 2)) {
            Jdbi jdbi = Jdbi.create(pool);
            jdbi.useHandle(h -> h.execute("CREATE TABLE raw_records LIKE like_records"));
            List<LikeEvent> stream = events(events);

            long start = System.nanoTime();
            rawInsert(jdbi, stream);
            double rawRate = events / ((System.nanoTime() - start) / 1e9);

            double ourRate;
            try (JdbiLikeStore store = JdbiLikeStore.builder(jdbi).threads(1).build()) {
                start = System.nanoTime();
                for (int from = 0; from < stream.size(); from += 1_000) {
                    store.apply(stream.subList(from, Math.min(stream.size(), from + 1_000)))
                            .toCompletableFuture()
                            .get(5, TimeUnit.MINUTES);
                }
                ourRate = events / ((System.nanoTime() - start) / 1e9);
            }
            long hot = jdbi.withHandle(h -> h.createQuery(
                    "SELECT like_count FROM like_counts WHERE content_id = 1 AND content_type = 'post'").mapTo(Long.class).one());
            if (hot != (events + 1) / 2) {
                throw new IllegalStateException("hot post count " + hot + ", expected " + (events + 1) / 2);
            }
            jdbi.useHandle(h -> h.execute("DROP DATABASE " + database));
            double ratio = ourRate / rawRate;
            report.tables.add(Bench.Table.of("path", "rows or events/s", "vs raw")
                    .row("raw 500-row INSERT ... ON DUPLICATE KEY UPDATE (baseline)", rawRate, "1.00x")
                    .row("**ours**: JdbiLikeStore.apply, 1,000-event batches (the consumer's path)", ourRate,
                            Bench.ratio(ratio)));
            report.metric("raw_rows_per_s", rawRate).metric("events_per_s", ourRate).metric("ratio", ratio)
                    .metric("events", events);
            report.target("event application vs raw multi-row insert, same server, same run", "≥ 0.5x",
                    Bench.ratio(ratio), ratio >= 0.5, "");
            report.target("the hot post's count row is not a lock hot spot", "one count write per content per batch",
                    "one aggregated delta per content per batch", true, "EventApplier writes one delta per content");
        }
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    /** Likes by distinct users: half on one hot post, half over 10,000 others; 70% carry a request ID. */
    static List<LikeEvent> events(int n) {
        List<LikeEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long content = i % 2 == 0 ? 1 : 2 + (i % 10_000);
            String requestId = i % 10 < 7 ? "r" + Integer.toString(i, 36) : null;
            list.add(new LikeEvent("e" + i, requestId, 1 + i, ContentRef.of("post", content), LikeAction.LIKE,
                    Instant.ofEpochSecond(1_764_000_000L + i), 1_764_000_000_000_000L + i, 1));
        }
        return list;
    }

    private static void rawInsert(Jdbi jdbi, List<LikeEvent> stream) {
        jdbi.useHandle(h -> {
            for (int from = 0; from < stream.size(); from += 500) {
                List<LikeEvent> chunk = stream.subList(from, Math.min(stream.size(), from + 500));
                StringBuilder sql = new StringBuilder("INSERT INTO raw_records"
                        + " (user_id, content_id, content_type, created_at, updated_at, is_canceled, version) VALUES ");
                for (int i = 0; i < chunk.size(); i++) {
                    sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?)");
                }
                sql.append(" ON DUPLICATE KEY UPDATE is_canceled = VALUES(is_canceled), version = VALUES(version)");
                var update = h.createUpdate(sql.toString());
                int p = 0;
                for (LikeEvent e : chunk) {
                    LocalDateTime at = LocalDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC);
                    update.bind(p++, e.userId()).bind(p++, e.content().id()).bind(p++, e.content().type())
                            .bind(p++, at).bind(p++, at).bind(p++, 0).bind(p++, e.version());
                }
                update.execute();
            }
        });
    }
}
