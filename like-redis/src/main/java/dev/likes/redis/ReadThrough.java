package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.Liker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Loads a content Redis does not hold from the durable store behind it. Concurrent misses of one content in this
 * process share one load; across processes a lock in Redis lets one load while the others wait for the result. A
 * count alone is cached for contents that are only read (with the short empty TTL when it is 0, so requests for
 * contents nobody likes stop reaching the durable store).
 */
final class ReadThrough {

    private static final int CHUNK = 1_000;
    private static final long POLL_MILLIS = 20;

    private final Redis redis;
    private final Keys keys;
    private final LikeStore durable;
    private final Redis.Script begin;
    private final Redis.Script chunk;
    private final Redis.Script finish;
    private final Redis.Script countOnly;
    private final long coldTtlMillis;
    private final long emptyTtlMillis;
    private final long loadTimeoutMillis; // the lock's TTL, and how long others wait for the loader
    private final ConcurrentHashMap<ContentRef, CompletableFuture<Void>> fullLoads = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ContentRef, CompletableFuture<Long>> countLoads = new ConcurrentHashMap<>();
    private final LongAdder loads = new LongAdder();

    ReadThrough(Redis redis, Keys keys, LikeStore durable, Duration coldTtl, Duration emptyTtl, Duration loadTimeout) {
        this.redis = redis;
        this.keys = keys;
        this.durable = durable;
        this.begin = Redis.Script.load("load-begin", io.lettuce.core.ScriptOutputType.INTEGER);
        this.chunk = Redis.Script.load("load-chunk", io.lettuce.core.ScriptOutputType.INTEGER);
        this.finish = Redis.Script.load("load-finish", io.lettuce.core.ScriptOutputType.INTEGER);
        this.countOnly = Redis.Script.load("load-count", io.lettuce.core.ScriptOutputType.INTEGER);
        this.coldTtlMillis = coldTtl.toMillis();
        this.emptyTtlMillis = emptyTtl.toMillis();
        this.loadTimeoutMillis = loadTimeout.toMillis();
    }

    /** How many loads from the durable store this process made (full and count-only). */
    long loads() {
        return loads.sum();
    }

    /** Loads the content's whole state (who likes it, the count) into Redis, once per miss. */
    CompletableFuture<Void> loadState(ContentRef content) {
        return singleFlight(fullLoads, content, () -> startLoad(content));
    }

    /** Caches the content's count alone and returns it. */
    CompletableFuture<Long> loadCount(ContentRef content) {
        // a caller that missed just before an earlier load finished starts a new flight: it looks again first
        return singleFlight(countLoads, content, () -> redis.call("HGET meta", c -> c.hget(keys.meta(content), "n"))
                .thenCompose(cached -> {
                    if (cached != null) {
                        return CompletableFuture.completedFuture(Long.parseLong(cached));
                    }
                    loads.increment();
                    return durable.count(content).toCompletableFuture().thenCompose(n -> redis.<Long>script(
                                    countOnly,
                                    new String[] {keys.meta(content)},
                                    Long.toString(n),
                                    Long.toString(n == 0 ? emptyTtlMillis : coldTtlMillis))
                            .thenApply(written -> n));
                }));
    }

