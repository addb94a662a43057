package dev.likes.core;

import dev.likes.core.internal.Args;
import dev.likes.core.internal.Futures;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous service, which does the work: validates, times and identifies each call, lets the store apply it,
 * and publishes its event. {@link BlockingLikeService} is the blocking view over it.
 */
final class AsyncService implements AsyncLikeService {

    private final LikeStore store;
    private final EventPublisher publisher;
    private final Clock clock;
    private final CallDeadline deadline;
    private volatile boolean closed;

    AsyncService(LikeService.Builder builder) {
        this.store = builder.store;
        this.publisher = builder.publisher;
        this.clock = builder.clock;
        this.deadline = new CallDeadline(builder.callTimeout);
    }

    @Override
    public CompletionStage<LikeResult> like(long userId, ContentRef content) {
        return like(userId, content, null);
    }

    @Override
    public CompletionStage<LikeResult> unlike(long userId, ContentRef content) {
        return unlike(userId, content, null);
    }

    @Override
    public CompletionStage<LikeResult> like(long userId, ContentRef content, @Nullable String requestId) {
        return mutate(userId, content, LikeAction.LIKE, requestId);
    }

    @Override
    public CompletionStage<LikeResult> unlike(long userId, ContentRef content, @Nullable String requestId) {
        return mutate(userId, content, LikeAction.UNLIKE, requestId);
    }

    private CompletionStage<LikeResult> mutate(long userId, ContentRef content, LikeAction action,
            @Nullable String requestId) {
        ensureOpen();
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        LikeMutation mutation = new LikeMutation(newEventId(), userId, content, action, requestId, at);
        return deadline.within(store.apply(mutation).thenCompose(result -> result.changed()
                ? publish(mutation, result)
                : CompletableFuture.completedFuture(result)), () -> (action == LikeAction.LIKE ? "like" : "unlike")
                        + " of user " + userId + " on " + content + " had no answer within " + deadline.millis()
                        + " ms; its outcome is unknown (it may still be applied): retry with the same request ID");
    }

    private CompletionStage<LikeResult> publish(LikeMutation mutation, LikeResult result) {
        LikeEvent event = LikeEvent.of(mutation, result);
        return publisher.publish(event).handle((ignored, failure) -> {
            if (failure != null) {
                throw new CompletionException(new EventPublishException(event, result, Futures.unwrap(failure)));
            }
            return result;
        });
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        ensureOpen();
        Args.positiveId("userId", userId);
        Args.notNull("content", content);
        return deadline.within(store.hasLiked(userId, content), "hasLiked");
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        ensureOpen();
        return deadline.within(store.count(Args.notNull("content", content)), "count");
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Collection<ContentRef> contents) {
        ensureOpen();
        return deadline.within(store.counts(batch(contents)), "counts");
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Collection<ContentRef> contents) {
        ensureOpen();
        Args.positiveId("userId", userId);
        return deadline.within(store.likedAmong(userId, batch(contents)), "likedAmong");
    }

    @Override
    public CompletionStage<FeedState> feed(long userId, Collection<ContentRef> contents) {
        ensureOpen();
        Args.positiveId("userId", userId);
        return deadline.within(store.feed(userId, batch(contents)), "feed");
    }

    @Override
    public CompletionStage<Page<Liker>> likers(ContentRef content, PageRequest page) {
        ensureOpen();
        Args.notNull("content", content);
        Args.notNull("page", page);
        Liker after = page.cursor() == null ? null : Cursors.decodeLiker(content, page.cursor());
        return deadline.within(store.likers(content, after, page.limit())
                .thenApply(pageOf(page.limit(), last -> Cursors.encode(content, last))), "likers");
    }

    @Override
    public CompletionStage<Page<UserLike>> likesOf(long userId, @Nullable String contentType, PageRequest page) {
        ensureOpen();
        Args.positiveId("userId", userId);
        if (contentType != null) {
            ContentRef.checkType("contentType", contentType);
        }
        Args.notNull("page", page);
        UserLike after = page.cursor() == null ? null : Cursors.decodeUserLike(userId, contentType, page.cursor());
        return deadline.within(store.likesOf(userId, contentType, after, page.limit())
                .thenApply(pageOf(page.limit(), last -> Cursors.encode(userId, contentType, last))), "likesOf");
    }

    /** A full page may have a successor; a short one is the last. */
    private static <T> Function<List<T>, Page<T>> pageOf(int limit, Function<T, String> cursorOf) {
        return items -> {
            if (items.size() > limit) {
                throw new LikeStoreException("store returned " + items.size() + " items for a limit of " + limit, null);
            }
            String next = items.size() == limit ? cursorOf.apply(items.get(items.size() - 1)) : null;
            return new Page<>(items, next);
        };
    }

    private static Set<ContentRef> batch(Collection<ContentRef> contents) {
        Args.notNull("contents", contents);
        if (contents.isEmpty() || contents.size() > LikeService.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("contents must hold between 1 and " + LikeService.MAX_BATCH_SIZE
                    + " items, but held " + contents.size());
        }
        Set<ContentRef> distinct = new LinkedHashSet<>(contents.size() * 2);
        for (ContentRef content : contents) {
            distinct.add(Args.notNull("contents element", content));
        }
        return distinct;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("LikeService is closed");
        }
    }

    /** A random (version 4) UUID from the thread's generator: no shared lock on the like path. */
    private static String newEventId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    void close() {
        closed = true;
    }
}
