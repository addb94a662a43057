package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStoreException;
import dev.likes.core.internal.Futures;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The write path of {@link RedisLikeStore}: group commit per shard, the apply script, what follows each call (local
 * counts, the outbox relay, the users' indexes on a cluster), and the load of contents a call found missing (cache
 * mode). A content found missing is parked while it loads: its mutations wait beside the shard's lane, which goes on
 * with the shard's other contents, and every later mutation of that content joins them in order until they are
 * applied, so none overtakes another. Thread-safe; never blocks a thread.
 */
final class Writes {

    private static final int MAX_LOAD_RETRIES = 3;

    private final ApplyScript applyScript;
    private final GroupCommit groupCommit;
    private final @Nullable ReadThrough readThrough;
    private final @Nullable OutboxRelay relay;
    private final @Nullable ReplicaWait replicaWait;
    private final LocalCountCache localCountCache;
    private final Listings listings;
    private final boolean singleNode;
    private final int maxParked;
    private final int maxBatch;
    /** Contents being loaded, each with the mutations that wait for it, in order. */
    private final ConcurrentHashMap<ContentRef, Parked> parked = new ConcurrentHashMap<>();

    /**
     * @param readThrough null when Redis is the source of truth
     * @param relay null without an outbox
     * @param replicaWait null when no replica must confirm a write before it is acknowledged
     */
    Writes(ApplyScript applyScript, Keys keys, int maxBatchSize, int maxQueuedPerShard,
            @Nullable ReadThrough readThrough, @Nullable OutboxRelay relay, @Nullable ReplicaWait replicaWait, LocalCountCache localCountCache, Listings listings,
            boolean singleNode) {
        this.applyScript = applyScript;
        this.readThrough = readThrough;
        this.relay = relay;
        this.replicaWait = replicaWait;
        this.localCountCache = localCountCache;
        this.listings = listings;
        this.singleNode = singleNode;
        this.maxParked = maxQueuedPerShard;
        this.maxBatch = maxBatchSize;
        this.groupCommit = new GroupCommit(maxBatchSize, 1, maxQueuedPerShard, keys::shard, this::applyBatch);
    }

    /** Applies a mutation through its shard's lane. */
    CompletionStage<LikeResult> apply(LikeMutation mutation) {
        return groupCommit.submit(mutation);
    }

    /** A content being loaded, and the mutations of it that wait, in the order the lane took them. */
    private static final class Parked {
        final int shard;
        final ArrayDeque<LikeMutation> mutations = new ArrayDeque<>();
        final ArrayDeque<CompletableFuture<LikeResult>> results = new ArrayDeque<>();

        Parked(int shard) {
            this.shard = shard;
        }
    }

    /**
     * One lane's call: mutations of parked contents join their content's wait; the others go to the script, and the
     * contents it finds missing are parked with their mutations and loaded, while the lane moves on.
     */
    private CompletionStage<List<CompletionStage<LikeResult>>> applyBatch(int shard, List<LikeMutation> batch) {
        List<CompletionStage<LikeResult>> out = new ArrayList<>(batch.size());
        List<LikeMutation> send = new ArrayList<>(batch.size());
        List<Integer> sentAt = new ArrayList<>(batch.size());
        for (LikeMutation m : batch) {
            CompletableFuture<LikeResult> waiting = parkIfLoading(m);
            out.add(waiting);
            if (waiting == null) {
                sentAt.add(out.size() - 1);
                send.add(m);
            }
        }
        if (send.isEmpty()) {
            return CompletableFuture.completedFuture(out);
        }
        return applyScript.run(shard, send).thenCompose(applied -> settle(shard, send, applied)).thenApply(results -> {
            for (int j = 0; j < send.size(); j++) {
                LikeResult result = results.get(j);
                out.set(sentAt.get(j), result != null ? CompletableFuture.completedFuture(result) : park(shard, send.get(j)));
            }
            return out;
        });
    }

    /** The wait of a mutation whose content is parked, or null when it is not. */
    private @Nullable CompletableFuture<LikeResult> parkIfLoading(LikeMutation m) {
        Parked p = parked.get(m.content());
        if (p == null) {
            return null;
        }
        synchronized (p) {
            if (parked.get(m.content()) != p) {
                return null; // it has just been applied and unparked
            }
            return enqueue(p, m);
        }
    }

    /** Parks a mutation the script found missing; the first one of its content starts the load. */
    private CompletableFuture<LikeResult> park(int shard, LikeMutation m) {
        while (true) {
            Parked p = parked.computeIfAbsent(m.content(), c -> new Parked(shard));
            boolean first;
            CompletableFuture<LikeResult> result;
            synchronized (p) {
                if (parked.get(m.content()) != p) {
                    continue;
                }
                first = p.mutations.isEmpty() && p.results.isEmpty();
                result = enqueue(p, m);
            }
            if (first) {
                loadAndDrain(m.content(), p, MAX_LOAD_RETRIES);
            }
            return result;
        }
    }

