package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.FeedState;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import dev.likes.jdbc.DegradedJournal;
import dev.likes.redis.BackingStoreException;
import dev.likes.redis.RedisLikeStore;
import dev.likes.redis.RedisRateLimiter;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protected hot path: a {@link LikeStore} over the Redis store that adds admission control and the degraded mode.
 *
 * <p><b>Admission.</b> A like or unlike first takes a permit of a semaphore bulkhead (Resilience4j; no waiting: when
 * all permits are taken it is shed with {@link LikeRejectedException.Reason#OVERLOADED}), then a token of the user's
 * rate limit in Redis ({@link LikeRejectedException.Reason#RATE_LIMITED}); while Redis is down the rate limit is not
 * checked (fail open) and the degraded backlog bound takes over.
 *
 * <p><b>Degraded mode.</b> Redis calls go through a circuit breaker (Resilience4j). When a write fails with a
 * {@link LikeStoreException} (Redis unreachable, or the backing store unable to load the content) or the breaker is
 * open, the mutation becomes an event with a version from this store's hybrid clock, is written to the
 * {@link DegradedJournal}, published straight to the event log, and the call answers
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

    private static final Logger log = LoggerFactory.getLogger(ResilientLikeStore.class);
    private static final long REQUEST_LOOKUP_TIMEOUT_MILLIS = 2_000;
    /** The most degraded changes of one content sent to Redis at once by a replay. */
    private static final int REPLAY_BATCH = 256;
    /** How long a journal entry stays this process' after its last renewal: then another process takes it over. */
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final long RENEW_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CLAIM_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int CLAIM_LIMIT = 10_000;

    private final RedisLikeStore redis;
    private final LikeStore durable;
    private final EventPublisher publisher;
    private final @Nullable RedisRateLimiter limiter;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private volatile boolean closing;
    private final Clock clock;
    private final PipelineMetrics metrics;
    private final int maxDegraded;
    private final ConcurrentHashMap<ContentRef, Dirty> dirty = new ConcurrentHashMap<>();
    private final AtomicInteger degradedBacklog = new AtomicInteger();
    private final AtomicLong lastVersion = new AtomicLong();
    private final RequestLog requestLog;
    private final DegradedJournal journal;
    /** MySQL's circuit breaker: the journal and the request log are not waited for while MySQL is down. */
    private final BackingStoreBreaker mysqlGuard;
    /** This store's name in the journal's leases. */
    private final String owner = "like-" + UUID.randomUUID();
    /** Journal entries replayed whose deletion failed: deleted again by the next repair. */
    private final ConcurrentLinkedQueue<DegradedJournal.Entry> unremoved = new ConcurrentLinkedQueue<>();
    private long lastRenew = System.nanoTime();
    /** When the journal was last asked for entries to take over: the first repair asks at once. */
    private long lastClaim = System.nanoTime() - CLAIM_EVERY_NANOS;
    private final Object journalLock = new Object();
    private final AtomicBoolean unjournaledWarned = new AtomicBoolean();
    /**
     * Request IDs of changes being accepted or accepted in degraded mode and not replayed yet, each with its change's
     * outcome: whether it was a like, once accepted.
     */
    private final ConcurrentHashMap<RequestKey, CompletableFuture<Boolean>> degradedRequests = new ConcurrentHashMap<>();

    /** Where the durable side records request IDs (the consumer's sink), asked while Redis is down. */
    @FunctionalInterface
    interface RequestLog {
        CompletionStage<Boolean> seen(long userId, ContentRef content, String requestId, java.time.Instant now);
    }

    private record RequestKey(long userId, ContentRef content, @Nullable String requestId) {
        static RequestKey of(LikeMutation m) {
            return new RequestKey(m.userId(), m.content(), m.requestId());
        }
    }

    ResilientLikeStore(RedisLikeStore redis, LikeStore durable, RequestLog requestLog, DegradedJournal journal,
            BackingStoreBreaker mysqlGuard, EventPublisher publisher,
            @Nullable RedisRateLimiter limiter, CircuitBreaker breaker, Bulkhead bulkhead, Clock clock, int maxDegraded,
            PipelineMetrics metrics) {
        this.redis = redis;
        this.durable = durable;
        this.requestLog = requestLog;
        this.journal = journal;
        this.mysqlGuard = mysqlGuard;
        this.publisher = publisher;
        this.limiter = limiter;
        this.breaker = breaker;
        this.bulkhead = bulkhead;
        this.clock = clock;
        this.maxDegraded = maxDegraded;
        this.metrics = metrics;
    }

    // ---- writes ----

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        long start = System.nanoTime();
        if (closing) {
            return CompletableFuture.failedFuture(new LikeStoreException(
                    "the like pipeline is closing: " + mutation.action() + " of user " + mutation.userId() + " on "
                            + mutation.content() + " was not applied", null));
        }
        if (!bulkhead.tryAcquirePermission()) {
            return rejected(mutation, start, new LikeRejectedException(LikeRejectedException.Reason.OVERLOADED,
                    Duration.ofMillis(100), "too many likes in flight (at most "
                            + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + "); retry shortly"));
        }
        CompletableFuture<LikeResult> result;
        try {
            result = admit(mutation).thenCompose(ok -> applyInOrder(mutation));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((r, failure) -> {
            bulkhead.onComplete();
            metrics.mutation(mutation.action(), r != null ? r.status().name() : statusOf(failure), System.nanoTime() - start);
        });
    }

    private CompletionStage<LikeResult> rejected(LikeMutation mutation, long start, LikeRejectedException e) {
        metrics.rejected(e.reason());
        metrics.mutation(mutation.action(), "REJECTED", System.nanoTime() - start);
        return CompletableFuture.failedFuture(e);
    }

    private static String statusOf(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof LikeRejectedException ? "REJECTED" : cause instanceof LikeTimeoutException ? "TIMED_OUT"
                : "FAILED";
    }

    /** The rate limit: refused with a clear exception, or let through (also when Redis cannot be asked). */
    private CompletableFuture<Void> admit(LikeMutation mutation) {
        if (limiter == null) {
            return CompletableFuture.completedFuture(null);
        }
        // fail open: a dead Redis must not stop likes; the degraded backlog bound still holds
        return protect(() -> limiter.acquire(mutation.userId()), () -> CompletableFuture.completedFuture(Duration.ZERO))
                .thenApply(wait -> {
                    if (!wait.isZero()) {
                        metrics.rejected(LikeRejectedException.Reason.RATE_LIMITED);
                        throw new CompletionException(new LikeRejectedException(LikeRejectedException.Reason.RATE_LIMITED,
                                wait, "user " + mutation.userId() + " is over their rate limit; retry after "
                                        + wait.toMillis() + " ms"));
                    }
                    return null;
                });
    }

    /** Replays the content's degraded changes first, if it has any, then applies this one. */
    private CompletableFuture<LikeResult> applyInOrder(LikeMutation mutation) {
        Dirty d = dirty.get(mutation.content());
        if (d == null) {
            return applyToRedis(mutation);
        }
        // a replay that failed while the Redis breaker stays closed failed on the content's load: Redis is up
        return repair(mutation.content()).thenCompose(repaired -> repaired ? applyToRedis(mutation)
                : degrade(mutation, breaker.getState() == CircuitBreaker.State.CLOSED));
    }

    private CompletableFuture<LikeResult> applyToRedis(LikeMutation mutation) {
        return protect(() -> redis.apply(mutation), () -> degrade(mutation, false), () -> degrade(mutation, true),
                true);
    }

    private <T> CompletableFuture<T> protect(Supplier<CompletionStage<T>> call, Supplier<CompletionStage<T>> fallback) {
        return protect(call, fallback, fallback, false);
    }

    /**
     * Calls Redis through the breaker: an open breaker or a {@link LikeStoreException} (Redis unreachable or slow)
     * goes to {@code fallback}; any other failure (bad input) is the caller's and does not count against Redis. A
     * failure of the backing store while Redis loads a content ({@link BackingStoreException}) goes to
     * {@code loadFailed} without counting against Redis. A {@link LikeTimeoutException} of a {@code mutation}
     * counts against Redis but fails the call: its outcome is unknown (Redis may still apply it), so it must not be
     * applied a second time through the fallback.
     */
    private <T> CompletableFuture<T> protect(Supplier<CompletionStage<T>> call, Supplier<CompletionStage<T>> fallback,
            Supplier<CompletionStage<T>> loadFailed, boolean mutation) {
        if (!breaker.tryAcquirePermission()) {
            return fallback.get().toCompletableFuture();
        }
        long start = System.nanoTime();
        CompletableFuture<T> first;
        try {
            first = call.get().toCompletableFuture();
        } catch (RuntimeException e) {
            first = CompletableFuture.failedFuture(e);
        }
        return first.handle((value, failure) -> {
            long took = System.nanoTime() - start;
            if (failure == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = unwrap(failure);
            if (closing && mutation) {
                // the pipeline closes what this call needs: its failure says nothing about Redis, and a change
                // accepted in degraded mode now could not be journaled or replayed
                breaker.releasePermission();
                return CompletableFuture.<T>failedFuture(new LikeStoreException(
                        "the like pipeline closed while this change was in flight; its outcome is unknown", cause));
            }
            if (cause instanceof BackingStoreException) {
                breaker.releasePermission();
                return loadFailed.get().toCompletableFuture();
            }
            if (cause instanceof LikeStoreException) {
                breaker.onError(took, TimeUnit.NANOSECONDS, cause);
                if (mutation && cause instanceof LikeTimeoutException) {
                    return CompletableFuture.<T>failedFuture(cause);
                }
                return fallback.get().toCompletableFuture();
            }
            breaker.releasePermission();
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(Function.identity());
    }

    /**
     * "Liked, will show later": the change goes straight to the event log and waits to be replayed into Redis. A
     * request ID is honoured first: a retry of a change this process accepted while Redis is down, or of one the
     * durable side recorded (Redis applied it before the outage and the consumer stored it), answers
     * {@link LikeResult.Status#DUPLICATE_REQUEST} and changes nothing; if the durable side cannot be asked either,
     * the call fails and nothing is recorded. When Redis is up and only the content's load failed
     * ({@code redisUp}), Redis is asked instead, as the hot path would.
     */
    private CompletableFuture<LikeResult> degrade(LikeMutation mutation, boolean redisUp) {
        if (mutation.requestId() == null) {
            return accept(mutation);
        }
        RequestKey key = RequestKey.of(mutation);
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> earlier = degradedRequests.putIfAbsent(key, mine);
        if (earlier != null) {
            // a retry of a change accepted, or being accepted, in degraded mode: it learns the outcome of that one,
            // and tries itself if that one was refused
            return earlier.handle((liked, failure) -> failure == null
                    ? CompletableFuture.completedFuture(duplicate(mutation, liked))
                    : degrade(mutation, redisUp)).thenCompose(Function.identity());
        }
        CompletableFuture<LikeResult> outcome = lookUpThenAccept(mutation, key, redisUp);
        outcome.whenComplete((r, failure) -> {
            if (failure != null) {
                degradedRequests.remove(key, mine);
                mine.completeExceptionally(failure);
            } else {
                mine.complete(r.liked());
            }
        });
        return outcome;
    }

    /**
     * Asks whether the request ID was used (Redis when it is up, else the durable side); accepts the change if not.
     */
    private CompletableFuture<LikeResult> lookUpThenAccept(LikeMutation mutation, RequestKey key, boolean redisUp) {
        String requestId = Objects.requireNonNull(mutation.requestId(), "looked up by request ID");
        if (redisUp) {
            CompletableFuture<Boolean> inRedis;
            try {
                inRedis = redis.policy().requestSeen(mutation.userId(), mutation.content(), requestId)
                        .toCompletableFuture();
            } catch (RuntimeException e) {
                inRedis = CompletableFuture.failedFuture(e);
            }
            return inRedis.handle((used, failure) -> {
                if (failure != null) {
                    return lookUpThenAccept(mutation, key, false); // Redis failed meanwhile: ask the durable side
                }
                if (used) {
                    // Redis applied it, and no longer holds the content: the change's own outcome is the answer
                    degradedRequests.remove(key);
                    return CompletableFuture.completedFuture(duplicate(mutation, mutation.action() == LikeAction.LIKE));
                }
                return accept(mutation);
            }).thenCompose(Function.identity());
        }
        CompletableFuture<Boolean> seen;
        try {
            seen = mysqlGuard.guard(() -> requestLog.seen(mutation.userId(), mutation.content(), requestId,
                            clock.instant()))
                    .toCompletableFuture()
                    .copy()
                    .orTimeout(REQUEST_LOOKUP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            seen = CompletableFuture.failedFuture(e);
        }
        return seen.handle((used, failure) -> {
            if (failure != null) {
                return CompletableFuture.<LikeResult>failedFuture(new LikeStoreException("Redis is unavailable and the"
                        + " durable store could not tell whether request ID " + mutation.requestId() + " was used"
                        + " before: nothing was recorded; retry with the same request ID", unwrap(failure)));
            }
            if (used) {
                // Redis applied it before the outage: the durable side's state is the answer, and nothing waits
                return durable.hasLiked(mutation.userId(), mutation.content()).toCompletableFuture()
                        .thenApply(liked -> duplicate(mutation, liked))
                        .whenComplete((r, e) -> degradedRequests.remove(key));
            }
            return accept(mutation);
        }).thenCompose(Function.identity());
    }

    private LikeResult duplicate(LikeMutation mutation, boolean liked) {
        long estimate = redis.policy().localCount(mutation.content()).orElse(0L);
        return new LikeResult(LikeResult.Status.DUPLICATE_REQUEST, liked, liked ? Math.max(1, estimate) : estimate, 0);
    }

    private CompletableFuture<LikeResult> accept(LikeMutation mutation) {
        if (degradedBacklog.incrementAndGet() > maxDegraded) {
            degradedBacklog.decrementAndGet();
            metrics.rejected(LikeRejectedException.Reason.OVERLOADED);
            return CompletableFuture.failedFuture(new LikeRejectedException(LikeRejectedException.Reason.OVERLOADED,
                    Duration.ofSeconds(1), "Redis is unavailable and " + maxDegraded
                            + " changes already wait to be replayed into it; retry later"));
        }
        boolean liked = mutation.action() == LikeAction.LIKE;
        long estimate = redis.policy().localCount(mutation.content()).orElse(0L);
        long count = liked ? Math.max(1, estimate) : estimate;
        long version = nextVersion();
        LikeEvent event = new LikeEvent(mutation.eventId(), mutation.requestId(), mutation.userId(), mutation.content(),
                mutation.action(), mutation.at(), version, count);
        LikeMutation replay = replayOf(mutation);
        // the change takes its place in the content's replay backlog now, in the order of the calls; the replay waits
        // until it is journaled and published, and passes over it if it is refused
        Pending pending = new Pending(replay, null);
        Dirty queued = enqueue(pending);
        CompletableFuture<DegradedJournal.Entry> journaled;
        try {
            journaled = mysqlGuard.guard(() -> journal.append(replay, owner, clock.instant().plus(LEASE)))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            journaled = CompletableFuture.failedFuture(e);
        }
        return journaled.handle((entry, journalFailure) -> {
            if (journalFailure != null && unjournaledWarned.compareAndSet(false, true)) {
                log.warn("the journal of degraded changes cannot be written ({}): changes accepted now wait for their"
                        + " replay into Redis in this process' memory only", unwrap(journalFailure).toString());
            } else if (journalFailure == null) {
                unjournaledWarned.set(false);
            }
            pending.entry = entry;
            CompletableFuture<Void> sent;
            try {
                sent = publisher.publish(event).toCompletableFuture();
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            return sent.handle((ok, failure) -> {
                if (failure != null) {
                    boolean removed;
                    synchronized (queued) {
                        removed = queued.pending.removeLastOccurrence(pending);
                    }
                    pending.accepted.complete(false);
                    if (removed) {
                        degradedBacklog.decrementAndGet();
                        if (entry != null) {
                            forget(List.of(entry));
                        }
                    }
                    throw new CompletionException(new LikeStoreException(
                            "Redis is unavailable and the event log refused the change too: nothing was recorded",
                            unwrap(failure)));
                }
                pending.accepted.complete(true);
                return new LikeResult(LikeResult.Status.ACCEPTED, liked, count, version);
            });
        }).thenCompose(Function.identity());
    }

    /** Adds a change to its content's replay backlog, after the ones already there. */
    private Dirty enqueue(Pending pending) {
        while (true) {
            Dirty d = dirty.computeIfAbsent(pending.mutation().content(), c -> new Dirty());
            synchronized (d) {
                if (!d.retired) {
                    d.pending.addLast(pending);
                    return d;
                }
            }
        }
    }

    /** Deletes journal entries (replayed, or refused); those that cannot be deleted now are retried by the repair. */
    private void forget(List<DegradedJournal.Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        CompletableFuture<Void> removed;
        try {
            removed = journal.remove(entries).toCompletableFuture();
        } catch (RuntimeException e) {
            removed = CompletableFuture.failedFuture(e);
        }
        removed.whenComplete((ok, failure) -> {
            if (failure != null) {
                unremoved.addAll(entries);
            }
        });
    }

    /** A hybrid clock: microseconds of wall time, strictly increasing, as Redis' versions are. */
    private long nextVersion() {
        long now = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        return lastVersion.updateAndGet(last -> Math.max(last + 1, now));
    }

    /**
     * Replays a content's degraded changes into Redis, in order; concurrent callers share one replay. Completes with
     * {@code true} when nothing is left to replay, {@code false} if Redis failed (the rest stays for later).
     */
    CompletableFuture<Boolean> repair(ContentRef content) {
        Dirty d = dirty.get(content);
        if (d == null) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running;
        synchronized (d) {
            running = d.repairing;
            if (running == null) {
                d.repairing = mine;
            }
        }
        if (running != null) {
            return running;
        }
        replayNext(content, d, mine);
        return mine;
    }

    /**
     * Replays the next changes of {@code d}, up to {@link #REPLAY_BATCH} at once: they go to the Redis store together,
     * which applies them in order in as few script calls as its group commit takes, beside the replays of other
     * contents of the same shard. The changes applied form a prefix of the batch that leaves the backlog; at the first
     * failure the rest stays for the next repair.
     */
    private void replayNext(ContentRef content, Dirty d, CompletableFuture<Boolean> done) {
        List<Pending> batch = null;
        synchronized (d) {
            if (d.pending.isEmpty()) {
                d.repairing = null;
                d.retired = true;
                dirty.remove(content, d);
            } else {
                batch = new ArrayList<>(Math.min(REPLAY_BATCH, d.pending.size()));
                for (Pending m : d.pending) {
                    if (batch.size() == REPLAY_BATCH || !m.accepted.isDone()) {
                        break; // a change still being accepted: it and the ones after it wait for the next repair
                    }
                    batch.add(m);
                }
            }
        }
        if (batch == null) {
            done.complete(true);
            return;
        }
        if (batch.isEmpty()) {
            finishRepair(d, done);
            return;
        }
        if (!breaker.tryAcquirePermission()) {
            finishRepair(d, done);
            return;
        }
        long start = System.nanoTime();
        List<CompletableFuture<LikeResult>> applied = new ArrayList<>(batch.size());
        for (Pending m : batch) {
            CompletableFuture<LikeResult> one;
            try {
                one = redis.apply(m.mutation()).toCompletableFuture();
            } catch (RuntimeException e) {
                one = CompletableFuture.failedFuture(e);
            }
            applied.add(one);
        }
        List<Pending> sent = batch;
        CompletableFuture.allOf(applied.toArray(new CompletableFuture<?>[0])).handle((ignored, f) -> null).thenRun(() -> {
            long took = System.nanoTime() - start;
            int finished = 0;
            Throwable stop = null;
            for (CompletableFuture<LikeResult> one : applied) {
                Throwable failure = one.handle((r, e) -> e).join();
                if (failure == null) {
                    metrics.replayed();
                } else {
                    Throwable cause = unwrap(failure);
                    if (cause instanceof LikeStoreException || cause instanceof LikeRejectedException) {
                        stop = cause; // Redis (or the backing store for a load) failed: the rest waits
                        break;
                    }
                    log.warn("degraded change of {} could not be replayed into Redis and is dropped from the replay: {}",
                            content, cause.toString());
                }
                finished++;
            }
            if (stop == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else if (stop instanceof BackingStoreException || stop instanceof LikeRejectedException) {
                breaker.releasePermission(); // the content cannot be loaded yet, or the shard is full: not Redis' fault
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, stop);
            }
            synchronized (d) {
                for (int i = 0; i < finished; i++) {
                    d.pending.pollFirst();
                }
            }
            List<DegradedJournal.Entry> replayed = new ArrayList<>(finished);
            Map<Long, Integer> lastOfUser = new HashMap<>();
            Set<Long> stale = new HashSet<>();
            for (int i = 0; i < finished; i++) {
                LikeMutation m = sent.get(i).mutation();
                if (m.requestId() != null) {
                    degradedRequests.remove(RequestKey.of(m)); // Redis holds the request ID from now on
                }
                degradedBacklog.decrementAndGet();
                if (sent.get(i).entry() != null) {
                    replayed.add(sent.get(i).entry());
                }
                LikeResult r = applied.get(i).handle((ok, e) -> ok).join(); // null: dropped from the replay
                if (r != null) {
                    lastOfUser.put(m.userId(), i);
                }
                if (r != null && r.status() == LikeResult.Status.DUPLICATE_REQUEST
                        && r.liked() != (m.action() == LikeAction.LIKE)) {
                    stale.add(m.userId());
                }
            }
            // a correction states the pair as this batch left it in Redis: the user's last change in the batch
            List<LikeEvent> corrections = new ArrayList<>(stale.size());
            for (long user : stale) {
                int last = Objects.requireNonNull(lastOfUser.get(user), "a stale change has a result");
                corrections.add(correction(sent.get(last).mutation(), applied.get(last).join()));
            }
            boolean failed = stop != null;
            publishCorrections(corrections).whenComplete((ok, ignored) -> {
                forget(replayed);
                if (failed) {
                    finishRepair(d, done);
                } else {
                    replayNext(content, d, done);
                }
            });
        });
    }

    /**
     * The event that brings the durable side back to Redis' state after a degraded change turned out to be a stale
     * retry: Redis had applied its request ID before the outage, and a later change of the pair, so the degraded
     * event (published with a newer version) may have overwritten that later change on the durable side. The
     * correction states the pair as Redis holds it, with a version above the degraded event's.
     */
    private LikeEvent correction(LikeMutation replayed, LikeResult redisState) {
        String eventId = UUID.nameUUIDFromBytes(
                ("correction:" + replayed.eventId()).getBytes(StandardCharsets.UTF_8)).toString();
        long floor = redisState.version() + 1;
        long version = lastVersion.updateAndGet(
                last -> Math.max(Math.max(last + 1, floor), TimeUnit.MILLISECONDS.toMicros(clock.millis())));
        return new LikeEvent(eventId, null, replayed.userId(), replayed.content(),
                redisState.liked() ? LikeAction.LIKE : LikeAction.UNLIKE, clock.instant(), version, redisState.count());
    }

    private CompletableFuture<Void> publishCorrections(List<LikeEvent> corrections) {
        if (corrections.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        metrics.corrected(corrections.size());
        CompletableFuture<?>[] sent = new CompletableFuture<?>[corrections.size()];
        for (int i = 0; i < sent.length; i++) {
            LikeEvent e = corrections.get(i);
            CompletableFuture<Void> one;
            try {
                one = publisher.publish(e).toCompletableFuture();
            } catch (RuntimeException x) {
                one = CompletableFuture.failedFuture(x);
            }
            sent[i] = one.whenComplete((ok, failure) -> {
                if (failure != null) {
                    log.warn("the correction of a stale retry of user {} on {} could not be published ({}): the"
                            + " durable side may keep the stale change until the reconciler repairs it",
                            e.userId(), e.content(), unwrap(failure).toString());
                }
            });
        }
        return CompletableFuture.allOf(sent).handle((ok, failure) -> null);
    }

    /**
     * The mutation that replays a degraded change into Redis. Redis publishes it as an event of its own (a new
     * version), so it gets an event ID of its own, derived from the degraded event's: a consumer that deduplicates by
     * event ID must not drop it as a redelivery of the degraded event.
     */
    /**
     * The change a replay sends to Redis: its own event ID, and the client's request ID, or one of its own when the
     * client sent none. A replay that timed out may still run in Redis later, before or after the replay that
     * succeeds; the request ID makes Redis apply the change at most once whichever runs first.
     */
    private static LikeMutation replayOf(LikeMutation degraded) {
        String eventId = UUID.nameUUIDFromBytes(
                ("replay:" + degraded.eventId()).getBytes(StandardCharsets.UTF_8)).toString();
        String requestId = degraded.requestId() != null ? degraded.requestId() : "replay-" + eventId;
        return new LikeMutation(eventId, degraded.userId(), degraded.content(), degraded.action(), requestId,
                degraded.at());
    }

    private static void finishRepair(Dirty d, CompletableFuture<Boolean> done) {
        synchronized (d) {
            d.repairing = null;
        }
        done.complete(false);
    }

    /**
     * Replays every content with degraded changes. Each replay asks the breaker first, so while Redis is down this
     * costs nothing, and once the open state has lasted its wait it is what probes Redis.
     */
    void repairAll() {
        keepJournal();
        if (dirty.isEmpty()) {
            return;
        }
        List<CompletableFuture<Boolean>> runs = new ArrayList<>();
        for (ContentRef content : dirty.keySet()) {
            runs.add(repair(content));
        }
        CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).join();
    }

    /**
     * The journal's upkeep, from the repair thread: renews this process' leases, retries deletions that failed, and
     * takes over the entries of processes that died (or closed) before replaying them. A claimed change joins its
     * content's replay backlog as if this process had accepted it.
     */
    private void keepJournal() {
        long now = System.nanoTime();
        synchronized (journalLock) {
            keepJournal(now);
        }
    }

    private void keepJournal(long now) {
        try {
            if (now - lastRenew >= RENEW_EVERY_NANOS) {
                lastRenew = now;
                journal.renew(owner, clock.instant().plus(LEASE)).toCompletableFuture().join();
            }
            List<DegradedJournal.Entry> retry = new ArrayList<>();
            for (DegradedJournal.Entry e; (e = unremoved.poll()) != null; ) {
                retry.add(e);
            }
            forget(retry);
            if (now - lastClaim >= CLAIM_EVERY_NANOS) {
                lastClaim = now;
                java.time.Instant at = clock.instant();
                List<DegradedJournal.Entry> claimed =
                        journal.claimExpired(owner, at, at.plus(LEASE), CLAIM_LIMIT).toCompletableFuture().join();
                for (DegradedJournal.Entry entry : claimed) {
                    degradedBacklog.incrementAndGet();
                    LikeMutation m = entry.mutation();
                    if (m.requestId() != null) {
                        degradedRequests.putIfAbsent(RequestKey.of(m),
                                CompletableFuture.completedFuture(m.action() == LikeAction.LIKE));
                    }
                    enqueue(Pending.accepted(entry.mutation(), entry));
                }
                if (!claimed.isEmpty()) {
                    log.info("took over {} degraded changes of processes that stopped before replaying them",
                            claimed.size());
                }
            }
        } catch (RuntimeException e) {
            log.debug("journal upkeep failed, tried again at the next repair: {}", e.toString());
        }
    }

    /**
     * Lets another process take over this one's journal entries at once (a graceful shutdown): the changes not
     * replayed yet are replayed by the next process that claims them.
     */
    /**
     * Refuses new likes and unlikes and waits up to {@code timeout} for those in flight to end, so that the stores
     * they use are closed after them. A change still in flight afterwards, or one whose store fails meanwhile, fails
     * with an unknown outcome instead of going to the degraded mode.
     *
     * @return true if none was left in flight
     */
    boolean drain(Duration timeout) {
        closing = true;
        int max = bulkhead.getBulkheadConfig().getMaxConcurrentCalls();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (bulkhead.getMetrics().getAvailableConcurrentCalls() < max) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    void releaseJournal() {
        try {
            journal.release(owner, clock.instant()).toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("could not release this process' degraded changes; another process takes them over when their"
                    + " lease ends ({} s): {}", LEASE.toSeconds(), e.toString());
        }
    }

    /** Changes accepted in degraded mode and not yet replayed into Redis. */
    int degradedBacklog() {
        return degradedBacklog.get();
    }

    // ---- reads: Redis behind the breaker, else the local cache and the durable store ----

    private <T> CompletableFuture<T> read(Supplier<CompletionStage<T>> fromRedis, Supplier<CompletionStage<T>> fallback) {
        return protect(fromRedis, () -> {
            metrics.fallbackRead();
            return fallback.get();
        });
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        return read(() -> redis.hasLiked(userId, content), () -> durable.hasLiked(userId, content));
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        return read(() -> redis.count(content), () -> {
            var local = redis.policy().localCount(content);
            return local.isPresent() ? CompletableFuture.completedFuture(local.getAsLong()) : durable.count(content);
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
            var local = redis.policy().localCount(content);
            if (local.isPresent()) {
                counts.put(content, local.getAsLong());
            } else {
                missing.add(content);
            }
        }
        if (missing.isEmpty()) {
            return CompletableFuture.completedFuture(counts);
        }
        return durable.counts(missing).thenApply(more -> {
            counts.putAll(more);
            return counts;
        });
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        return read(() -> redis.likedAmong(userId, contents), () -> durable.likedAmong(userId, contents));
    }

    @Override
    public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
        boolean[] fellBack = new boolean[1];
        return read(() -> redis.feed(userId, contents), () -> {
            fellBack[0] = true;
            return fallbackCounts(contents).thenCombine(durable.likedAmong(userId, contents),
                    (n, l) -> new FeedState(n, l, true));
        }).thenApply(state -> {
            boolean stale = fellBack[0] || contents.stream().anyMatch(dirty::containsKey);
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

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * A change waiting for its replay, with its journal entry (null if the journal could not be written), and whether
     * it was accepted: a change is replayed only once its acceptance has completed (it was journaled and published).
     */
    private static final class Pending {
        private final LikeMutation mutation;
        private volatile DegradedJournal.@Nullable Entry entry;
        final CompletableFuture<Boolean> accepted = new CompletableFuture<>();

        Pending(LikeMutation mutation, DegradedJournal.@Nullable Entry entry) {
            this.mutation = mutation;
            this.entry = entry;
        }

        /** A change accepted already: one taken over from the journal. */
        static Pending accepted(LikeMutation mutation, DegradedJournal.Entry entry) {
            Pending p = new Pending(mutation, entry);
            p.accepted.complete(true);
            return p;
        }

        DegradedJournal.@Nullable Entry entry() {
            return entry;
        }

        LikeMutation mutation() {
            return mutation;
        }
    }

    /** A content's changes accepted while Redis was down, oldest first, and the replay running now. */
    private static final class Dirty {
        final Deque<Pending> pending = new ArrayDeque<>();
        @Nullable CompletableFuture<Boolean> repairing;
        boolean retired;
    }
}
