package dev.likes.examples.redis;

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
 * Measures Redis memory per like for one post with many likers, in our layout (small status buckets, like time in
 * seconds) against the plain layout (one hash, field = user id, value = like time in ms), on the same server in the
 * same run, from {@code INFO memory}. Run against a test Redis: it writes a few hundred MB and deletes them after.
 *
 * <pre>scripts/services.sh start redis
 * java -cp ... dev.likes.examples.redis.RedisMemoryReport --redis redis://127.0.0.1:16379 --likes 1000000</pre>
 */
public final class RedisMemoryReport {

    private RedisMemoryReport() {}

    /**
     * Runs the measurement.
     *
     * @param args {@code --redis URI --likes N}
     */
    public static void main(String[] args) {
        String uri = "redis://127.0.0.1:16379";
        int likes = 1_000_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--redis")) {
                uri = args[i + 1];
            } else if (args[i].equals("--likes")) {
                likes = Integer.parseInt(args[i + 1].replace("_", ""));
            } else {
                throw new IllegalArgumentException("unknown flag " + args[i] + "; usage: --redis URI --likes N");
            }
        }
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            RedisCommands<String, String> redis = admin.sync();
            String prefix = "memreport" + System.nanoTime();
            ContentRef post = ContentRef.of("post", 1);

            long before = usedMemory(redis);
            try (RedisLikeStore store = RedisLikeStore.builder(client)
                            .keyPrefix(prefix)
                            .backingStore(InMemoryLikeStore.create())
                            .build();
                    LikeService service = LikeService.builder(store).build()) {
                Semaphore window = new Semaphore(4_096);
                List<CompletableFuture<?>> last = new ArrayList<>();
                for (long user = 1; user <= likes; user++) {
                    window.acquireUninterruptibly();
                    CompletableFuture<?> f = service.async().like(user, post).toCompletableFuture();
                    f.whenComplete((r, e) -> window.release());
                    if (user > likes - 4_096) {
                        last.add(f);
                    }
                }
                CompletableFuture.allOf(last.toArray(new CompletableFuture<?>[0])).join();
                window.acquireUninterruptibly(4_096);
                if (service.count(post) != likes) {
                    throw new IllegalStateException("count " + service.count(post) + " != " + likes);
                }
            }
            long ours = usedMemory(redis) - before;

            String plainKey = prefix + ":plain:{post:1}";
            long plainBefore = usedMemory(redis);
            RedisAsyncCommands<String, String> async = admin.async();
            long now = System.currentTimeMillis();
            List<io.lettuce.core.RedisFuture<?>> batch = new ArrayList<>();
            for (long user = 1; user <= likes; user++) {
                batch.add(async.hset(plainKey, Long.toString(user), Long.toString(now + user)));
                if (batch.size() == 10_000) {
                    io.lettuce.core.LettuceFutures.awaitAll(1, TimeUnit.MINUTES, batch.toArray(new io.lettuce.core.RedisFuture<?>[0]));
                    batch.clear();
                }
            }
            io.lettuce.core.LettuceFutures.awaitAll(1, TimeUnit.MINUTES, batch.toArray(new io.lettuce.core.RedisFuture<?>[0]));
            long plain = usedMemory(redis) - plainBefore;

            System.out.printf(Locale.ROOT, "likes on one post: %,d%n", likes);
            System.out.printf(Locale.ROOT, "our layout  (128-user listpack buckets, time in s): %,d bytes = %.1f B per like%n",
                    ours, (double) ours / likes);
            System.out.printf(Locale.ROOT, "plain layout (one hash, field per user, time in ms): %,d bytes = %.1f B per like%n",
                    plain, (double) plain / likes);
            System.out.printf(Locale.ROOT, "ratio: plain / ours = %.1fx%n", (double) plain / ours);

            for (String key : redis.keys(prefix + ":*")) {
                redis.unlink(key);
            }
        } finally {
            client.shutdown();
        }
    }

    private static long usedMemory(RedisCommands<String, String> redis) {
        Matcher m = Pattern.compile("used_memory:(\\d+)").matcher(redis.info("memory"));
        if (!m.find()) {
            throw new IllegalStateException("INFO memory has no used_memory");
        }
        return Long.parseLong(m.group(1));
    }
}
