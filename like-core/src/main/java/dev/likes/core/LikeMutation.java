package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One like or unlike as the service hands it to a {@link LikeStore}: validated, timed and identified.
 *
 * @param eventId the ID of the event this mutation produces if it changes the state; unique per mutation
 * @param userId the acting user, greater than 0
 * @param content what is liked or unliked
 * @param action like or unlike ({@link LikeAction#ERASE} is for events only)
 * @param requestId the client's request ID, or {@code null}; the same (user, content, request ID) is applied at most
 *     once
 * @param at when the service received the mutation; stores record it as the like time
 */
public record LikeMutation(
        String eventId, long userId, ContentRef content, LikeAction action, @Nullable String requestId, Instant at) {

    /**
     * Validates every component.
     *
     * @param eventId see the record component of that name
     * @param userId see the record component of that name
     * @param content see the record component of that name
     * @param action see the record component of that name
     * @param requestId see the record component of that name
     * @param at see the record component of that name
     * @throws NullPointerException if a component other than {@code requestId} is null
     * @throws IllegalArgumentException if {@code userId <= 0}, {@code action} is {@link LikeAction#ERASE} (an event
     *     action only), or {@code requestId} breaks {@link RequestIds}' rule
     */
    public LikeMutation {
        Args.notNull("eventId", eventId);
        Args.positiveId("userId", userId);
        Args.notNull("content", content);
        Args.notNull("action", action);
        if (action == LikeAction.ERASE) {
            throw new IllegalArgumentException("action must be LIKE or UNLIKE in a mutation, but was ERASE");
        }
        if (requestId != null) {
            RequestIds.check(requestId);
        }
        Args.notNull("at", at);
    }
}