    /** Caches several counts read from the durable store in one call. */
    CompletableFuture<Map<ContentRef, Long>> loadCounts(java.util.Set<ContentRef> contents) {
        loads.increment();
        return durable.counts(contents).toCompletableFuture().thenCompose(counts -> {
            List<CompletableFuture<Long>> writes = new ArrayList<>(counts.size());
            counts.forEach((content, n) -> writes.add(redis.script(
                    countOnly,
                    new String[] {keys.meta(content)},
                    Long.toString(n),
                    Long.toString(n == 0 ? emptyTtlMillis : coldTtlMillis))));
            return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).thenApply(done -> counts);
        });
    }

    private static <T> CompletableFuture<T> singleFlight(
            ConcurrentHashMap<ContentRef, CompletableFuture<T>> flights,
            ContentRef content,
            Supplier<CompletableFuture<T>> load) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> running = flights.putIfAbsent(content, mine);
        if (running != null) {
            return running;
        }
        try {
            load.get().whenComplete((value, failure) -> {
                flights.remove(content, mine);
                if (failure != null) {
                    mine.completeExceptionally(failure);
                } else {
                    mine.complete(value);
                }
            });
        } catch (RuntimeException e) {
            flights.remove(content, mine);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    private CompletableFuture<Void> startLoad(ContentRef content) {
        String token = UUID.randomUUID().toString();
        return redis.<Long>script(
                        begin,
                        new String[] {keys.meta(content), keys.bucketSet(content), keys.lock(content)},
                        token,
                        Long.toString(loadTimeoutMillis),
                        keys.bucketPrefix(content))
                .thenCompose(started -> {
                    if (started == 0) {
                        return CompletableFuture.completedFuture(null); // loaded meanwhile
                    }
                    if (started < 0) {
                        return awaitOtherLoader(content, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(loadTimeoutMillis));
                    }
                    loads.increment();
                    long expireAt = System.currentTimeMillis() + coldTtlMillis;
                    return copy(content, token, expireAt, null, 0);
                });
    }

    /** Copies the durable store's likers page by page, then publishes the meta hash that makes the content visible. */
    private CompletableFuture<Void> copy(ContentRef content, String token, long expireAt, Liker after, long copied) {
        return durable.likers(content, after, CHUNK).toCompletableFuture().thenCompose(page -> {
            if (page.isEmpty()) {
                return finish(content, token, expireAt, copied);
            }
            List<String> args = new ArrayList<>(4 + page.size() * 3);
            args.add(token);
            args.add(Long.toString(expireAt));
            args.add(keys.bucketPrefix(content));
            args.add(Long.toString(loadTimeoutMillis));
            for (Liker liker : page) {
                args.add(Long.toString(Keys.bucketId(liker.userId())));
                args.add(Keys.field(liker.userId()));
                args.add(Long.toString(liker.likedAt().getEpochSecond()));
            }
            long total = copied + page.size();
            return redis.<Long>script(
                            chunk,
                            new String[] {keys.bucketSet(content), keys.lock(content)},
                            args.toArray(new String[0]))
                    .thenCompose(done -> lockHeld(done, content))
                    .thenCompose(ignored -> page.size() < CHUNK
                            ? finish(content, token, expireAt, total)
                            : copy(content, token, expireAt, page.get(page.size() - 1), total));
        });
    }

    private CompletableFuture<Void> finish(ContentRef content, String token, long expireAt, long count) {
        long expiry = count == 0 ? System.currentTimeMillis() + emptyTtlMillis : expireAt;
        return redis.<Long>script(
                        finish,
                        new String[] {keys.meta(content), keys.lock(content)},
                        token,
                        Long.toString(count),
                        "0",
                        Long.toString(expiry))
                .thenCompose(done -> lockHeld(done, content));
    }

    private static CompletableFuture<Void> lockHeld(Long done, ContentRef content) {
        return done == 1
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new LikeStoreException(
                        "lost the load lock of " + content + " (the load took longer than the load timeout)", null));
    }

    private CompletableFuture<Void> awaitOtherLoader(ContentRef content, long deadline) {
        Executor later = CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> null, later)
                .thenCompose(x -> redis.call("HGET meta", c -> c.hget(keys.meta(content), "s")))
                .thenCompose(s -> {
                    if ("1".equals(s)) {
                        return CompletableFuture.completedFuture(null);
                    }
                    if (System.nanoTime() > deadline) {
                        return CompletableFuture.failedFuture(new LikeStoreException(
                                "another process did not finish loading " + content + " in time", null));
                    }
                    return awaitOtherLoader(content, deadline);
                });
    }
}
