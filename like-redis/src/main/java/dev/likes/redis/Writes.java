package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write path of {@link RedisLikeStore}: group commit per shard, the apply script, what follows each call (local
 * counts, the outbox relay, the users' indexes on a cluster), and the reload of contents a call found missing (cache
 * mode), in order with the later mutations of those contents. Thread-safe; never blocks.
 */
final class Writes {

    private static final int MAX_LOAD_RETRIES = 3;

    private final ApplyScript applyScript;
    private final GroupCommit groupCommit;
    private final ReadThrough readThrough;
    private final OutboxRelay relay;
    private final LocalCounts localCounts;
    private final Listings listings;
    private final boolean singleNode;
    /** Contents being loaded after a batch found them missing: later mutations of them wait in order behind it. */
    private final ConcurrentHashMap<ContentRef, CompletableFuture<Void>> reloading = new ConcurrentHashMap<>();

    /**
     * @param readThrough null when Redis is the source of truth
     * @param relay null without an outbox
     */
    Writes(ApplyScript applyScript, Keys keys, int maxBatchSize, ReadThrough readThrough, OutboxRelay relay,
            LocalCounts localCounts, Listings listings, boolean singleNode) {
        this.applyScript = applyScript;
        this.readThrough = readThrough;
        this.relay = relay;
        this.localCounts = localCounts;
        this.listings = listings;
        this.singleNode = singleNode;
        this.groupCommit = new GroupCommit(maxBatchSize, keys::shard, this::applyBatch);
    }

