package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.FeedState;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import dev.likes.redis.RedisRateLimiter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The degraded mode of the hot path: a {@link LikeStore} decorator over the hot tier (Redis in the pipeline) that
 * answers when the tier cannot.
 *
 * <p><b>Degraded mode.</b> Redis calls go through a circuit breaker (Resilience4j). When a write fails with a
 * {@link LikeStoreException} (Redis unreachable, or the backing store unable to load the content) or the breaker is
 * open, the mutation becomes an event with a version from this store's hybrid clock, is written to the
 * {@link Journal}, published straight to the event log, and the call answers
 * {@link LikeResult.Status#ACCEPTED}: the durable store gets it from the consumer. A write that timed out is not
 * taken this way: its outcome is unknown, and it fails with {@link LikeTimeoutException}. A request ID is honoured
 * first: a retry of a change accepted here during the outage, or of one the durable store recorded, answers
 * {@link LikeResult.Status#DUPLICATE_REQUEST}. The mutation is also kept, per content, until Redis is back; then it
 * is applied to Redis again, in order and in batches, before any newer change of that content made through this
 * store, so Redis' state and count converge too (its outbox publishes the replay; the consumer's version check makes
 * that a no-op in the durable store). The journal's rows are this store's under a lease it renews; the rows of a
 * store that stopped or died before its replay are taken over by another one. Reads fall back to the local count
 * cache and the durable store, and {@link #feed} says the answer may be stale.
 *
 * <p>Thread-safe; nothing blocks a caller's thread.
 */
final class ResilientLikeStore implements LikeStore {

    private final LikeStore redis;
    private final HotTier hotTier;
    private final LikeStore backingStore;
    private final RedisBreaker breaker;
    private final PipelineMetrics metrics;
    private final DegradedBacklog backlog;
    private final DegradedWrites degraded;
    private final DegradedReplay replay;

    ResilientLikeStore(LikeStore redis, HotTier hotTier, LikeStore backingStore, DegradedWrites.RequestLog requestLog,
            Journal journal, BackingStoreBreaker mysqlGuard, EventPublisher publisher,
            CircuitBreaker breaker, Clock clock, int maxDegraded, PipelineMetrics metrics) {
        this.redis = redis;
        this.hotTier = hotTier;
        this.backingStore = backingStore;
        this.breaker = new RedisBreaker(breaker);
        this.metrics = metrics;
        this.backlog = new DegradedBacklog(journal, mysqlGuard, clock, maxDegraded);
        this.degraded = new DegradedWrites(backlog, hotTier, backingStore, requestLog, mysqlGuard, publisher, clock, metrics);
        this.replay = new DegradedReplay(backlog, redis, breaker, publisher, clock, metrics);
    }

    // ---- writes ----

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        if (breaker.isClosing()) {
            return CompletableFuture.failedFuture(new LikeStoreException(
                    "the like pipeline is closing: " + mutation.action() + " of user " + mutation.userId() + " on "
                            + mutation.content() + " was not applied", null));
        }
        try {
            return applyInOrder(mutation);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The user's rate limit in Redis, through the breaker: while Redis cannot be asked it lets every call through
     * (fails open), and the degraded backlog's bound holds instead.
     */
    AdmittingLikeStore.RateLimit rateLimit(RedisRateLimiter limiter) {
        return userId -> breaker.call(() -> limiter.acquire(userId),
                () -> CompletableFuture.completedFuture(Duration.ZERO));
    }

    /** Replays the content's degraded changes first, if it has any, then applies this one. */
    private CompletableFuture<LikeResult> applyInOrder(LikeMutation mutation) {
        if (!backlog.has(mutation.content())) {
            return applyToRedis(mutation);
        }
        // a replay that failed while the Redis breaker stays closed failed on the content's load: Redis is up
        return replay.repair(mutation.content()).thenCompose(repaired -> repaired ? applyToRedis(mutation)
                : degraded.degrade(mutation, breaker.redisAnswers()));
    }

    private CompletableFuture<LikeResult> applyToRedis(LikeMutation mutation) {
        return breaker.call(() -> redis.apply(mutation), () -> degraded.degrade(mutation, false),
                () -> degraded.degrade(mutation, true), true);
    }

    /** Replays a content's degraded changes into Redis (see {@link DegradedReplay#repair}). */
    CompletableFuture<Boolean> repair(ContentRef content) {
        return replay.repair(content);
    }

    /** The journal's upkeep, then a replay of every content with degraded changes. */
    void repairAll() {
        replay.repairAll();
    }

    /**
     * From now on a like or unlike is refused, and one whose Redis call fails has an unknown outcome instead of going
     * to the degraded mode: the pipeline is closing.
     */
    void closing() {
        breaker.closing();
    }

    /** Lets another process take over this one's degraded changes at once (see {@link DegradedBacklog}). */
    void releaseJournal() {
        backlog.releaseJournal();
    }

    /** Changes accepted in degraded mode and not yet replayed into Redis. */
    int degradedBacklog() {
        return backlog.size();
    }

    // ---- reads: Redis behind the breaker, else the local cache and the durable store ----

    private <T> CompletableFuture<T> read(Supplier<CompletionStage<T>> fromRedis,
            Supplier<CompletionStage<T>> fallback) {
        return breaker.call(fromRedis, () -> {
            metrics.fallbackRead();
            return fallback.get();
        });
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        return read(() -> redis.hasLiked(userId, content), () -> backingStore.hasLiked(userId, content));
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        return read(() -> redis.count(content), () -> {
            var local = hotTier.localCount(content);
            return local.isPresent() ? CompletableFuture.completedFuture(local.getAsLong()) : backingStore.count(content);
        });
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        return read(() -> redis.counts(contents), () -> fallbackCounts(contents));
    }

    private CompletionStage<Map<ContentRef, Long>> fallbackCounts(Set<ContentRef> contents) {
        Map<ContentRef, Long> counts = new HashMap<>();
        HashSet<ContentRef> missing = new HashSet<>();
        for (ContentRef content : contents) {
            var local = hotTier.localCount(content);
            if (local.isPresent()) {
                counts.put(content, local.getAsLong());
            } else {
                missing.add(content);
            }
        }
        if (missing.isEmpty()) {
            return CompletableFuture.completedFuture(counts);
        }
        return backingStore.counts(missing).thenApply(more -> {
            counts.putAll(more);
            return counts;
        });
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        return read(() -> redis.likedAmong(userId, contents), () -> backingStore.likedAmong(userId, contents));
    }

    @Override
    public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
        boolean[] fellBack = new boolean[1];
        return read(() -> redis.feed(userId, contents), () -> {
            fellBack[0] = true;
            return fallbackCounts(contents).thenCombine(backingStore.likedAmong(userId, contents),
                    (n, l) -> new FeedState(n, l, true));
        }).thenApply(state -> {
            boolean stale = fellBack[0] || contents.stream().anyMatch(backlog::has);
            return stale == state.possiblyStale() ? state : new FeedState(state.counts(), state.liked(), stale);
        });
    }

    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
        return redis.likers(content, after, limit);
    }

    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        return redis.likesOf(userId, contentType, after, limit);
    }
}
