package dev.likes.bench;

import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.redis.RedisLikeStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis memory per like for one post with many likers, in our layout (status buckets of 128 users that Redis keeps as
 * compact listpacks, like time in seconds) against the plain layout (one hash, field = user id, value = like time in
 * ms), on the same server in the same run, from {@code INFO memory}.
 */
final class MemoryBench implements Bench.Section {

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        int likes = env.mode().pick(20_000, 1_000_000, 1_000_000);
        RedisClient client = RedisClient.create(env.redisUri());
        Bench.Report report = new Bench.Report(id(), "Memory: Redis bytes per like");
        report.method = String.format("One post liked by %,d users through RedisLikeStore, then the same users in a"
                + " plain hash (field = user id, value = like time in ms); used_memory from INFO memory before and"
                + " after each.", likes);
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            RedisCommands<String, String> redis = admin.sync();
            String prefix = "membench" + System.nanoTime();
            ContentRef post = ContentRef.of("post", 1);

            long before = usedMemory(redis);
            try (RedisLikeStore store = RedisLikeStore.builder(client)
                            .keyPrefix(prefix)
                            .backingStore(InMemoryLikeStore.create())
                            .build();
                    LikeService service = LikeService.builder(store).build()) {
                Latency.closed(likes, 4_096, i -> service.async().like(1 + i, post));
                if (service.count(post) != likes) {
                    throw new IllegalStateException("count " + service.count(post) + " != " + likes);
                }
            }
            long ours = usedMemory(redis) - before;

            String plainKey = prefix + ":plain:{post:1}";
            long plainBefore = usedMemory(redis);
            RedisAsyncCommands<String, String> async = admin.async();
            long now = System.currentTimeMillis();
            Latency.closed(likes, 4_096, i -> async.hset(plainKey, Long.toString(1 + i), Long.toString(now + i)));
            long plain = usedMemory(redis) - plainBefore;
            double oursPerLike = (double) ours / likes;
            double plainPerLike = (double) plain / likes;
            report.tables.add(Bench.Table.of("layout", "bytes", "bytes per like", "vs plain")
                    .row("plain: one hash, field = user id, value = time in ms (baseline)", (double) plain, plainPerLike, "1.00x")
                    .row("**ours**: 128-user listpack buckets, time in s", (double) ours, oursPerLike,
                            Bench.ratio(plainPerLike / oursPerLike) + " less"));
            report.metric("likes", likes).metric("ours_bytes_per_like", oursPerLike)
                    .metric("plain_bytes_per_like", plainPerLike);
            report.target("Redis bytes per like, 1M-like post, like time included",
                    "≤ 12 B (6x under the 72 B plain layout the issue measured)",
                    Bench.fmt(oursPerLike) + " B", oursPerLike <= 12, likes < 1_000_000 ? "measured at " + likes
                            + " likes (the smoke scale)" : "");
            report.metric("ratio_vs_plain_same_run", plainPerLike / oursPerLike);
        } finally {
            client.shutdown();
        }
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    private static long usedMemory(RedisCommands<String, String> redis) {
        Matcher m = Pattern.compile("used_memory:(\\d+)").matcher(redis.info("memory"));
        if (!m.find()) {
            throw new IllegalStateException("INFO memory has no used_memory");
        }
        return Long.parseLong(m.group(1));
    }
}
