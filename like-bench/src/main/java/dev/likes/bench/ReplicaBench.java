package dev.likes.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.jdbc.JdbiLikeStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.jdbi.v3.core.Jdbi;

/**
 * Replica lag during a burst: the consumer's write path ({@link JdbiLikeStore#apply(List)}, 1,000-event batches) into
 * the MariaDB primary of {@code scripts/services.sh}, whose replica follows by binlog replication, against the same
 * stream into the server without a binlog (the baseline), in one run. While the burst runs, a sampler reads the hot
 * post's count on both servers every 20 ms; the lag of a sample is how long ago the primary held the count the
 * replica shows.
 */
final class ReplicaBench implements Bench.Section {

    private static final ContentRef HOT = ContentRef.of("post", 7_340_011_532_947_123L);

    @Override
    public String id() {
        return "replication";
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        int events = env.mode().pick(20_000, 200_000, 500_000);
        String primaryUrl = Bench.Env.need("LIKE_TEST_JDBC_PRIMARY_URL");
        String replicaUrl = Bench.Env.need("LIKE_TEST_JDBC_REPLICA_URL");
        Bench.Report report = new Bench.Report(id(), "Replication: replica lag during a burst");
        report.method = String.format("%,d like events at the production shape (random 63-bit users; half on one hot"
                + " post, half over 10,000 posts with random 63-bit ids; 70%% with a request ID), applied by"
                + " JdbiLikeStore in 1,000-event batches on one thread, as the consumer writes them; MariaDB 10.11"
                + " primary with a row-based binlog and one replica (GTID), both on this machine; the baseline is the"
                + " same stream into the test server without a binlog.", events);
        List<LikeEvent> stream = events(events);
        String name = "like_bench_repl_" + Long.toString(System.currentTimeMillis(), 36);

        double plainRate;
        try (HikariDataSource pool = env.freshDatabase(name, 2)) {
            plainRate = apply(Jdbi.create(pool), stream);
            Jdbi.create(pool).useHandle(h -> h.execute("DROP DATABASE " + name));
        }

        Histogram lagMillis = new Histogram(3);
        double primaryRate;
        double catchUpMillis;
        try (HikariDataSource primary = env.freshDatabase(primaryUrl, name, 2);
                HikariDataSource replica = replicaPool(env, replicaUrl, name)) {
            Jdbi onPrimary = Jdbi.create(primary);
            Jdbi onReplica = Jdbi.create(replica);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) { // the schema reaches the replica through replication
                try {
                    count(onReplica);
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            }
            List<long[]> primaryTimeline = new ArrayList<>(); // {nanoTime, count}
            AtomicBoolean burstDone = new AtomicBoolean();
            Thread sampler = new Thread(() -> {
                while (!burstDone.get()) {
                    long now = System.nanoTime();
                    long onP = count(onPrimary);
                    long onR = count(onReplica);
                    synchronized (primaryTimeline) {
                        primaryTimeline.add(new long[] {now, onP});
                        lagMillis.recordValue(lagOf(primaryTimeline, onR, now) / 1_000_000);
                    }
                    try {
                        TimeUnit.MILLISECONDS.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "replica-lag-sampler");
            sampler.start();
            try {
                primaryRate = apply(onPrimary, stream);
            } finally {
                burstDone.set(true);
                sampler.join();
            }
            long finalCount = count(onPrimary);
            long ended = System.nanoTime();
            deadline = ended + TimeUnit.MINUTES.toNanos(5);
            while (count(onReplica) < finalCount) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the replica did not catch up within 5 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
            catchUpMillis = (System.nanoTime() - ended) / 1e6;
            onPrimary.useHandle(h -> h.execute("DROP DATABASE " + name));
        }
        report.tables.add(Bench.Table.of("server", "events/s", "vs no binlog")
                .row("test server, no binlog (baseline)", plainRate, "1.00x")
                .row("primary with binlog and a replica", primaryRate, Bench.ratio(primaryRate / plainRate)));
        report.tables.add(Bench.Table.of("replica lag during the burst", "ms")
                .row("p50", (double) lagMillis.getValueAtPercentile(50))
                .row("p99", (double) lagMillis.getValueAtPercentile(99))
                .row("max", (double) lagMillis.getMaxValue())
                .row("caught up after the burst", catchUpMillis));
        report.metric("events", events).metric("plain_events_per_s", plainRate)
                .metric("primary_events_per_s", primaryRate).metric("lag_p50_ms", lagMillis.getValueAtPercentile(50))
                .metric("lag_p99_ms", lagMillis.getValueAtPercentile(99)).metric("lag_max_ms", lagMillis.getMaxValue())
                .metric("catch_up_ms", catchUpMillis).metric("samples", lagMillis.getTotalCount());
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    /** How long ago (ns) the primary first held at least {@code replicaCount}; 0 if the replica is current. */
    private static long lagOf(List<long[]> timeline, long replicaCount, long now) {
        long[] latest = timeline.get(timeline.size() - 1);
        if (replicaCount >= latest[1]) {
            return 0;
        }
        for (long[] sample : timeline) {
            if (sample[1] > replicaCount) {
                return now - sample[0];
            }
        }
        return 0;
    }

    private static HikariDataSource replicaPool(Bench.Env env, String replicaUrl, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(replicaUrl.substring(0, replicaUrl.lastIndexOf('/') + 1) + name);
        config.setUsername(env.jdbcUser());
        config.setPassword(env.jdbcPassword());
        config.setMaximumPoolSize(2);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    private static double apply(Jdbi jdbi, List<LikeEvent> stream) throws Exception {
        try (JdbiLikeStore store = JdbiLikeStore.builder(jdbi).threads(1).build()) {
            long start = System.nanoTime();
            for (int from = 0; from < stream.size(); from += 1_000) {
                store.apply(stream.subList(from, Math.min(stream.size(), from + 1_000)))
                        .toCompletableFuture()
                        .get(5, TimeUnit.MINUTES);
            }
            return stream.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static long count(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT like_count FROM like_counts WHERE content_id = ? AND content_type = ?")
                .bind(0, HOT.id())
                .bind(1, HOT.type())
                .mapTo(Long.class)
                .findOne()
                .orElse(0L));
    }

    /** Half on the hot post, half over 10,000 posts with random ids; random 63-bit users; 70% with a request ID. */
    private static List<LikeEvent> events(int n) {
        SplittableRandom random = new SplittableRandom(23);
        long[] posts = new long[10_000];
        for (int i = 0; i < posts.length; i++) {
            posts[i] = 1 + random.nextLong(Long.MAX_VALUE - 1);
        }
        List<LikeEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ContentRef content = i % 2 == 0 ? HOT : ContentRef.of("post", posts[random.nextInt(posts.length)]);
            String requestId = random.nextInt(10) < 7 ? "r" + Integer.toString(i, 36) : null;
            list.add(new LikeEvent("e" + i, requestId, 1 + random.nextLong(Long.MAX_VALUE - 1), content,
                    LikeAction.LIKE, Instant.ofEpochSecond(1_764_000_000L + i / 100), 1_764_000_000_000_000L + i, 1));
        }
        return list;
    }
}
