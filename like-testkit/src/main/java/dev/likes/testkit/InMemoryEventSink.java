package dev.likes.testkit;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link LikeEventSink} in memory, for tests and demos: it keeps, per (user, content), the state of the newest event
 * applied, and per content the count of users whose state is liked. Idempotent and order-safe by version, as the SPI
 * asks. An {@link LikeAction#ERASE} event removes its pair whatever its version, and the user's events that happened
 * at or before its time are ignored from then on. Thread-safe (one lock); nothing survives the object.
 */
public final class InMemoryEventSink implements LikeEventSink {

    private final Map<Pair, Applied> states = new HashMap<>();
    private final Map<ContentRef, Long> counts = new HashMap<>();
    private final Map<Long, Instant> erasedAt = new HashMap<>();
    private long delivered;
    private long applied;

    /** Creates an empty sink. */
    public InMemoryEventSink() {}

    @Override
    public synchronized CompletionStage<Void> apply(List<LikeEvent> events) {
        for (LikeEvent event : events) {
            delivered++;
            Pair pair = new Pair(event.userId(), event.content());
            Applied last = states.get(pair);
            if (event.action() == LikeAction.ERASE) {
                states.remove(pair);
                erasedAt.merge(event.userId(), event.occurredAt(), (a, b) -> a.isAfter(b) ? a : b);
                applied++;
                if (last != null && last.liked) {
                    counts.merge(event.content(), -1L, Long::sum);
                }
                continue;
            }
            Instant erased = erasedAt.get(event.userId());
            if (erased != null && !event.occurredAt().isAfter(erased)) {
                continue; // a change of an erased user, from before the erasure
            }
            if (last != null && last.version >= event.version()) {
                continue; // a redelivery, or older than what is applied
            }
            boolean liked = event.action() == LikeAction.LIKE;
            boolean wasLiked = last != null && last.liked;
            states.put(pair, new Applied(event.version(), liked));
            applied++;
            if (liked != wasLiked) {
                counts.merge(event.content(), liked ? 1L : -1L, Long::sum);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Whether the newest event applied for (user, content) was a like.
     *
     * @param userId the user
     * @param content the content
     * @return the state; false if no event was applied
     */
    public synchronized boolean liked(long userId, ContentRef content) {
        Applied last = states.get(new Pair(userId, content));
        return last != null && last.liked;
    }

    /**
     * The version of the newest event applied for (user, content).
     *
     * @param userId the user
     * @param content the content
     * @return the version, 0 if none
     */
    public synchronized long version(long userId, ContentRef content) {
        Applied last = states.get(new Pair(userId, content));
        return last == null ? 0 : last.version;
    }

    /**
     * How many users like the content, as the applied events say.
     *
     * @param content the content
     * @return the count
     */
    public synchronized long count(ContentRef content) {
        return counts.getOrDefault(content, 0L);
    }

    /**
     * Events delivered to {@link #apply}, redeliveries and stale ones included.
     *
     * @return the number
     */
    public synchronized long delivered() {
        return delivered;
    }

    /**
     * Events that changed something (newer than what was applied for their pair).
     *
     * @return the number
     */
    public synchronized long applied() {
        return applied;
    }

    private record Pair(long userId, ContentRef content) {}

    private record Applied(long version, boolean liked) {}
}
