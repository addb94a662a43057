package dev.likes.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeResult;
import dev.likes.pipeline.LikePipeline;
import dev.likes.rabbitmq.LikeQueues;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jdbi.v3.core.Jdbi;

/**
 * The design's burst through the whole pipeline ({@code LikePipeline}: Redis with its outbox, Kafka, the consumer,
 * MySQL): N distinct users like one post, every tenth clicking twice. Twice: at a fixed offered rate of 10,000/s (the
 * design's peak; open loop, latency from each like's scheduled start) and as fast as the pipeline acknowledges (1,024
 * in flight). Checks that MySQL ends with exactly N liking records and count N, and Redis with count N.
 */
final class BurstBench implements Bench.Section {

    @Override
    public String id() {
        return "burst";
    }

    /** One burst's figures and its throughput over time (acknowledged and persisted per second). */
    record Burst(int users, int rate, long failed, double ackSeconds, double persistedSeconds, long records,
            long mysqlCount, long redisCount, Histogram latency, List<double[]> acked, List<double[]> persisted) {
        boolean exact() {
            return failed == 0 && records == users && mysqlCount == users && redisCount == users;
        }
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        int users = env.mode().pick(5_000, 100_000, 1_000_000);
        Bench.Report report = new Bench.Report(id(), "The design's burst through the whole pipeline");
        report.method = String.format("%,d distinct users like one post, plus %,d repeated clicks (10%%), through"
                + " LikePipeline (Redis outbox → Kafka → consumer → MariaDB) with every server and the load generator"
                + " on this one 2-core machine; no rate limit.", users, users / 10);
        Burst paced = burst(env, users, 10_000);
        Burst max = burst(env, users, 0);
        Bench.Table table = Bench.Table.of("run", "acknowledged/s", "like() p50 (us)", "p99 (us)", "p99.9 (us)",
                "all acknowledged (s)", "all in MySQL (s)", "persisted/s", "lost", "duplicated");
        for (Burst b : List.of(paced, max)) {
            long lost = b.users - Math.min(b.records, b.users);
            long dup = Math.max(0, b.records - b.users) + Math.max(0, b.mysqlCount - b.users)
                    + Math.max(0, b.redisCount - b.users);
            table.row(b.rate > 0 ? "offered 10,000/s (open loop)" : "as fast as acknowledged (1,024 in flight)",
                    (b.users + b.users / 10) / b.ackSeconds, b.latency.getValueAtPercentile(50),
                    b.latency.getValueAtPercentile(99), b.latency.getValueAtPercentile(99.9), b.ackSeconds,
                    b.persistedSeconds, b.users / b.persistedSeconds, lost, dup);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("users", b.users);
            m.put("offered_rate", b.rate);
            m.put("ack_seconds", b.ackSeconds);
            m.put("persisted_seconds", b.persistedSeconds);
            m.put("p50_us", b.latency.getValueAtPercentile(50));
            m.put("p99_us", b.latency.getValueAtPercentile(99));
            m.put("p99_9_us", b.latency.getValueAtPercentile(99.9));
            m.put("lost", lost);
            m.put("duplicated", dup);
            m.put("exact", b.exact());
            report.metric(b.rate > 0 ? "paced_10k" : "max", m);
        }
        report.tables.add(table);
        double persistRate = users / max.persistedSeconds;
        report.target("the burst entirely in MySQL", "1,000,000 within 20 s of the first like (50,000/s)",
                String.format("%,d in %s s (%s/s)", users, Bench.fmt(max.persistedSeconds), Bench.fmt(persistRate)),
                persistRate >= 50_000, persistRate >= 50_000 ? "" : "missed by " + Bench.ratio(50_000 / persistRate)
                        + " (see notes)");
        report.target("nothing lost or duplicated", "lost = 0, duplicated = 0", paced.exact() && max.exact()
                ? "0 and 0 in both runs" : "NOT EXACT", paced.exact() && max.exact(), "");
        report.target("like() p99 at 10,000/s offered, full pipeline", "< 2 ms",
                Bench.fmt(paced.latency.getValueAtPercentile(99) / 1000.0) + " ms",
                paced.latency.getValueAtPercentile(99) < 2_000, "");
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        lines.put("acknowledged/s, offered 10,000/s", paced.acked);
        lines.put("persisted in MySQL/s, offered 10,000/s", paced.persisted);
        lines.put("acknowledged/s, max", max.acked);
        lines.put("persisted in MySQL/s, max", max.persisted);
        report.charts.add(Charts.timeline(env.chartDir(), "burst-throughput.png",
                String.format("Burst of %,d likes on one post: throughput over time", users), "likes per second", lines)
                .getFileName().toString());
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    static Burst burst(Bench.Env env, int users, int rate) throws Exception {
        return burst(env, users, rate, false);
    }

    /** A burst through the pipeline on RabbitMQ if {@code rabbit}, else on Kafka. */
    static Burst burst(Bench.Env env, int users, int rate, boolean rabbit) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String database = "like_burst_" + run;
        ContentRef post = ContentRef.of("post", 1);
        try (HikariDataSource pool = env.freshDatabase(database, 12)) {
            Jdbi jdbi = Jdbi.create(pool);
            Burst result;
            LikePipeline.Builder builder = LikePipeline.builder();
            if (rabbit) {
                builder.rabbitmq(env.rabbitMqUri(), "likes-burst-" + run, LikeQueues.DEFAULT_QUEUES);
            } else {
                builder.kafka(env.kafka()).topic("likes-burst-" + run).createTopic(12, (short) 1)
                        .consumerGroup("burst-" + run);
            }
            try (LikePipeline pipeline = builder
                    .redis(RedisURI.create(env.redisUri()))
                    .mysql(jdbi)
                    .noRateLimit()
                    .maxInFlight(60_000)
                    .configureRedis(r -> r.keyPrefix("burst" + run))
                    .build()) {
                result = drive(pipeline, jdbi, post, users, rate);
            }
            jdbi.useHandle(h -> h.execute("DROP DATABASE " + database));
            return result;
        }
    }

