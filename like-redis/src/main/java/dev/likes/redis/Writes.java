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

/**
 * The write path of {@link RedisLikeStore}: group commit per shard, the apply script, what follows each call (local
 * counts, the outbox relay, the users' indexes on a cluster), and the load of contents a call found missing (cache
 * mode). A call that finds contents missing completes only once they are loaded and its mutations of them applied:
 * the shard's lane sends nothing meanwhile, so no later mutation of those contents can overtake them. Thread-safe;
 * never blocks a thread.
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

    /**
     * @param readThrough null when Redis is the source of truth
     * @param relay null without an outbox
     */
    Writes(ApplyScript applyScript, Keys keys, int maxBatchSize, int maxQueuedPerShard, ReadThrough readThrough,
            OutboxRelay relay,
            LocalCounts localCounts, Listings listings, boolean singleNode) {
        this.applyScript = applyScript;
        this.readThrough = readThrough;
        this.relay = relay;
        this.localCounts = localCounts;
        this.listings = listings;
        this.singleNode = singleNode;
        this.groupCommit = new GroupCommit(maxBatchSize, 1, maxQueuedPerShard, keys::shard, this::applyBatch);
    }

    /** Applies a mutation through its shard's lane. */
    CompletionStage<LikeResult> apply(LikeMutation mutation) {
        return groupCommit.submit(mutation);
    }

    /** One lane's call: applies a batch of one shard, and loads and applies what it found missing before it ends. */
    private CompletionStage<List<CompletionStage<LikeResult>>> applyBatch(int shard, List<LikeMutation> batch) {
        return applyScript.run(shard, batch).thenCompose(applied -> settle(shard, batch, applied)).thenCompose(results -> {
            Map<ContentRef, List<Integer>> missing = null;
            for (int k = 0; k < batch.size(); k++) {
                if (results.get(k) == null) {
                    if (missing == null) {
                        missing = new LinkedHashMap<>();
                    }
                    missing.computeIfAbsent(batch.get(k).content(), c -> new ArrayList<>()).add(k);
                }
            }
            List<CompletionStage<LikeResult>> out = new ArrayList<>(batch.size());
            for (LikeResult result : results) {
                out.add(result == null ? null : CompletableFuture.completedFuture(result));
            }
            if (missing == null) {
                return CompletableFuture.completedFuture(out);
            }
            List<CompletableFuture<Void>> loads = new ArrayList<>(missing.size());
            missing.forEach((content, indexes) -> {
                List<LikeMutation> ops = new ArrayList<>(indexes.size());
                indexes.forEach(k -> ops.add(batch.get(k)));
                loads.add(loadAndApply(shard, content, ops, MAX_LOAD_RETRIES).handle((applied, failure) -> {
                    for (int j = 0; j < indexes.size(); j++) {
                        out.set(indexes.get(j), failure != null
                                ? CompletableFuture.failedFuture(Redis.unwrap(failure))
                                : CompletableFuture.completedFuture(applied.get(j)));
                    }
                    return null;
                }));
            });
            return CompletableFuture.allOf(loads.toArray(new CompletableFuture<?>[0])).thenApply(done -> out);
        });
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
