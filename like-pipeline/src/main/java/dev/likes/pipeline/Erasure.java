package dev.likes.pipeline;

import dev.likes.core.LikeAction;

/**
 * What {@link LikePipeline#forgetUser} erased.
 *
 * @param userId the user
 * @param likesWithdrawn likes the user still had, withdrawn (each an unlike, so the counts dropped at once)
 * @param recordsErased records deleted from MySQL (hot table and archive, liked or not), each announced by an
 *     {@link LikeAction#ERASE} event on the topic
 * @param requestIdsErased request IDs deleted from Redis
 * @param archiveCopiesErased lines deleted from the archive sink's copies (0 without a sink)
 */
public record Erasure(long userId, long likesWithdrawn, long recordsErased, long requestIdsErased,
        long archiveCopiesErased) {}
