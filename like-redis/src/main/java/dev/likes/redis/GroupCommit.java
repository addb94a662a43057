package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Group commit: concurrent mutations of the contents of one shard are coalesced into one script call that applies them
 * in arrival order and returns each its own result. A lane (one per shard) sends at once when nothing of its shard is
 * in flight, so a lone call waits for nobody; what arrives meanwhile goes out, up to the batch limit, when the call in
 * flight returns. With {@code maxInFlight} 2, a full batch waiting meanwhile goes out at once as a second call in
 * flight (never a third), which Redis runs after the first on the same connection; the store uses 1, since a first
 * call that fails with {@code NOSCRIPT} and is sent again would run after the second. One thread at a time takes batches and sends them, so they go out in the order they were
 * taken, and an idle lane leaves the map only with nothing pending, so a later mutation never overtakes an earlier
 * one of the same thread. Thread-safe and lock-free; it never blocks a thread.
 */
final class GroupCommit {

    /** Applies one batch of one shard; the outer stage completes when the lane may send again. */
    interface Applier {
        CompletionStage<List<CompletionStage<LikeResult>>> apply(int shard, List<LikeMutation> batch);
    }

    private final int maxBatch;
    private final int maxInFlight;
    private final int maxQueued;
    private final ToIntFunction<ContentRef> shardOf;
    private final Applier applier;
    private final ConcurrentHashMap<Integer, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * @param maxInFlight 1, or 2 to let a full batch go out while a call is in flight (only for an applier whose
     *     calls cannot be reordered on their way: a script retried after {@code NOSCRIPT} can be)
     * @param maxQueued the most mutations a shard holds waiting for a call; one more is refused at once
     */
    GroupCommit(int maxBatch, int maxInFlight, int maxQueued, ToIntFunction<ContentRef> shardOf, Applier applier) {
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
        this.shardOf = shardOf;
        this.applier = applier;
    }

    CompletionStage<LikeResult> submit(LikeMutation mutation) {
        Pending pending = new Pending(mutation);
        Integer shard = shardOf.applyAsInt(mutation.content());
        Lane lane = lanes.computeIfAbsent(shard, Lane::new);
        int added;
        while ((added = lane.add(pending)) == RETIRED) {
            lanes.remove(shard, lane); // retired: its remover may not have got there yet
            lane = lanes.computeIfAbsent(shard, Lane::new);
        }
        if (added == FULL) {
            return CompletableFuture.failedFuture(new LikeRejectedException(LikeRejectedException.Reason.OVERLOADED,
                    FULL_RETRY_AFTER, "Redis shard " + shard + " already has " + maxQueued
                            + " likes waiting for it (maxQueuedPerShard); retry shortly"));
        }
        lane.flush();
        return pending.result;
    }

    private static final int RETIRED = -1;
    private static final int FULL = -2;
    private static final int ADDED = 0;
    private static final Duration FULL_RETRY_AFTER = Duration.ofMillis(100);

    private final class Lane {
        final int shard;
        final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        /**
         * Mutations added and not yet taken into a batch, or {@link #RETIRED} once the lane, idle, left the map: a
         * lane retires only with nothing pending, so a later mutation that goes to a new lane cannot overtake one.
         */
        final AtomicInteger queued = new AtomicInteger();
        /** Calls sent that have not returned: at most {@code maxInFlight}, a second only when a full batch waits. */
        final AtomicInteger inFlight = new AtomicInteger();
        /** Held by the one thread that takes batches and sends them, so they go out in the order they were taken. */
        final AtomicBoolean dispatching = new AtomicBoolean();

        Lane(int shard) {
            this.shard = shard;
        }

        /** Adds the mutation: {@link #ADDED}, {@link #RETIRED} if the lane has retired, {@link #FULL} if it is full. */
        int add(Pending pending) {
            while (true) {
                int n = queued.get();
                if (n == RETIRED) {
                    return RETIRED;
                }
                if (n >= maxQueued) {
                    return FULL;
                }
                if (queued.compareAndSet(n, n + 1)) {
                    queue.add(pending);
                    return ADDED;
                }
            }
        }

        void flush() {
            do {
                if (!dispatching.compareAndSet(false, true)) {
                    return; // the thread dispatching looks again after it lets go
                }
                try {
                    dispatch();
                } finally {
                    dispatching.set(false);
                }
            } while (ready());
        }

        /** Whether a call may go out now: nothing in flight, or one and a full batch waiting. */
        private boolean ready() {
            int n = queued.get();
            int sending = inFlight.get();
            return n > 0 && (sending == 0 || (sending == 1 && maxInFlight > 1 && n >= maxBatch));
        }

        private void dispatch() {
            while (true) {
                int sending = inFlight.get();
                // a second call goes out while one is in flight only when a full batch waits: Redis then works on
                // it while the first call's reply travels back, and light load keeps one call and larger batches
                if (sending >= maxInFlight || (sending == 1 && queued.get() < maxBatch)) {
                    return;
                }
                List<Pending> batch = new ArrayList<>(Math.min(maxBatch, 16));
                Pending next;
                while (batch.size() < maxBatch && (next = queue.poll()) != null) {
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    if (sending == 0 && queued.compareAndSet(0, RETIRED)) {
                        lanes.remove(shard, this); // idle: let the map forget this lane
                    }
                    return;
                }
                queued.addAndGet(-batch.size());
                inFlight.incrementAndGet();
                send(batch);
            }
        }

        private void send(List<Pending> batch) {
            List<LikeMutation> mutations = new ArrayList<>(batch.size());
            batch.forEach(p -> mutations.add(p.mutation));
            CompletionStage<List<CompletionStage<LikeResult>>> applied;
            try {
                applied = applier.apply(shard, mutations);
            } catch (RuntimeException e) {
                applied = CompletableFuture.failedFuture(e);
            }
            applied.whenComplete((results, failure) -> {
                inFlight.decrementAndGet();
                flush();
                for (int i = 0; i < batch.size(); i++) {
                    CompletableFuture<LikeResult> target = batch.get(i).result;
                    if (failure != null) {
                        target.completeExceptionally(failure);
                    } else {
                        results.get(i).whenComplete((result, error) -> {
                            if (error != null) {
                                target.completeExceptionally(error);
                            } else {
                                target.complete(result);
                            }
                        });
                    }
                }
            });
        }
    }

    private static final class Pending {
        final LikeMutation mutation;
        final CompletableFuture<LikeResult> result = new CompletableFuture<>();

        Pending(LikeMutation mutation) {
            this.mutation = mutation;
        }
    }
}
