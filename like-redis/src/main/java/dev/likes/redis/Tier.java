package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeStore;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What Redis' part is, chosen once when the store is built: the source of truth ({@link #truth}), where a content
 * Redis does not hold has no likes and the listings are Redis' own, or a cache of a backing store ({@link #cache}),
 * where such a content is loaded (its count remembered in the local count cache) and the listings are the backing
 * store's.
 */
abstract class Tier {

    /** Redis as the source of truth. */
    static Tier truth(Listings listings) {
        return new Truth(listings);
    }

    /**
     * Redis as a cache of {@code backingStore}, loading through {@code readThrough}; the counts it loads are
     * remembered in {@code localCountCache}.
     */
    static Tier cache(LikeStore backingStore, ReadThrough readThrough, LocalCountCache localCountCache) {
        return new Cache(backingStore, readThrough, localCountCache);
    }

    /** The read-through loader, or null when Redis is the truth. */
    abstract @Nullable ReadThrough readThrough();

    /** Whether the user likes a content Redis does not hold; {@code again} reads Redis after a load. */
    abstract CompletableFuture<Boolean> likedWhenMissing(long userId, ContentRef content,
            Supplier<CompletableFuture<@Nullable Boolean>> again);

    /** Which of the contents Redis does not hold the user likes. */
    abstract CompletableFuture<Set<ContentRef>> likedAmongMissing(long userId, Set<ContentRef> contents);

    /** The count of a content Redis does not hold. */
    abstract CompletableFuture<Long> countWhenMissing(ContentRef content);

    /** The counts of contents Redis does not hold. */
    abstract CompletableFuture<Map<ContentRef, Long>> countsWhenMissing(Set<ContentRef> contents);

    abstract CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit);

    abstract CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType,
            @Nullable UserLike after, int limit);

    private static final class Truth extends Tier {
        private final Listings listings;

        Truth(Listings listings) {
            this.listings = listings;
        }

        @Override
        @Nullable ReadThrough readThrough() {
            return null;
        }

        @Override
        CompletableFuture<Boolean> likedWhenMissing(long userId, ContentRef content,
                Supplier<CompletableFuture<@Nullable Boolean>> again) {
            return CompletableFuture.completedFuture(false);
        }

        @Override
        CompletableFuture<Set<ContentRef>> likedAmongMissing(long userId, Set<ContentRef> contents) {
            return CompletableFuture.completedFuture(Set.of());
        }

        @Override
        CompletableFuture<Long> countWhenMissing(ContentRef content) {
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        CompletableFuture<Map<ContentRef, Long>> countsWhenMissing(Set<ContentRef> contents) {
            Map<ContentRef, Long> zeros = new HashMap<>();
            contents.forEach(c -> zeros.put(c, 0L));
            return CompletableFuture.completedFuture(zeros);
        }

        @Override
        CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
            return listings.likers(content, after, limit);
        }

        @Override
        CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
                int limit) {
            return listings.likesOf(userId, contentType, after, limit);
        }
    }

    private static final class Cache extends Tier {
        private final LikeStore backingStore;
        private final ReadThrough readThrough;
        private final LocalCountCache localCountCache;

        Cache(LikeStore backingStore, ReadThrough readThrough, LocalCountCache localCountCache) {
            this.backingStore = backingStore;
            this.readThrough = readThrough;
            this.localCountCache = localCountCache;
        }

        @Override
        ReadThrough readThrough() {
            return readThrough;
        }

        @Override
        CompletableFuture<Boolean> likedWhenMissing(long userId, ContentRef content,
                Supplier<CompletableFuture<@Nullable Boolean>> again) {
            return readThrough.loadState(content)
                    .thenCompose(loaded -> again.get())
                    .thenCompose(liked -> liked != null
                            ? CompletableFuture.completedFuture(liked)
                            : backingStore.hasLiked(userId, content));
        }

        @Override
        CompletableFuture<Set<ContentRef>> likedAmongMissing(long userId, Set<ContentRef> contents) {
            return backingStore.likedAmong(userId, contents).toCompletableFuture();
        }

        @Override
        CompletableFuture<Long> countWhenMissing(ContentRef content) {
            return readThrough.loadCount(content).thenApply(loaded -> {
                localCountCache.remember(content, loaded, 0);
                return loaded;
            });
        }

        @Override
        CompletableFuture<Map<ContentRef, Long>> countsWhenMissing(Set<ContentRef> contents) {
            return readThrough.loadCounts(contents).thenApply(loaded -> {
                loaded.forEach((content, n) -> localCountCache.remember(content, n, 0));
                return loaded;
            });
        }

        @Override
        CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
            return backingStore.likers(content, after, limit);
        }

        @Override
        CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
                int limit) {
            return backingStore.likesOf(userId, contentType, after, limit);
        }
    }
}
