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
import dev.likes.jdbc.DegradedJournal;
import dev.likes.pipeline.DegradedBacklog.RequestKey;
import dev.likes.redis.BackingStoreException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the {@link DegradedBacklog} into Redis once it answers again: per content, in order and in batches, before
 * any newer change of that content. A replayed change that turns out to be a stale retry gets a correction event.
 * Thread-safe; concurrent repairs of one content share one replay.
 */
final class DegradedReplay {

    private static final Logger log = LoggerFactory.getLogger(DegradedReplay.class);
    /** The most degraded changes of one content sent to Redis at once by a replay. */
    private static final int REPLAY_BATCH = 256;

    private final DegradedBacklog backlog;
    private final LikeStore hot;
    private final CircuitBreaker breaker;
    private final EventPublisher publisher;
    private final Clock clock;
    private final PipelineMetrics metrics;

    DegradedReplay(DegradedBacklog backlog, LikeStore hot, CircuitBreaker breaker, EventPublisher publisher,
            Clock clock, PipelineMetrics metrics) {
        this.backlog = backlog;
        this.hot = hot;
        this.breaker = breaker;
        this.publisher = publisher;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Replays a content's degraded changes into Redis, in order; concurrent callers share one replay. Completes with
     * {@code true} when nothing is left to replay, {@code false} if Redis failed (the rest stays for later).
     */
    CompletableFuture<Boolean> repair(ContentRef content) {
        DegradedContent d = backlog.of(content);
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
     * Replays every content with degraded changes, after the journal's upkeep. Each replay asks the breaker first, so
     * while Redis is down this costs nothing, and once the open state has lasted its wait it is what probes Redis.
     */
    void repairAll() {
        backlog.keepJournal();
        if (backlog.isEmpty()) {
            return;
        }
        List<CompletableFuture<Boolean>> runs = new ArrayList<>();
        for (ContentRef content : backlog.contents()) {
            runs.add(repair(content));
        }
        CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).join();
    }

    /*
     * A replay sends the next changes of a content, up to REPLAY_BATCH at once, to the Redis store together, which
     * applies them in order in as few script calls as its group commit takes, beside the replays of other contents of
     * the same shard. The changes applied form a prefix of the batch that leaves the backlog; at the first failure the
     * rest stays for the next repair. A change still being accepted (journaled and published) stops the batch: it and
     * the ones after it wait for the next repair.
     */
    private void replayNext(ContentRef content, DegradedContent d, CompletableFuture<Boolean> done) {
        List<DegradedChange> batch = null;
        synchronized (d) {
            if (d.pending.isEmpty()) {
                d.repairing = null;
                backlog.retire(content, d);
            } else {
                batch = new ArrayList<>(Math.min(REPLAY_BATCH, d.pending.size()));
                for (DegradedChange m : d.pending) {
                    if (batch.size() == REPLAY_BATCH || !m.accepted.isDone()) {
                        break;
                    }
                    batch.add(m);
                }
            }
        }
        if (batch == null) {
            done.complete(true);
            return;
        }
        if (batch.isEmpty() || !breaker.tryAcquirePermission()) {
            finishRepair(d, done);
            return;
        }
        long start = System.nanoTime();
        List<CompletableFuture<LikeResult>> applied = new ArrayList<>(batch.size());
        for (DegradedChange m : batch) {
            applied.add(Futures.attempt(() -> hot.apply(m.mutation())));
        }
        List<DegradedChange> sent = batch;
        CompletableFuture.allOf(applied.toArray(new CompletableFuture<?>[0])).handle((ignored, f) -> null)
                .thenRun(() -> settle(content, d, done, sent, applied, System.nanoTime() - start));
    }

    private void settle(ContentRef content, DegradedContent d, CompletableFuture<Boolean> done, List<DegradedChange> sent,
            List<CompletableFuture<LikeResult>> applied, long took) {
        int finished = 0;
        Throwable stop = null;
        for (CompletableFuture<LikeResult> one : applied) {
            Throwable failure = one.handle((r, e) -> e).join();
            if (failure == null) {
                metrics.replayed();
            } else {
                Throwable cause = Futures.unwrap(failure);
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
                backlog.settled(RequestKey.of(m)); // Redis holds the request ID from now on
            }
            backlog.left();
            DegradedJournal.Entry entry = sent.get(i).entry();
            if (entry != null) {
                replayed.add(entry);
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
            backlog.forget(replayed);
            if (failed) {
                finishRepair(d, done);
            } else {
                replayNext(content, d, done);
            }
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
        long version = backlog.nextVersionAbove(redisState.version() + 1);
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
            sent[i] = Futures.attempt(() -> publisher.publish(e)).whenComplete((ok, failure) -> {
                if (failure != null) {
                    log.warn("the correction of a stale retry of user {} on {} could not be published ({}): the"
                            + " durable side may keep the stale change until the reconciler repairs it",
                            e.userId(), e.content(), Futures.unwrap(failure).toString());
                }
            });
        }
        return CompletableFuture.allOf(sent).handle((ok, failure) -> null);
    }

    private static void finishRepair(DegradedContent d, CompletableFuture<Boolean> done) {
        synchronized (d) {
            d.repairing = null;
        }
        done.complete(false);
    }
}
