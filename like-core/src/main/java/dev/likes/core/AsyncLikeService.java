package dev.likes.core;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous view of a {@link LikeService}: the same operations with the same guarantees, returning
 * {@link CompletionStage}s. Obtained from {@link LikeService#async()}.
 *
 * <p>With an asynchronous store no thread is parked per call in flight. Invalid arguments are rejected by throwing at
 * once, not through the stage, and nothing is written; failures of the store or the publisher complete the stage
 * exceptionally ({@link LikeStoreException}, {@link EventPublishException}). Thread-safe.
 */
public interface AsyncLikeService {

    /**
     * Asynchronous {@link LikeService#like(long, ContentRef)}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @return the result
     */
    CompletionStage<LikeResult> like(long userId, ContentRef content);

    /**
     * Asynchronous {@link LikeService#like(long, ContentRef, String)}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @param requestId the client's request ID (see {@link RequestIds}), or {@code null}
     * @return the result
     */
    CompletionStage<LikeResult> like(long userId, ContentRef content, @Nullable String requestId);

    /**
     * Asynchronous {@link LikeService#unlike(long, ContentRef)}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @return the result
     */
    CompletionStage<LikeResult> unlike(long userId, ContentRef content);

    /**
     * Asynchronous {@link LikeService#unlike(long, ContentRef, String)}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @param requestId the client's request ID (see {@link RequestIds}), or {@code null}
     * @return the result
     */
    CompletionStage<LikeResult> unlike(long userId, ContentRef content, @Nullable String requestId);

    /**
     * Asynchronous {@link LikeService#hasLiked(long, ContentRef)}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @return whether the user likes the content
     */
    CompletionStage<Boolean> hasLiked(long userId, ContentRef content);

    /**
     * Asynchronous {@link LikeService#count(ContentRef)}.
     *
     * @param content the content
     * @return the count
     */
    CompletionStage<Long> count(ContentRef content);

    /**
     * Asynchronous {@link LikeService#counts(Collection)}.
     *
     * @param contents 1 to {@link LikeService#MAX_BATCH_SIZE} contents
     * @return a count per distinct content
     */
    CompletionStage<Map<ContentRef, Long>> counts(Collection<ContentRef> contents);

    /**
     * Asynchronous {@link LikeService#likedAmong(long, Collection)}.
     *
     * @param userId the user, greater than 0
     * @param contents 1 to {@link LikeService#MAX_BATCH_SIZE} contents
     * @return the ones the user likes
     */
    CompletionStage<Set<ContentRef>> likedAmong(long userId, Collection<ContentRef> contents);

    /**
     * Asynchronous {@link LikeService#feed(long, Collection)}.
     *
     * @param userId the user, greater than 0
     * @param contents 1 to {@link LikeService#MAX_BATCH_SIZE} contents
     * @return the counts and liked flags
     */
    CompletionStage<FeedState> feed(long userId, Collection<ContentRef> contents);

    /**
     * Asynchronous {@link LikeService#likers(ContentRef, PageRequest)}.
     *
     * @param content the content
     * @param page which page
     * @return the page
     */
    CompletionStage<Page<Liker>> likers(ContentRef content, PageRequest page);

    /**
     * Asynchronous {@link LikeService#likesOf(long, String, PageRequest)}.
     *
     * @param userId the user, greater than 0
     * @param contentType only this type, or {@code null} for all
     * @param page which page
     * @return the page
     */
    CompletionStage<Page<UserLike>> likesOf(long userId, @Nullable String contentType, PageRequest page);
}