    /** Applies a mutation through its shard's lane, or behind the reload of its content. */
    CompletionStage<LikeResult> apply(LikeMutation mutation) {
        if (reloading.isEmpty() || !reloading.containsKey(mutation.content())) {
            return groupCommit.submit(mutation);
        }
        // the content is being loaded, with earlier mutations waiting to be applied after it: this one goes after them.
        // The step runs asynchronously: never inside the map's compute (callbacks may come back to this store), and
        // a long line of waiting mutations is a chain of tasks, not a deep stack.
        CompletableFuture<LikeResult> result = new CompletableFuture<>();
        List<CompletableFuture<Void>> stored = new ArrayList<>(1);
        reloading.compute(mutation.content(), (content, tail) -> {
            if (tail == null || tail.isDone()) {
                return null;
            }
            CompletableFuture<Void> next = tail.handleAsync((ok, ignored) -> {
                try {
                    forward(groupCommit.submit(mutation), result);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
                return null;
            });
            stored.add(next);
            return next;
        });
        if (stored.isEmpty()) {
            forward(groupCommit.submit(mutation), result);
        } else {
            forgetWhenPassed(mutation.content(), stored.get(0));
        }
        return result;
    }

    /**
     * Removes a gate from the map once it has passed, unless a later mutation extended it. Called outside the map's
     * compute, since a gate that has passed already removes itself at once.
     */
    private void forgetWhenPassed(ContentRef content, CompletableFuture<Void> gate) {
        gate.whenComplete((ok, failure) -> reloading.remove(content, gate));
    }

    private static <T> void forward(CompletionStage<T> from, CompletableFuture<T> to) {
        from.whenComplete((value, failure) -> {
            if (failure != null) {
                to.completeExceptionally(failure);
            } else {
                to.complete(value);
            }
        });
    }

    /** One lane's call: applies a batch of one shard; the mutations of contents not loaded wait for their load. */
    private CompletionStage<List<CompletionStage<LikeResult>>> applyBatch(int shard, List<LikeMutation> batch) {
        return applyScript.run(shard, batch).thenCompose(applied -> settle(shard, batch, applied).thenApply(results -> {
            List<CompletionStage<LikeResult>> out = new ArrayList<>(batch.size());
            Map<ContentRef, List<Integer>> missing = null;
            for (int k = 0; k < batch.size(); k++) {
                if (results.get(k) != null) {
                    out.add(CompletableFuture.completedFuture(results.get(k)));
                } else {
                    out.add(null);
                    if (missing == null) {
                        missing = new LinkedHashMap<>();
                    }
                    missing.computeIfAbsent(batch.get(k).content(), c -> new ArrayList<>()).add(k);
                }
            }
            if (missing != null) {
                missing.forEach((content, indexes) -> {
                    List<LikeMutation> ops = new ArrayList<>(indexes.size());
                    indexes.forEach(k -> ops.add(batch.get(k)));
                    List<CompletableFuture<LikeResult>> targets = reload(shard, content, ops);
                    for (int j = 0; j < indexes.size(); j++) {
                        out.set(indexes.get(j), targets.get(j));
                    }
                });
            }
            return out;
        }));
    }

    /**
     * Loads a content a batch found missing, then applies its mutations, in order after any earlier reload of it;
     * mutations of it that arrive meanwhile wait behind (see {@link #apply}).
     */
    private List<CompletableFuture<LikeResult>> reload(int shard, ContentRef content, List<LikeMutation> ops) {
        List<CompletableFuture<LikeResult>> targets = new ArrayList<>(ops.size());
        ops.forEach(m -> targets.add(new CompletableFuture<>()));
        List<CompletableFuture<Void>> stored = new ArrayList<>(1);
        reloading.compute(content, (c, tail) -> {
            CompletableFuture<Void> start = tail == null ? CompletableFuture.completedFuture(null) : tail;
            // asynchronously: never inside the map's compute (see apply)
            CompletableFuture<Void> next = start.thenComposeAsync(x -> loadAndApply(shard, content, ops, MAX_LOAD_RETRIES))
                    .handle((results, failure) -> {
                        for (int j = 0; j < targets.size(); j++) {
                            if (failure != null) {
                                targets.get(j).completeExceptionally(Redis.unwrap(failure));
                            } else {
                                targets.get(j).complete(results.get(j));
                            }
                        }
                        return null;
                    });
            stored.add(next);
            return next;
        });
        forgetWhenPassed(content, stored.get(0));
        return targets;
    }

    private CompletableFuture<List<LikeResult>> loadAndApply(int shard, ContentRef content, List<LikeMutation> ops,
            int loadsLeft) {
        if (readThrough == null || loadsLeft == 0) {
            return CompletableFuture.failedFuture(
                    new LikeStoreException("content " + content + " could not be loaded into Redis", null));
        }
        return readThrough.loadState(content)
                .thenCompose(loaded -> applyScript.run(shard, ops))
                .thenCompose(applied -> settle(shard, ops, applied))
                .thenCompose(results -> results.get(0) == null
                        ? loadAndApply(shard, content, ops, loadsLeft - 1)
                        : CompletableFuture.completedFuture(results));
    }

    /**
     * What follows a script call: the local counts learn the new counts, the outbox relay gets the call's events, and
     * on a cluster in truth mode the users' indexes are written. Results of contents not loaded stay null.
     */
    private CompletableFuture<List<LikeResult>> settle(int shard, List<LikeMutation> batch, ApplyScript.Applied applied) {
        List<LikeResult> results = applied.results();
        List<LikeEvent> events = relay != null && !applied.outboxEntry().isEmpty() ? new ArrayList<>() : null;
        for (int k = 0; k < batch.size(); k++) {
            LikeResult result = results.get(k);
            if (result == null) {
                continue;
            }
            localCounts.remember(batch.get(k).content(), result.count(), result.version());
            if (events != null && result.changed()) {
                events.add(LikeEvent.of(batch.get(k), result));
            }
        }
        if (events != null) {
            relay.relay(shard, applied.outboxEntry(), events);
        }
        if (readThrough == null && !singleNode) {
            return listings.recordForUsers(batch, results).thenApply(done -> results);
        }
        return CompletableFuture.completedFuture(results);
    }
}
