package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.internal.Futures;
import dev.likes.pipeline.DegradedBacklog.RequestKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * "Liked, will show later": a change Redis cannot take goes straight to the event log and waits in the
 * {@link DegradedBacklog} to be replayed into Redis. A request ID is honoured first: a retry of a change accepted while
 * Redis is down, or of one the durable side recorded (Redis applied it before the outage and the consumer stored it),
 * answers {@link LikeResult.Status#DUPLICATE_REQUEST} and changes nothing; if the durable side cannot be asked either,
 * the call fails and nothing is recorded. Thread-safe.
 */
final class DegradedWrites {

    private static final long REQUEST_LOOKUP_TIMEOUT_MILLIS = 2_000;

    private final DegradedBacklog backlog;
    private final HotTier hot;
    private final LikeStore backingStore;
    private final RequestLog requestLog;
    private final BackingStoreBreaker mysqlGuard;
    private final EventPublisher publisher;
    private final Clock clock;
    private final PipelineMetrics metrics;

    /** Where the durable side records request IDs (the consumer's sink), asked while Redis is down. */
    @FunctionalInterface
    interface RequestLog {
        CompletionStage<Boolean> seen(long userId, ContentRef content, String requestId, Instant now);
    }

    DegradedWrites(DegradedBacklog backlog, HotTier hot, LikeStore backingStore, RequestLog requestLog,
            BackingStoreBreaker mysqlGuard, EventPublisher publisher, Clock clock, PipelineMetrics metrics) {
        this.backlog = backlog;
        this.hot = hot;
        this.backingStore = backingStore;
        this.requestLog = requestLog;
        this.mysqlGuard = mysqlGuard;
        this.publisher = publisher;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Accepts the change in degraded mode, after its request ID check. When Redis is up and only the content's load
     * failed ({@code redisUp}), Redis is asked about the request ID, as the hot path would.
     */
    CompletableFuture<LikeResult> degrade(LikeMutation mutation, boolean redisUp) {
        if (mutation.requestId() == null) {
            return accept(mutation);
        }
        RequestKey key = RequestKey.of(mutation);
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> earlier = backlog.claimRequest(key, mine);
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
                backlog.dropRequest(key, mine);
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
            return Futures.attempt(() -> hot.requestSeen(mutation.userId(), mutation.content(), requestId))
                    .handle((used, failure) -> {
                        if (failure != null) {
                            // Redis failed meanwhile: ask the durable side
                            return lookUpThenAccept(mutation, key, false);
                        }
                        if (used) {
                            // Redis applied it, and no longer holds the content: the change's own outcome is the answer
                            backlog.settled(key);
                            return CompletableFuture.completedFuture(
                                    duplicate(mutation, mutation.action() == LikeAction.LIKE));
                        }
                        return accept(mutation);
                    }).thenCompose(Function.identity());
        }
        return Futures.attempt(() -> mysqlGuard.guard(() -> requestLog.seen(mutation.userId(), mutation.content(),
                        requestId, clock.instant())))
                .copy()
                .orTimeout(REQUEST_LOOKUP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .handle((used, failure) -> {
                    if (failure != null) {
                        return CompletableFuture.<LikeResult>failedFuture(new LikeStoreException("Redis is unavailable"
                                + " and the durable store could not tell whether request ID " + requestId
                                + " was used before: nothing was recorded; retry with the same request ID",
                                Futures.unwrap(failure)));
                    }
                    if (used) {
                        // Redis applied it before the outage: the durable side's state is the answer, nothing waits
                        return backingStore.hasLiked(mutation.userId(), mutation.content()).toCompletableFuture()
                                .thenApply(liked -> duplicate(mutation, liked))
                                .whenComplete((r, e) -> backlog.settled(key));
                    }
                    return accept(mutation);
                }).thenCompose(Function.identity());
    }

    private LikeResult duplicate(LikeMutation mutation, boolean liked) {
        long estimate = hot.localCount(mutation.content()).orElse(0L);
        return new LikeResult(LikeResult.Status.DUPLICATE_REQUEST, liked, liked ? Math.max(1, estimate) : estimate, 0);
    }

    /*
     * The change takes its place in the content's backlog at once, in the order of the calls; the replay waits until
     * it is journaled and published, and passes over it if the event log refuses it (then the call fails and the
     * change leaves the backlog and the journal).
     */
    private CompletableFuture<LikeResult> accept(LikeMutation mutation) {
        if (!backlog.reserve()) {
            metrics.rejected(LikeRejectedException.Reason.OVERLOADED);
            return CompletableFuture.failedFuture(new LikeRejectedException(LikeRejectedException.Reason.OVERLOADED,
                    Duration.ofSeconds(1), "Redis is unavailable and " + backlog.max()
                            + " changes already wait to be replayed into it; retry later"));
        }
        boolean liked = mutation.action() == LikeAction.LIKE;
        long estimate = hot.localCount(mutation.content()).orElse(0L);
        long count = liked ? Math.max(1, estimate) : estimate;
        long version = backlog.nextVersion();
        LikeEvent event = new LikeEvent(mutation.eventId(), mutation.requestId(), mutation.userId(), mutation.content(),
                mutation.action(), mutation.at(), version, count);
        LikeMutation replay = DegradedChange.replayOf(mutation);
        DegradedChange pending = new DegradedChange(replay);
        DegradedContent queued = backlog.enqueue(pending);
        return backlog.journal(replay).thenCompose(entry -> {
            pending.journaled(entry);
            return Futures.attempt(() -> publisher.publish(event)).handle((ok, failure) -> {
                if (failure != null) {
                    boolean removed;
                    synchronized (queued) {
                        removed = queued.pending.removeLastOccurrence(pending);
                    }
                    pending.accepted.complete(false);
                    if (removed) {
                        backlog.left();
                        if (entry != null) {
                            backlog.forget(List.of(entry));
                        }
                    }
                    throw new CompletionException(new LikeStoreException(
                            "Redis is unavailable and the event log refused the change too: nothing was recorded",
                            Futures.unwrap(failure)));
                }
                pending.accepted.complete(true);
                return new LikeResult(LikeResult.Status.ACCEPTED, liked, count, version);
            });
        });
    }
}
