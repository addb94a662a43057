package dev.likes.bench;

import com.zaxxer.hikari.HikariConfig;
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
 * shape. Both on one connection, one thread, fresh tables. Prints {@code name: value} lines.
 */
public final class JdbcApplyBench {

    private JdbcApplyBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code JDBC_URL USER PASSWORD EVENTS}
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int events = args.length > 3 ? Integer.parseInt(args[3]) : 200_000;
        String database = "like_bench_" + System.currentTimeMillis();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(args[1]);
        config.setPassword(args[2]);
        config.setMaximumPoolSize(2);
        try (HikariDataSource admin = new HikariDataSource(config)) {
            Jdbi.create(admin).useHandle(h -> h.execute("CREATE DATABASE " + database));
        }
        config.setJdbcUrl(url.substring(0, url.lastIndexOf('/') + 1) + database);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Jdbi jdbi = Jdbi.create(pool);
            JdbiLikeStore.createSchema(jdbi);
            jdbi.useHandle(h -> h.execute("CREATE TABLE raw_records LIKE like_records"));
            List<LikeEvent> stream = events(events);

            long start = System.nanoTime();
            rawInsert(jdbi, stream);
            double rawRate = events / ((System.nanoTime() - start) / 1e9);

            try (JdbiLikeStore store = JdbiLikeStore.builder(jdbi).threads(1).build()) {
                start = System.nanoTime();
                for (int from = 0; from < stream.size(); from += 1_000) {
                    store.apply(stream.subList(from, Math.min(stream.size(), from + 1_000)))
                            .toCompletableFuture()
                            .get(5, TimeUnit.MINUTES);
                }
            }
            double ourRate = events / ((System.nanoTime() - start) / 1e9);
            long hot = jdbi.withHandle(h -> h.createQuery(
                    "SELECT like_count FROM like_counts WHERE content_id = 1 AND content_type = 'post'").mapTo(Long.class).one());
            System.out.printf(Locale.ROOT, "events: %d (half on one hot post; hot post count %d)%n", events, hot);
            System.out.printf(Locale.ROOT, "raw_multirow_upsert_rows_per_s: %.0f%n", rawRate);
            System.out.printf(Locale.ROOT, "event_apply_events_per_s: %.0f%n", ourRate);
            System.out.printf(Locale.ROOT, "ratio: %.2f%n", ourRate / rawRate);
            jdbi.useHandle(h -> h.execute("DROP DATABASE " + database));
        }
    }

    /** Likes by distinct users: half on one hot post, half over 10,000 others. */
    private static List<LikeEvent> events(int n) {
        List<LikeEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long content = i % 2 == 0 ? 1 : 2 + (i % 10_000);
            list.add(new LikeEvent("e" + i, null, 1 + i, ContentRef.of("post", content), LikeAction.LIKE,
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
