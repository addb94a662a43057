package dev.likes.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeResult;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.pipeline.LikePipeline;
import io.lettuce.core.RedisURI;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jdbi.v3.core.Jdbi;

/**
 * The design's burst through the whole pipeline: N distinct users like one post, with 10% of them clicking twice,
 * into Redis (outbox), Kafka and MySQL. With an offered rate, calls start on a fixed schedule whatever the replies do
 * (open loop) and each latency counts from the call's scheduled start, so a stall is not hidden (coordinated
 * omission); without one, 1,024 calls are kept in flight. Checks at the end that MySQL holds exactly N liking records,
 * its count row says N, and Redis says N. Prints {@code name: value} lines.
 */
public final class HotPostBurst {

    private HotPostBurst() {}

    /**
     * Runs the burst.
     *
     * @param args {@code JDBC_URL USER PASSWORD REDIS_URI KAFKA_BOOTSTRAP [LIKES [RATE_PER_SECOND]]}
     * @throws Exception if a server fails
     */
    public static void main(String[] args) throws Exception {
        int users = args.length > 5 ? Integer.parseInt(args[5]) : 1_000_000;
        int rate = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        String run = Long.toString(System.currentTimeMillis(), 36);
        String database = "like_burst_" + run;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        config.setPassword(args[2]);
        config.setMaximumPoolSize(2);
        try (HikariDataSource admin = new HikariDataSource(config)) {
            Jdbi.create(admin).useHandle(h -> h.execute("CREATE DATABASE " + database));
        }
        config.setJdbcUrl(args[0].substring(0, args[0].lastIndexOf('/') + 1) + database);
        config.setMaximumPoolSize(12);
        ContentRef post = ContentRef.of("post", 1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Jdbi jdbi = Jdbi.create(pool);
            JdbiLikeStore.createSchema(jdbi);
            try (LikePipeline pipeline = LikePipeline.builder()
                    .redis(RedisURI.create(args[3]))
                    .kafka(args[4])
                    .mysql(jdbi)
                    .topic("likes-burst-" + run)
                    .createTopic(12, (short) 1)
                    .consumerGroup("burst-" + run)
                    .noRateLimit()
                    .maxInFlight(20_000)
                    .configureRedis(r -> r.keyPrefix("burst" + run))
                    .build()) {
                burst(pipeline, jdbi, post, users, rate);
            }
        }
    }

    private static void burst(LikePipeline pipeline, Jdbi jdbi, ContentRef post, int users, int rate) throws Exception {
        int calls = users + users / 10;
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
        LongAdder applied = new LongAdder();
        LongAdder unchanged = new LongAdder();
        LongAdder failed = new LongAdder();
        Semaphore window = new Semaphore(rate > 0 ? 50_000 : 1_024);
        long intervalNanos = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
        long start = System.nanoTime();
        int user = 0;
        for (int i = 0; i < calls; i++) {
            // every tenth user clicks a second time, right after their first click
            long who = i % 11 == 10 ? user : ++user;
            long scheduled = rate > 0 ? start + i * intervalNanos : System.nanoTime();
            if (rate > 0) {
                long wait;
                while ((wait = scheduled - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.min(wait, 200_000));
                }
            }
            window.acquire();
            long from = rate > 0 ? scheduled : System.nanoTime();
            pipeline.service().async().like(who, post).whenComplete((r, e) -> {
                recorder.recordValue(Math.max(0, (System.nanoTime() - from) / 1_000));
                window.release();
                if (e != null) {
                    failed.increment();
                } else if (r.status() == LikeResult.Status.APPLIED) {
                    applied.increment();
                } else {
                    unchanged.increment();
                }
            });
        }
        window.acquire(rate > 0 ? 50_000 : 1_024);
        double ackSeconds = (System.nanoTime() - start) / 1e9;
        long inMysql = 0;
        while (true) {
            inMysql = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(like_count), 0) FROM like_counts")
                    .mapTo(Long.class).one());
            if (inMysql >= users || System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        double persistedSeconds = (System.nanoTime() - start) / 1e9;
        long records = jdbi.withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM like_records WHERE is_canceled = 0").mapTo(Long.class).one());
        long redisCount = pipeline.redisStore().cachedCount(post).toCompletableFuture().join().orElse(-1);
        Histogram h = recorder.getIntervalHistogram();
        print("likes (distinct users)", users);
        print("repeated clicks", users / 10);
        print("offered rate (/s, 0 = as fast as acknowledged)", rate);
        print("applied", applied.sum());
        print("unchanged (repeated clicks)", unchanged.sum());
        print("failed", failed.sum());
        print("all acknowledged after (s)", ackSeconds);
        print("acknowledged rate (/s)", calls / ackSeconds);
        print("like() p50 (us)", h.getValueAtPercentile(50));
        print("like() p99 (us)", h.getValueAtPercentile(99));
        print("like() p99.9 (us)", h.getValueAtPercentile(99.9));
        print("like() max (us)", h.getMaxValue());
        print("all in MySQL after (s, from the first like)", persistedSeconds);
        print("MySQL like_counts", inMysql);
        print("MySQL liking records", records);
        print("Redis count", redisCount);
        long lost = users - Math.min(records, users);
        long duplicated = Math.max(0, records - users) + Math.max(0, inMysql - users) + Math.max(0, redisCount - users);
        print("lost", lost);
        print("duplicated", duplicated);
        boolean ok = failed.sum() == 0 && applied.sum() == users && records == users && inMysql == users
                && redisCount == users;
        System.out.println("verification: " + (ok ? "OK" : "FAILED"));
        if (!ok) {
            System.exit(1);
        }
    }

    private static void print(String name, double value) {
        System.out.println(name + ": " + (value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.2f", value)));
    }
}
