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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** A durable store for tests: the in-memory store, counting the reads that reach it. */
final class CountingStore implements LikeStore {

    final InMemoryLikeStore delegate = InMemoryLikeStore.create();
    final LongAdder countReads = new LongAdder();
    final LongAdder likerReads = new LongAdder();
    final LongAdder otherReads = new LongAdder();
    /** Count reads to fail, as a backing store that is down does. */
    final AtomicInteger failCounts = new AtomicInteger();
    /** Likers reads to fail. */
    final AtomicInteger failLikers = new AtomicInteger();
    /** When set, likers reads answer only once it completes, as a hung backing store does until then. */
    volatile CompletableFuture<Void> likersGate;

    /** When set, the version this store reports for every content, as a store ahead of Redis' clock does. */
    volatile Long version;

    @Override
    public CompletionStage<Long> version(ContentRef content) {
        Long fixed = version;
        return fixed != null ? CompletableFuture.completedFuture(fixed) : delegate.version(content);
    }

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
        if (failCounts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("the backing store is down"));
        }
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
        CompletableFuture<Void> gate = likersGate;
        CompletionStage<Void> open = gate == null ? CompletableFuture.completedFuture(null) : gate;
        return open.thenCompose(x -> failLikers.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                ? CompletableFuture.failedFuture(new IllegalStateException("the backing store is down"))
                : delegate.likers(content, after, limit));
    }

    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, String contentType, UserLike after, int limit) {
        otherReads.increment();
        return delegate.likesOf(userId, contentType, after, limit);
    }
}
