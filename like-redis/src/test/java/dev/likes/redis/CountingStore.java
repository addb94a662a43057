package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/** A durable store for tests: the in-memory store, counting the reads that reach it. */
final class CountingStore implements LikeStore {

    final InMemoryLikeStore delegate = InMemoryLikeStore.create();
    final LongAdder countReads = new LongAdder();
    final LongAdder likerReads = new LongAdder();
    final LongAdder otherReads = new LongAdder();

    long reads() {
        return countReads.sum() + likerReads.sum() + otherReads.sum();
    }

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        return delegate.apply(mutation);
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        otherReads.increment();
        return delegate.hasLiked(userId, content);
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        countReads.increment();
        return delegate.count(content);
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        countReads.increment();
        return delegate.counts(contents);
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        otherReads.increment();
        return delegate.likedAmong(userId, contents);
    }

    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, Liker after, int limit) {
        likerReads.increment();
        return delegate.likers(content, after, limit);
    }

    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, String contentType, UserLike after, int limit) {
        otherReads.increment();
        return delegate.likesOf(userId, contentType, after, limit);
    }
}
