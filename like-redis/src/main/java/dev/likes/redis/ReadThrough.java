package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.Liker;
import dev.likes.core.internal.Futures;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Loads a content Redis does not hold from the backing store behind it. Concurrent misses of one content in this
 * process share one load; across processes a lock in Redis lets one load while the others wait for the result. A
 * count alone is cached for contents that are only read (with the short empty TTL when it is 0, so requests for
 * contents nobody likes stop reaching the backing store).
 */
final class ReadThrough {

    private static final int CHUNK = 1_000;
    /** The most loads that run at once. */
    static final int MAX_LOADS = 64;
    /** The most loads that wait for one of those; one more is refused at once ({@code OVERLOADED}). */
    static final int MAX_WAITING_LOADS = 1_024;
    private static final long POLL_MILLIS = 20;

    private final Redis redis;
    private final Keys keys;
    private final LikeStore backingStore;
    private final Redis.Script begin;
    private final Redis.Script chunk;
    private final Redis.Script finish;
    private final Redis.Script abort;
    private final Redis.Script countOnly;
    private final long coldTtlMillis;
    private final long emptyTtlMillis;
    private final long loadTimeoutMillis; // the lock's TTL, and how long others wait for the loader
    private final ConcurrentHashMap<ContentRef, CompletableFuture<Void>> fullLoads = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ContentRef, CompletableFuture<Long>> countLoads = new ConcurrentHashMap<>();
    private final LongAdder loads = new LongAdder();
    private final LoadAdmission admission;

    ReadThrough(Redis redis, Keys keys, LikeStore backingStore, Duration coldTtl, Duration emptyTtl, Duration loadTimeout,
            Duration loadQueueTimeout) {
        this.redis = redis;
        this.keys = keys;
        this.backingStore = backingStore;
        this.begin = Redis.Script.load("load-begin", ScriptOutputType.INTEGER);
        this.chunk = Redis.Script.load("load-chunk", ScriptOutputType.INTEGER);
        this.finish = Redis.Script.load("load-finish", ScriptOutputType.INTEGER);
        this.abort = Redis.Script.load("load-abort", ScriptOutputType.INTEGER);
        this.countOnly = Redis.Script.load("load-count", ScriptOutputType.INTEGER);
        this.coldTtlMillis = coldTtl.toMillis();
        this.emptyTtlMillis = emptyTtl.toMillis();
        this.loadTimeoutMillis = loadTimeout.toMillis();
        this.admission = new LoadAdmission(MAX_LOADS, MAX_WAITING_LOADS, loadQueueTimeout, System::nanoTime);
    }

    /** How many loads from the backing store this process made (full and count-only). */
    long loads() {
        return loads.sum();
    }

    /**
     * Loads the content's whole state (who likes it, the count) into Redis, once per miss. At most
     * {@link #MAX_LOADS} loads run at once; more wait in line, so a storm of misses (a cold start) never floods Redis
     * with load calls that would push every call past its timeout.
     */
    CompletableFuture<Void> loadState(ContentRef content) {
        return singleFlight(fullLoads, content, () -> admission.admit(() -> startLoad(content)));
    }

    /** Caches the content's count alone and returns it. */
    CompletableFuture<Long> loadCount(ContentRef content) {
        // a caller that missed just before an earlier load finished starts a new flight: it looks again first
        return singleFlight(countLoads, content, () -> redis.call("HGET meta", c -> c.hget(keys.main(content), "n"))
                .thenCompose(cached -> {
                    if (cached != null && !cached.isEmpty()) {
                        return CompletableFuture.completedFuture(Long.parseLong(cached));
                    }
                    loads.increment();
                    return backingStore(() -> backingStore.count(content)).thenCompose(n -> redis.<Long>script(
                                    countOnly,
                                    new String[] {keys.main(content)},
                                    Long.toString(n),
                                    Long.toString(n == 0 ? emptyTtlMillis : coldTtlMillis))
                            .thenApply(written -> n));
                }));
    }

