package dev.likes.jdbc;

import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeStoreException;
import dev.likes.core.UnstorableEventException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;

/**
 * {@link JdbiLikeStore} as a sink: a batch of events split by shard, each part one transaction on its shard's primary
 * ({@link EventApplier}), and each applied change remembered for read-your-writes.
 */
final class SinkBatches {

    private SinkBatches() {}

    /** Applies the events; an event whose time the database cannot hold fails the whole batch before any work. */
    static CompletionStage<Void> apply(ShardWork work, List<LikeEvent> events, long requestIdTtlMillis) {
        for (LikeEvent event : events) {
            if (!Times.storable(event.occurredAt())) {
                return CompletableFuture.failedFuture(new UnstorableEventException("event " + event.eventId()
                        + " has occurredAt " + event.occurredAt() + ", outside what DATETIME(3) stores ("
                        + Times.EARLIEST + " to " + Times.LATEST + ")", null));
            }
        }
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        work.byShard(events, LikeEvent::content).forEach((shard, batch) ->
                commits.add(work.submit(shard, "apply events", () -> applyOn(work, shard, batch, requestIdTtlMillis))));
        return CompletableFuture.allOf(commits.toArray(new CompletableFuture<?>[0]));
    }

    private static @Nullable Void applyOn(ShardWork work, int shard, List<LikeEvent> batch, long requestIdTtlMillis) {
        try {
            Transactions.run(work.shards().get(shard).primary(), work.timed(handle -> {
                EventApplier.apply(handle, batch, requestIdTtlMillis);
                return null;
            }));
        } catch (JdbiException e) {
            if (Transactions.dataError(e)) {
                throw new UnstorableEventException(
                        "the database cannot store an event of the batch: " + Transactions.rootMessage(e), e);
            }
            throw new LikeStoreException("the database failed apply events: " + Transactions.rootMessage(e), e);
        }
        for (LikeEvent e : batch) {
            if (e.action() != LikeAction.ERASE) {
                work.replicaReads().wrote(shard, e.userId(), e.content(), e.version());
            }
        }
        return null;
    }
}