    private static Burst drive(LikePipeline pipeline, Jdbi jdbi, ContentRef post, int users, int rate) throws Exception {
        int calls = users + users / 10;
        Recorder recorder = new Recorder(TimeUnit.MINUTES.toMicros(5), 3);
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        int window = rate > 0 ? 50_000 : 1_024;
        Semaphore inFlight = new Semaphore(window);
        long intervalNanos = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
        List<double[]> ackedSeries = new ArrayList<>();
        List<double[]> persistedSeries = new ArrayList<>();
        long start = System.nanoTime();
        long[] persisted = new long[1];
        Thread sampler = new Thread(() -> sample(jdbi, start, acked, persisted, ackedSeries, persistedSeries, users),
                "burst-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long user = 0;
        for (int i = 0; i < calls; i++) {
            long who = i % 11 == 10 ? user : ++user; // every tenth user clicks again right after
            long scheduled = rate > 0 ? start + i * intervalNanos : System.nanoTime();
            if (rate > 0) {
                long wait;
                while ((wait = scheduled - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.min(wait, 100_000));
                }
            }
            inFlight.acquire();
            long from = rate > 0 ? scheduled : System.nanoTime();
            pipeline.service().async().like(who, post).whenComplete((r, e) -> {
                recorder.recordValue(Math.max(0, (System.nanoTime() - from) / 1_000));
                inFlight.release();
                if (e != null || r.status() == LikeResult.Status.ACCEPTED) {
                    failed.increment();
                }
                acked.increment();
            });
        }
        inFlight.acquire(window);
        double ackSeconds = (System.nanoTime() - start) / 1e9;
        sampler.join(TimeUnit.MINUTES.toMillis(15));
        double persistedSeconds = (System.nanoTime() - start) / 1e9;
        synchronized (persistedSeries) {
            if (!persistedSeries.isEmpty()) {
                persistedSeconds = persistedSeries.get(persistedSeries.size() - 1)[2];
            }
        }
        long records = jdbi.withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM like_records WHERE is_canceled = 0").mapTo(Long.class).one());
        long count = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(like_count), 0) FROM like_counts")
                .mapTo(Long.class).one());
        long redisCount = pipeline.redisStore().policy().cachedCount(post).toCompletableFuture().join().orElse(-1);
        List<double[]> persistedRate = new ArrayList<>();
        synchronized (persistedSeries) {
            persistedSeries.forEach(p -> persistedRate.add(new double[] {p[0], p[1]}));
        }
        return new Burst(users, rate, failed.sum(), ackSeconds, persistedSeconds, records, count, redisCount,
                recorder.getIntervalHistogram(), ackedSeries, persistedRate);
    }

    /** Every 500 ms: likes acknowledged and persisted per second since the last sample, until all are in MySQL. */
    private static void sample(Jdbi jdbi, long start, LongAdder acked, long[] persisted, List<double[]> ackedSeries,
            List<double[]> persistedSeries, int users) {
        long lastAcked = 0;
        long lastPersisted = 0;
        long lastAt = start;
        long deadline = start + TimeUnit.MINUTES.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long a = acked.sum();
            long p = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(like_count), 0) FROM like_counts")
                    .mapTo(Long.class).one());
            double dt = (now - lastAt) / 1e9;
            double t = (now - start) / 1e9;
            ackedSeries.add(new double[] {t, (a - lastAcked) / dt});
            synchronized (persistedSeries) {
                persistedSeries.add(new double[] {t, (p - lastPersisted) / dt, t});
            }
            lastAcked = a;
            lastPersisted = p;
            lastAt = now;
            persisted[0] = p;
            if (p >= users) {
                return;
            }
        }
    }
}
