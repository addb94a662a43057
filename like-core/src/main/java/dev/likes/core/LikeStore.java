package dev.likes.core;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The storage SPI: where who-liked-what and the counts live. A {@link LikeService} validates every argument before
 * it calls a store, so a store may assume valid input.
 *
 * <p><b>Guarantees an implementation gives</b> (the {@code like-testkit} contract suite checks each one):
 *
 * <ul>
 *   <li>{@link #apply} is atomic and linearizable per (user, content): it reads the state, changes it, updates the
 *       count and the content's version, and returns all of them as one step. No check-then-act across round trips.
 *   <li>A (user, content, request ID) is applied at most once while the store retains request IDs.
 *   <li>Counts are exact: a content's count equals the number of users whose state is liked.
 *   <li>Listings follow {@link Liker#NEWEST_FIRST} and {@link UserLike#NEWEST_FIRST} and continue strictly after the
 *       item given as {@code after}.
 * </ul>
 *
 * <p>Methods return {@link CompletionStage}s so that an asynchronous backend stays asynchronous end to end; a blocking
 * backend runs its work on an executor and must never block the caller's thread. Failures complete the stage
 * exceptionally, preferably with a {@link LikeStoreException}. Implementations are thread-safe.
 */
public interface LikeStore extends AutoCloseable {

    /**
     * Applies a like or unlike atomically.
     *
     * @param mutation the validated mutation
     * @return the status, the user's state, the count and the content's version, all after the operation
     */
    CompletionStage<LikeResult> apply(LikeMutation mutation);

    /**
     * Tells whether a user likes a content.
     *
     * @param userId the user
     * @param content the content
     * @return whether the user's state is liked
     */
    CompletionStage<Boolean> hasLiked(long userId, ContentRef content);

    /**
     * Counts the users who like a content; a content nobody ever liked counts 0.
     *
     * @param content the content
     * @return the count
     */
    CompletionStage<Long> count(ContentRef content);

    /**
     * Counts several contents in one call.
     *
     * @param contents 1 to {@link LikeService#MAX_BATCH_SIZE} distinct contents
     * @return a count for every content asked for, 0 included
     */
    CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents);

    /**
     * Tells which of several contents a user likes, in one call.
     *
     * @param userId the user
     * @param contents 1 to {@link LikeService#MAX_BATCH_SIZE} distinct contents
     * @return the subset of {@code contents} the user likes
     */
    CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents);

    /**
     * Lists the users who like a content, in {@link Liker#NEWEST_FIRST} order.
     *
     * @param content the content
     * @param after the last item of the page before, or {@code null} for the first page
     * @param limit how many at most, 1 to {@link PageRequest#MAX_LIMIT}
     * @return the likers strictly after {@code after}, at most {@code limit}
     */
    CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit);

    /**
     * Lists the contents a user likes, in {@link UserLike#NEWEST_FIRST} order.
     *
     * @param userId the user
     * @param contentType only contents of this type, or {@code null} for all types
     * @param after the last item of the page before, or {@code null} for the first page
     * @param limit how many at most, 1 to {@link PageRequest#MAX_LIMIT}
     * @return the user's likes strictly after {@code after}, at most {@code limit}
     */
    CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit);

    /**
     * Reads a feed page for one user: the counts of several contents and which of them the user likes. The default
     * combines {@link #counts} and {@link #likedAmong}; a store that can fall back to a stale source overrides it to
     * say so.
     *
     * @param userId the user
     * @param contents 1 to {@link LikeService#MAX_BATCH_SIZE} distinct contents
     * @return the counts and liked flags, not marked stale
     */
    default CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
        return counts(contents).thenCombine(likedAmong(userId, contents), (n, l) -> new FeedState(n, l, false));
    }

    /**
     * The version of the content's last change that this store holds, or 0 if it holds none or does not keep
     * versions (the default). A cache in front of this store continues the content's versions above it when it loads
     * the content, so that the events of its changes stay newer than every change this store applied, whatever the
     * cache's clock says.
     *
     * @param content the content
     * @return the version, 0 or more
     */
    default CompletionStage<Long> version(ContentRef content) {
        return CompletableFuture.completedFuture(0L);
    }

    /**
     * The content's count, version and newest likers, read together: what a cache in front of this store reads to
     * load a content it does not hold. The default reads {@link #count}, {@link #version} and the first page of
     * {@link #likers} at once; a store that can read them in one round trip, or more consistently (from one
     * snapshot, from a primary rather than a replica), overrides it.
     *
     * @param content the content
     * @param limit the most likers to read, 1 to {@link PageRequest#MAX_LIMIT}
     * @return the snapshot
     */
    default CompletionStage<ContentSnapshot> snapshot(ContentRef content, int limit) {
        CompletableFuture<Long> count = count(content).toCompletableFuture();
        CompletableFuture<Long> version = version(content).toCompletableFuture();
        return likers(content, null, limit).thenCompose(likers -> count.thenCombine(version,
                (n, v) -> new ContentSnapshot(n, v, likers)));
    }

    /** Releases what the store opened; resources the host passed in stay open. The default does nothing. */
    @Override
    default void close() {}
}