    private CompletableFuture<LikeResult> enqueue(Parked p, LikeMutation m) {
        if (p.mutations.size() >= maxParked) {
            return CompletableFuture.failedFuture(new LikeRejectedException(LikeRejectedException.Reason.OVERLOADED,
                    Duration.ofMillis(500),
                    maxParked + " likes of " + m.content() + " already wait for it to be loaded; retry shortly"));
        }
        CompletableFuture<LikeResult> result = new CompletableFuture<>();
        p.mutations.addLast(m);
        p.results.addLast(result);
        return result;
    }

    /**
     * Loads a parked content, then applies its waiting mutations in order, outside the lane, until none is left and
     * the content leaves the parked ones; a failed load fails them all.
     */
    private void loadAndDrain(ContentRef content, Parked p, int loadsLeft) {
        CompletableFuture<Void> loaded = readThrough == null || loadsLeft == 0
                ? CompletableFuture.failedFuture(
                        new LikeStoreException("content " + content + " could not be loaded into Redis", null))
                : readThrough.loadState(content).toCompletableFuture();
        loaded.whenComplete((ok, failure) -> {
            if (failure != null) {
                List<CompletableFuture<LikeResult>> failed;
                synchronized (p) {
                    failed = new ArrayList<>(p.results);
                    p.mutations.clear();
                    p.results.clear();
                    parked.remove(content, p);
                }
                Throwable cause = Futures.unwrap(failure);
                failed.forEach(f -> f.completeExceptionally(cause));
                return;
            }
            drain(content, p, loadsLeft);
        });
    }

    private void drain(ContentRef content, Parked p, int loadsLeft) {
        List<LikeMutation> ops;
        synchronized (p) {
            if (p.mutations.isEmpty()) {
                parked.remove(content, p);
                return;
            }
            ops = new ArrayList<>(Math.min(maxBatch, p.mutations.size()));
            for (LikeMutation m : p.mutations) {
                if (ops.size() == maxBatch) {
                    break;
                }
                ops.add(m);
            }
        }
        applyScript.run(p.shard, ops).thenCompose(applied -> settle(p.shard, ops, applied)).whenComplete((results, failure) -> {
            List<CompletableFuture<LikeResult>> done = new ArrayList<>(ops.size());
            if (failure != null || results.get(0) != null) {
                synchronized (p) {
                    for (int i = 0; i < ops.size(); i++) {
                        p.mutations.pollFirst();
                        done.add(p.results.pollFirst());
                    }
                }
            }
            if (failure != null) {
                Throwable cause = Futures.unwrap(failure);
                done.forEach(f -> f.completeExceptionally(cause));
                // the rest waits for a call of its own: the next one tries again
                drain(content, p, loadsLeft);
            } else if (results.get(0) == null) {
                loadAndDrain(content, p, loadsLeft - 1); // evicted again before its mutations got in: load again
            } else {
                for (int i = 0; i < ops.size(); i++) {
                    done.get(i).complete(results.get(i));
                }
                drain(content, p, loadsLeft);
            }
        });
    }

    /**
     * What follows a script call: the replicas confirm it (when required), the local counts learn the new counts, the
     * outbox relay gets the call's events, and on a cluster in truth mode the users' indexes are written. Results of
     * contents not loaded stay null. A change the replicas did not confirm is left to the outbox sweeper, which
     * relays it only if the entry is still there after the grace period (that is, no failover lost it).
     */
    private CompletableFuture<List<LikeResult>> settle(int shard, List<LikeMutation> batch, ApplyScript.Applied applied) {
        if (replicaWait != null && applied.results().stream().anyMatch(r -> r != null)) {
            return replicaWait.await().thenCompose(confirmed -> settleConfirmed(shard, batch, applied));
        }
        return settleConfirmed(shard, batch, applied);
    }

    private CompletableFuture<List<LikeResult>> settleConfirmed(int shard, List<LikeMutation> batch,
            ApplyScript.Applied applied) {
        List<LikeResult> results = applied.results();
        OutboxRelay outbox = relay;
        List<LikeEvent> events = outbox != null && !applied.outboxEntry().isEmpty() ? new ArrayList<>() : null;
        for (int k = 0; k < batch.size(); k++) {
            LikeResult result = results.get(k);
            if (result == null) {
                continue;
            }
            localCountCache.remember(batch.get(k).content(), result.count(), result.version());
            if (events != null && result.changed()) {
                events.add(LikeEvent.of(batch.get(k), result));
            }
        }
        if (outbox != null && events != null) {
            outbox.relay(shard, applied.outboxEntry(), events);
        }
        if (readThrough == null && !singleNode) {
            return listings.recordForUsers(batch, results).thenApply(done -> results);
        }
        return CompletableFuture.completedFuture(results);
    }
}
