package dev.likes.bench;

import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.redis.RedisLikeStore;
import io.lettuce.core.FlushMode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis memory per like for one post with many likers, in our layout (status buckets picked by a hash of the user id,
 * sized from the server's {@code hash-max-listpack-entries} so that Redis keeps them as compact listpacks; like time in
 * seconds after the content's time base) against the plain layout (one hash, field = user id, value = like time in
 * ms), with dense and with random 63-bit user ids, on the same server in the same run, from {@code INFO memory}. Like
 * times are spread over 24 hours, as a hot post's day. Also: what a request ID costs, and the slowest script call while
 * the expiry of a content of 1,000,000 random-id likers moves ({@code SLOWLOG}).
 *
 * <p>Every row runs alone in logical database {@value #DATABASE}, flushed before it: the keys other sections leave in
 * database 0 would otherwise make Redis grow its key tables during a row and count that growth as the row's.
 */
final class MemoryBench implements Bench.Section {

    private static final int DATABASE = 9;

    @Override
    public String id() {
        return "memory";
    }

    /** A clock that spreads {@code n} readings evenly over the {@code span} that ends now. */
    private static final class Spread extends Clock {
        private final long start;
        private final long stepNanos;
        private final AtomicLong readings = new AtomicLong();

        Spread(Duration span, long n) {
            this.start = System.currentTimeMillis() - span.toMillis();
            this.stepNanos = span.toNanos() / n;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(start).plusNanos(readings.getAndIncrement() * stepNanos);
        }
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        int likes = env.mode().pick(20_000, 1_000_000, 1_000_000);
        int truthLikes = env.mode().pick(20_000, 300_000, 1_000_000);
        RedisURI uri = RedisURI.create(env.redisUri());
        uri.setDatabase(DATABASE);
        RedisClient client = RedisClient.create(uri);
        Bench.Report report = new Bench.Report(id(), "Memory: Redis bytes per like");
        report.method = String.format("One post liked by %,d users through RedisLikeStore (cache mode; Redis as the truth"
                + " with its likers and users' indexes: %,d), like times spread over 24 hours (and, for a comparison"
                + " row, over 5 minutes); key prefix of 5 characters; then the same users in a"
                + " plain hash (field = user id, value = like time in ms); used_memory from INFO memory before and"
                + " after each, each row alone in a flushed logical database. Buckets sized for the server's"
                + " hash-max-listpack-entries, and for redis.conf's 128 as comparison rows. Request IDs: %,d likes"
                + " with one each, spread over 10,000 posts.", likes, truthLikes, likes / 10);
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            RedisCommands<String, String> redis = admin.sync();
            String setting = "hash-max-listpack-entries";
            int entries = Integer.parseInt(redis.configGet(setting).get(setting));
            String prefix = "m" + Long.toString(System.nanoTime() % 1_000_000, 36); // as short as a real "like"
            ContentRef post = ContentRef.of("post", 1);
            Bench.Table table = Bench.Table.of("layout", "user ids", "likes", "bytes per like", "vs plain");
            double plainDense = plain(redis, admin, prefix + "pd", Workload.of(Workload.Users.DENSE,
                    Workload.Contents.HOT, likes, 0));
            Workload random = Workload.of(Workload.Users.RANDOM, Workload.Contents.HOT, likes, 7);
            double plainRandom = plain(redis, admin, prefix + "pr", random);
            table.row("plain: one hash, field = user id, value = time in ms (baseline)", "dense", likes, plainDense, "1.00x");
            table.row("plain: the same", "random 63-bit", likes, plainRandom, "1.00x");
            double[] ours = new double[8];
            long[] perKey = new long[8];
            for (int k = 0; k < 8; k++) {
                boolean truth = k == 4 || k == 5;
                boolean conf128 = k >= 6;
                boolean burst = k == 2 || k == 3;
                int n = truth ? truthLikes : likes;
                Workload w = k % 2 == 0 ? Workload.of(Workload.Users.DENSE, Workload.Contents.HOT, n, 0)
                        : Workload.of(Workload.Users.RANDOM, Workload.Contents.HOT, n, 7);
                RedisLikeStore.Builder builder = RedisLikeStore.builder(client).keyPrefix(prefix + "o" + k);
                if (!truth) {
                    builder.backingStore(InMemoryLikeStore.create());
                }
                if (conf128) {
                    builder.hashMaxListpackEntries(128);
                }
                long before = flushed(redis);
                try (RedisLikeStore store = builder.build();
                        LikeService service = LikeService.builder(store)
                                .clock(new Spread(burst ? Duration.ofMinutes(5) : Duration.ofHours(24), n))
                                .build()) {
                    Latency.closed(n, 4_096, i -> service.async().like(w.users[(int) i], post));
                    if (service.count(post) != n) {
                        throw new IllegalStateException("count " + service.count(post) + " != " + n);
                    }
                    ours[k] = (double) (usedMemory(redis) - before) / n;
                    perKey[k] = n / Math.max(1, redis.dbsize());
                    if (k == 1) {
                        long slowest = expiryMove(redis, prefix + "o" + k, service, post);
                        report.metric("slowest_script_us_while_expiry_moves", slowest);
                        report.target("slowest script call while the expiry of a content of " + n
                                + " random-id likers moves (SLOWLOG)", "≤ 5,000 us",
                                slowest < 0 ? "none over 1,000 us" : slowest + " us", slowest < 5_000, "");
                    }
                }
                double plain = k % 2 == 0 ? plainDense : plainRandom;
                String layout = truth ? "ours, Redis as the truth, with the likers and users' indexes; likes over 24 h"
                        : burst ? "ours, cache mode; likes over 5 minutes (the design's burst)"
                        : conf128 ? "ours, cache mode, buckets sized for redis.conf's 128 (" + perKey[k]
                                + " likers per key); likes over 24 h"
                        : "**ours**, cache mode, buckets sized for the server's " + entries + " (" + perKey[k]
                                + " likers per key), time in s; likes over 24 h";
                table.row(layout, k % 2 == 0 ? "dense" : "random 63-bit", n, ours[k],
                        Bench.ratio(plain / ours[k]) + " less");
            }
            double perRequestId = requestIds(redis, client, prefix + "r", likes / 10);
            table.row("one request ID (shard epoch hash, field type:id:user:requestId)", "random 63-bit",
                    likes / 10, perRequestId, "");
            report.tables.add(table);
            report.metric("likes", likes).metric("ours_bytes_per_like", ours[0])
                    .metric("ours_random_bytes_per_like", ours[1]).metric("burst_dense_bytes_per_like", ours[2])
                    .metric("burst_random_bytes_per_like", ours[3]).metric("truth_dense_bytes_per_like", ours[4])
                    .metric("truth_random_bytes_per_like", ours[5]).metric("conf128_dense_bytes_per_like", ours[6])
                    .metric("conf128_random_bytes_per_like", ours[7]).metric("listpack_entries", entries)
                    .metric("plain_bytes_per_like", plainDense)
                    .metric("plain_random_bytes_per_like", plainRandom).metric("bytes_per_request_id", perRequestId);
            String scale = (likes < 1_000_000 ? "measured at " + likes + " likes (the smoke scale); " : "")
                    + "on the server's hash-max-listpack-entries " + entries + "; with buckets sized for redis.conf's"
                    + " 128: ";
            report.target("Redis bytes per like, 1M likers of one post, dense ids, cache mode", "≤ 12 B",
                    Bench.fmt(ours[0]) + " B (likes over 24 h), " + Bench.fmt(ours[2]) + " B (over 5 minutes)",
                    Math.max(ours[0], ours[2]) <= 12, scale + Bench.fmt(ours[6]) + " B");
            report.target("Redis bytes per like, 1M likers of one post, random 63-bit ids, cache mode", "≤ 18 B",
                    Bench.fmt(ours[1]) + " B (likes over 24 h), " + Bench.fmt(ours[3]) + " B (over 5 minutes)",
                    Math.max(ours[1], ours[3]) <= 18, scale + Bench.fmt(ours[7]) + " B");
            report.target("Redis bytes per like, Redis as the truth with its listings", "≤ 60 B",
                    Bench.fmt(ours[4]) + " B dense, " + Bench.fmt(ours[5]) + " B random", Math.max(ours[4], ours[5]) <= 60,
                    truthLikes < 1_000_000 ? "measured at " + truthLikes + " likes" : "");
            report.metric("ratio_vs_plain_same_run", plainDense / ours[0]);
        } finally {
            client.shutdown();
        }
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    /** Bytes per like of the plain layout: one hash, field = user id, value = like time in ms. */
    private static double plain(RedisCommands<String, String> redis, StatefulRedisConnection<String, String> admin,
            String key, Workload w) throws InterruptedException {
        long before = flushed(redis);
        RedisAsyncCommands<String, String> async = admin.async();
        long now = System.currentTimeMillis();
        Latency.closed(w.users.length, 4_096, i -> async.hset(key, Long.toString(w.users[(int) i]), Long.toString(now + i)));
        return (double) (usedMemory(redis) - before) / w.users.length;
    }

    /**
     * Makes the content's expiry move (as when less than half its hot TTL is left) and likes it a few times: the
     * slowest script call meanwhile, in microseconds (SLOWLOG; -1 when none took a millisecond).
     */
    private static long expiryMove(RedisCommands<String, String> redis, String prefix, LikeService service,
            ContentRef post) {
        String main = redis.keys(prefix + ":c:{s:*}:" + post).get(0);
        redis.configSet("slowlog-log-slower-than", "1000");
        redis.slowlogReset();
        redis.hset(main, "x", "1");
        for (int i = 0; i < 600; i++) {
            service.like(Long.MAX_VALUE - i, post);
        }
        // and full batches, 256 likes per call, with nothing else running
        for (int round = 0; round < 20; round++) {
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                batch.add(service.async().like(Long.MAX_VALUE - 1_000 - round * 256L - i, post).toCompletableFuture());
            }
            CompletableFuture.allOf(batch.toArray(new CompletableFuture<?>[0]))
                    .join();
        }
        return HotPathBench.slowestScript(redis);
    }

    /** Bytes per request ID remembered: likes with one each, spread over 10,000 posts. */
    private static double requestIds(RedisCommands<String, String> redis, RedisClient client, String prefix, int n)
            throws InterruptedException {
        flushed(redis);
        Workload w = Workload.of(Workload.Users.RANDOM, Workload.Contents.SPREAD_10K, n, 11);
        try (RedisLikeStore store = RedisLikeStore.builder(client).keyPrefix(prefix).build();
                LikeService service = LikeService.builder(store).build()) {
            Latency.closed(n, 4_096, i -> service.async().like(w.users[(int) i], w.contents[(int) i]));
            long before = usedMemory(redis);
            // repeated clicks: nothing changes but the request IDs remembered
            Latency.closed(n, 4_096, i -> service.async().like(w.users[(int) i], w.contents[(int) i],
                    "request-" + Long.toString(i, 36)));
            return (double) (usedMemory(redis) - before) / n;
        }
    }

    /**
     * Empties the benchmark's database, freeing its memory before it returns, and then reads {@code used_memory}.
     * {@code SLOWLOG} is off and empty from then on, until {@link #expiryMove} turns it on: its entries (up to 4 KB
     * each) would count as the row's memory.
     */
    private static long flushed(RedisCommands<String, String> redis) {
        redis.configSet("slowlog-log-slower-than", "-1");
        redis.slowlogReset();
        redis.flushdb(FlushMode.SYNC);
        return usedMemory(redis);
    }

    private static long usedMemory(RedisCommands<String, String> redis) {
        Matcher m = Pattern.compile("used_memory:(\\d+)").matcher(redis.info("memory"));
        if (!m.find()) {
            throw new IllegalStateException("INFO memory has no used_memory");
        }
        return Long.parseLong(m.group(1));
    }
}
