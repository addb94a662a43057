package dev.likes.pipeline;

import dev.likes.core.EventPublisher;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStoreException;
import dev.likes.core.UserLike;
import dev.likes.jdbc.ArchiveSink;
import dev.likes.jdbc.DegradedJournal;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.redis.RedisLikeStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's erasure across the pipeline's tiers ({@link LikePipeline#forgetUser}).
 */
final class UserEraser {

    /* The steps, each idempotent, so a rerun after a failure or a crash goes on where it stopped:
       1. Refuse while Redis' breaker is not closed, or while the journal holds changes of the user not yet replayed.
       2. Wait until every change made before the erasure began is in MySQL: no outbox entry older than the start,
          then the queue's consumers past what the queue held after that (EventQueue.awaitConsumed).
       3. Withdraw each like MySQL's primaries list (a replica may lag): an unlike applied to Redis directly (no rate
          limit, no degraded mode), with its state, count and event as for any unlike.
       4. Erase in MySQL (JdbiLikeStore.eraseUser): each batch's ERASE events are published before its rows go.
       5. Erase the rest in Redis (request IDs, the user's keys), then the archive sink's copies. */

    private static final Logger log = LoggerFactory.getLogger(UserEraser.class);
    private static final int PAGE = 500;

    private final RedisLikeStore redis;
    private final JdbiLikeStore mysql;
    private final DegradedJournal journal;
    private final EventPublisher publisher;
    private final CircuitBreaker breaker;
    private final EventQueue queue;
    private final @Nullable ArchiveSink archive;
    private final Clock clock;

    UserEraser(RedisLikeStore redis, JdbiLikeStore mysql, EventPublisher publisher,
            CircuitBreaker breaker, EventQueue queue, @Nullable ArchiveSink archive, Clock clock) {
        this.redis = redis;
        this.mysql = mysql;
        this.journal = DegradedJournal.of(mysql);
        this.publisher = publisher;
        this.breaker = breaker;
        this.queue = queue;
        this.archive = archive;
        this.clock = clock;
    }

    Erasure forget(long userId, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (breaker.getState() != CircuitBreaker.State.CLOSED) {
            throw new LikeStoreException("Redis is unavailable (circuit " + breaker.getState()
                    + "): the erasure of user " + userId + " did not start; run it again later", null);
        }
        long pending = get(journal.countOf(userId).toCompletableFuture(), deadline);
        if (pending > 0) {
            throw new LikeStoreException("user " + userId + " has " + pending + " changes accepted while Redis was"
                    + " down and not replayed yet: the erasure did not start; run it again later", null);
        }
        Instant start = clock.instant();
        awaitDelivered(start, deadline);
        long withdrawn = withdraw(userId, deadline);
        Instant erasedAt = clock.instant();
        long records = get(mysql.eraseUser(userId, erasedAt, PAGE, events -> publishAll(events, deadline))
                .toCompletableFuture(), deadline);
        long requestIds = get(redis.policy().eraseUser(userId).toCompletableFuture(), deadline);
        long copies = 0;
        if (archive != null) {
            try {
                copies = archive.eraseUser(userId);
            } catch (IOException e) {
                throw new UncheckedIOException("the archive copies of user " + userId + " could not be erased; the"
                        + " other tiers are; run the erasure again", e);
            }
        }
        log.info("erased user {}: {} likes withdrawn, {} records, {} request IDs, {} archive copies", userId,
                withdrawn, records, requestIds, copies);
        return new Erasure(userId, withdrawn, records, requestIds, copies);
    }

    /** Waits until every change made before {@code start} is in MySQL. */
    private void awaitDelivered(Instant start, long deadline) throws InterruptedException, TimeoutException {
        while (true) {
            Optional<Instant> oldest = get(redis.policy().oldestOutboxEntry().toCompletableFuture(), deadline);
            if (oldest.isEmpty() || !oldest.get().isBefore(start)) {
                break;
            }
            pause(deadline, "the outbox still holds changes from before the erasure began");
        }
        queue.awaitConsumed(deadline);
    }

    /** Unlikes every like MySQL lists for the user; returns how many changed. */
    private long withdraw(long userId, long deadline) throws InterruptedException, TimeoutException {
        long withdrawn = 0;
        UserLike after = null;
        while (true) {
            List<UserLike> page = get(mysql.likesOfOnPrimaries(userId, after, PAGE).toCompletableFuture(), deadline);
            List<CompletableFuture<LikeResult>> unlikes = new ArrayList<>(page.size());
            for (UserLike like : page) {
                LikeMutation unlike = new LikeMutation(UUID.randomUUID().toString(), userId, like.content(),
                        LikeAction.UNLIKE, null, clock.instant());
                unlikes.add(redis.apply(unlike).toCompletableFuture());
            }
            for (CompletableFuture<LikeResult> unlike : unlikes) {
                LikeResult result = get(unlike, deadline);
                if (result.changed()) {
                    withdrawn++;
                }
            }
            if (page.size() < PAGE) {
                return withdrawn;
            }
            after = page.get(page.size() - 1);
        }
    }

    private void publishAll(List<LikeEvent> events, long deadline) {
        List<CompletableFuture<Void>> sent = new ArrayList<>(events.size());
        for (LikeEvent event : events) {
            sent.add(publisher.publish(event).toCompletableFuture());
        }
        try {
            get(CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LikeStoreException("interrupted while publishing the erasure's events", e);
        } catch (TimeoutException e) {
            throw new LikeStoreException("the erasure's events were not acknowledged in time", e);
        }
    }

    private static void pause(long deadline, String waitingFor) throws InterruptedException, TimeoutException {
        if (System.nanoTime() - deadline > 0) {
            throw new TimeoutException("the erasure did not start: " + waitingFor);
        }
        Thread.sleep(200);
    }

    private static <T> T get(CompletableFuture<T> future, long deadline) throws InterruptedException, TimeoutException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new LikeStoreException("the erasure failed: " + cause, cause);
        }
    }
}
