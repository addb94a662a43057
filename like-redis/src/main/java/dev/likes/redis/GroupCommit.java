package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Group commit: concurrent mutations of one content are coalesced into one script call that applies them in arrival
 * order and returns each its own result. A lane sends at once when nothing of its content is in flight, so a lone
 * call waits for nobody; what arrives meanwhile goes out, up to the batch limit, when the call in flight returns.
 * Thread-safe and lock-free; it never blocks a thread.
 */
final class GroupCommit {

    /** Applies one batch of one content; the outer stage completes when the lane may send again. */
    interface Applier {
        CompletionStage<List<CompletionStage<LikeResult>>> apply(ContentRef content, List<LikeMutation> batch);
    }

    private final int maxBatch;
    private final Applier applier;
    private final ConcurrentHashMap<ContentRef, Lane> lanes = new ConcurrentHashMap<>();

    GroupCommit(int maxBatch, Applier applier) {
        this.maxBatch = maxBatch;
        this.applier = applier;
    }

    CompletionStage<LikeResult> submit(LikeMutation mutation) {
        Pending pending = new Pending(mutation);
        Lane lane = lanes.computeIfAbsent(mutation.content(), Lane::new);
        lane.queue.add(pending);
        lane.flush();
        return pending.result;
    }

    private final class Lane {
        final ContentRef content;
        final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean sending = new AtomicBoolean();

        Lane(ContentRef content) {
            this.content = content;
        }

        void flush() {
            while (sending.compareAndSet(false, true)) {
                List<Pending> batch = new ArrayList<>(Math.min(maxBatch, 16));
                Pending next;
                while (batch.size() < maxBatch && (next = queue.poll()) != null) {
                    batch.add(next);
                }
                if (!batch.isEmpty()) {
                    send(batch);
                    return;
                }
                sending.set(false);
                if (queue.isEmpty()) {
                    // idle: let the map forget this lane; a submit racing with this still flushes it itself
                    lanes.remove(content, this);
                    if (queue.isEmpty()) {
                        return;
                    }
                }
            }
        }

        private void send(List<Pending> batch) {
            List<LikeMutation> mutations = new ArrayList<>(batch.size());
            batch.forEach(p -> mutations.add(p.mutation));
            CompletionStage<List<CompletionStage<LikeResult>>> applied;
            try {
                applied = applier.apply(content, mutations);
            } catch (RuntimeException e) {
                applied = CompletableFuture.failedFuture(e);
            }
            applied.whenComplete((results, failure) -> {
                sending.set(false);
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