    /** Caches several counts read from the backing store in one call. */
    CompletableFuture<Map<ContentRef, Long>> loadCounts(Set<ContentRef> contents) {
        loads.increment();
        return backingStore(() -> backingStore.counts(contents)).thenCompose(counts -> {
            List<CompletableFuture<Long>> writes = new ArrayList<>(counts.size());
            counts.forEach((content, n) -> writes.add(redis.script(
                    countOnly,
                    new String[] {keys.main(content)},
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
                        new String[] {keys.main(content), keys.lock(content)},
                        token,
                        Long.toString(loadTimeoutMillis))
                .thenCompose(started -> {
                    if (started == 0) {
                        return CompletableFuture.completedFuture(null); // loaded meanwhile
                    }
                    if (started < 0) {
                        return awaitOtherLoader(content, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(loadTimeoutMillis));
                    }
                    loads.increment();
                    // the buckets are sized for the count the backing store has now; later likes split them further.
                    // The content's versions go on above the backing store's, whatever Redis' clock says.
                    return backingStore(() -> backingStore.snapshot(content, CHUNK)).thenCompose(snapshot -> {
                        long now = System.currentTimeMillis();
                        Layout layout = new Layout(content, Long.toString(started, 36), now / 1000, snapshot.count(),
                                keys.bucketLoad(), now + coldTtlMillis, token, snapshot.version());
                        return copy(layout, snapshot.newestLikers(), 0);
                    }).exceptionallyCompose(failure -> release(content, token, failure));
                });
    }

    /**
     * A stage of the backing store that fails after the load timeout if it has not completed by then, so that a
     * backing store that never answers cannot hold a load (and the calls waiting for it) for ever.
     */
    private <T> CompletableFuture<T> backingStore(Supplier<CompletionStage<T>> read) {
        CompletableFuture<T> stage;
        try {
            stage = read.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return stage.copy().orTimeout(loadTimeoutMillis, TimeUnit.MILLISECONDS).exceptionallyCompose(failure -> {
            Throwable cause = Futures.unwrap(failure);
            String why = cause instanceof TimeoutException
                    ? "did not answer within the load timeout of " + loadTimeoutMillis + " ms"
                    : "failed: " + cause.getMessage();
            return CompletableFuture.failedFuture(new BackingStoreException("the backing store " + why, cause));
        });
    }

    /** Releases the lock of a failed load, then fails with the load's failure. */
    private CompletableFuture<Void> release(ContentRef content, String token, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        LikeStoreException failed = cause instanceof LikeStoreException lse
                ? lse
                : new LikeStoreException("loading " + content + " from the backing store failed: " + cause, cause);
        return redis.<Long>script(abort, new String[] {keys.main(content), keys.lock(content)}, token)
                .handle((released, releaseFailure) -> null)
                .thenCompose(ignored -> CompletableFuture.failedFuture(failed));
    }

    /** Where a load writes: the generation, the time base and the buckets' linear-hashing level and split pointer. */
    private static final class Layout {
        final ContentRef content;
        final String generation;
        final long base;
        final int level;
        final long split;
        final long expireAt;
        final String token;
        final long version;

        Layout(ContentRef content, String generation, long base, long expectedLikers, int bucketLoad, long expireAt,
                String token, long version) {
            this.content = content;
            this.version = version;
            this.generation = generation;
            this.base = base;
            this.expireAt = expireAt;
            this.token = token;
            long buckets = Math.max(1, (expectedLikers + bucketLoad - 1) / bucketLoad);
            this.level = 63 - Long.numberOfLeadingZeros(buckets);
            this.split = buckets - (1L << level);
        }
    }

    /**
     * Copies a page of the backing store's likers, reads and copies the pages after it, then publishes the meta fields
     * that make the content visible.
     */
    private CompletableFuture<Void> copy(Layout layout, List<Liker> page, long copied) {
        ContentRef content = layout.content;
        if (page.isEmpty()) {
            return placeholders(layout, 1, copied);
        }
        List<String> args = new ArrayList<>(3 + page.size() * 3);
        args.add(layout.token);
        args.add(Long.toString(layout.expireAt));
        args.add(Long.toString(loadTimeoutMillis));
        for (Liker liker : page) {
            long address = Buckets.address(Buckets.addressHash(liker.userId()), layout.level, layout.split);
            args.add(keys.bucket(content, layout.generation, address));
            args.add(Long.toString(liker.userId()));
            args.add(Long.toString(liker.likedAt().getEpochSecond() - layout.base));
        }
        long total = copied + page.size();
        return redis.<Long>script(chunk, new String[] {keys.lock(content)}, args.toArray(new String[0]))
                .thenCompose(done -> lockHeld(done, content))
                .thenCompose(ignored -> page.size() < CHUNK
                        ? placeholders(layout, 1, total)
                        : backingStore(() -> backingStore.likers(content, page.get(page.size() - 1), CHUNK))
                                .thenCompose(next -> copy(layout, next, total)));
    }

    /**
     * Writes the field '~' into every bucket but 0, from {@code from} on, a chunk at a time: every bucket then exists
     * with its expiry, also one no liker hashes to yet (the apply script writes its users with HSETNX).
     */
    private CompletableFuture<Void> placeholders(Layout layout, long from, long count) {
        long buckets = (1L << layout.level) + layout.split;
        if (from >= buckets) {
            return finish(layout, count);
        }
        long to = Math.min(buckets, from + CHUNK);
        List<String> args = new ArrayList<>(3 + 3 * (int) (to - from));
        args.add(layout.token);
        args.add(Long.toString(layout.expireAt));
        args.add(Long.toString(loadTimeoutMillis));
        for (long a = from; a < to; a++) {
            args.add(keys.bucket(layout.content, layout.generation, a));
            args.add("~");
            args.add("");
        }
        return redis.<Long>script(chunk, new String[] {keys.lock(layout.content)}, args.toArray(new String[0]))
                .thenCompose(done -> lockHeld(done, layout.content))
                .thenCompose(ignored -> placeholders(layout, to, count));
    }

    private CompletableFuture<Void> finish(Layout layout, long count) {
        long expiry = count == 0 ? System.currentTimeMillis() + emptyTtlMillis : layout.expireAt;
        return redis.<Long>script(
                        finish,
                        new String[] {keys.main(layout.content), keys.lock(layout.content)},
                        layout.token,
                        Long.toString(count),
                        Long.toString(layout.version),
                        Long.toString(expiry),
                        layout.generation,
                        Long.toString(layout.base),
                        Integer.toString(layout.level),
                        Long.toString(layout.split))
                .thenCompose(done -> lockHeld(done, layout.content));
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
                .thenCompose(x -> redis.call("HGET meta", c -> c.hget(keys.main(content), "s")))
                .thenCompose(s -> {
                    if ("1".equals(s)) {
                        return CompletableFuture.completedFuture(null);
                    }
                    if (s == null) {
                        // the loader gave up (its load failed and released the lock) or its lock expired: load here
                        return startLoad(content);
                    }
                    if (System.nanoTime() > deadline) {
                        return CompletableFuture.failedFuture(new LikeStoreException(
                                "another process did not finish loading " + content + " in time", null));
                    }
                    return awaitOtherLoader(content, deadline);
                });
    }
}
