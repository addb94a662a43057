package dev.likes.core;

import dev.likes.core.internal.Futures;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** The blocking view: every call is the asynchronous one, awaited. */
final class BlockingLikeService implements LikeService {

    private final AsyncService async;

    BlockingLikeService(LikeService.Builder builder) {
        this.async = new AsyncService(builder);
    }

    @Override
    public LikeResult like(long userId, ContentRef content) {
        return await(async.like(userId, content, null));
    }

    @Override
    public LikeResult like(long userId, ContentRef content, @Nullable String requestId) {
        return await(async.like(userId, content, requestId));
    }

    @Override
    public LikeResult unlike(long userId, ContentRef content) {
        return await(async.unlike(userId, content, null));
    }

    @Override
    public LikeResult unlike(long userId, ContentRef content, @Nullable String requestId) {
        return await(async.unlike(userId, content, requestId));
    }

    @Override
    public boolean hasLiked(long userId, ContentRef content) {
        return await(async.hasLiked(userId, content));
    }

    @Override
    public long count(ContentRef content) {
        return await(async.count(content));
    }

    @Override
    public Map<ContentRef, Long> counts(Collection<ContentRef> contents) {
        return await(async.counts(contents));
    }

    @Override
    public Set<ContentRef> likedAmong(long userId, Collection<ContentRef> contents) {
        return await(async.likedAmong(userId, contents));
    }

    @Override
    public FeedState feed(long userId, Collection<ContentRef> contents) {
        return await(async.feed(userId, contents));
    }

    @Override
    public Page<Liker> likers(ContentRef content, PageRequest page) {
        return await(async.likers(content, page));
    }

    @Override
    public Page<UserLike> likesOf(long userId, PageRequest page) {
        return await(async.likesOf(userId, null, page));
    }

    @Override
    public Page<UserLike> likesOf(long userId, @Nullable String contentType, PageRequest page) {
        return await(async.likesOf(userId, contentType, page));
    }

    @Override
    public AsyncLikeService async() {
        return async;
    }

    @Override
    public void close() {
        async.close();
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LikeException("interrupted while waiting for the like store", e);
        } catch (ExecutionException e) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new LikeStoreException("like store failed", cause);
        }
    }
}
