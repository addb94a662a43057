package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A state change, as published to an {@link EventPublisher}: one event per {@link LikeResult.Status#APPLIED}
 * mutation, none for unchanged or duplicate ones.
 *
 * <p>Consumers apply events idempotently and in order per (user, content) by {@link #version()}: for one content,
 * versions strictly increase with every state change, so an event whose version is not greater than the last applied
 * one for the same (user, content) is a redelivery or arrived late and must not win. The exception is an
 * {@link LikeAction#ERASE} event, which always applies (see there).
 *
 * @param eventId unique per event; a redelivered event keeps its ID
 * @param requestId the client's request ID, or {@code null}
 * @param userId the acting user
 * @param content what was liked or unliked
 * @param action like, unlike, or erase
 * @param occurredAt when the change was made (the mutation's time)
 * @param version the content's change sequence number at this change
 * @param count how many users like the content after this change
 */
public record LikeEvent(
        String eventId,
        @Nullable String requestId,
        long userId,
        ContentRef content,
        LikeAction action,
        Instant occurredAt,
        long version,
        long count) {

    /**
     * Validates every component.
     *
     * @param eventId see the record component of that name
     * @param requestId see the record component of that name
     * @param userId see the record component of that name
     * @param content see the record component of that name
     * @param action see the record component of that name
     * @param occurredAt see the record component of that name
     * @param version see the record component of that name
     * @param count see the record component of that name
     * @throws NullPointerException if a component other than {@code requestId} is null
     * @throws IllegalArgumentException if an id, the version or the count is out of range
     */
    public LikeEvent {
        Args.notNull("eventId", eventId);
        Args.positiveId("userId", userId);
        Args.notNull("content", content);
        Args.notNull("action", action);
        Args.notNull("occurredAt", occurredAt);
        Args.positiveId("version", version);
        if (count < 0) {
            throw new IllegalArgumentException("count must be at least 0, but was " + count);
        }
    }

    /**
     * Builds the event of an applied mutation.
     *
     * @param mutation the mutation the store applied
     * @param result the store's result, which must be {@link LikeResult.Status#APPLIED}
     * @return the event
     * @throws IllegalArgumentException if the result is not an applied one
     */
    public static LikeEvent of(LikeMutation mutation, LikeResult result) {
        if (!result.changed()) {
            throw new IllegalArgumentException("result must be APPLIED to make an event, but was " + result.status());
        }
        return new LikeEvent(
                mutation.eventId(),
                mutation.requestId(),
                mutation.userId(),
                mutation.content(),
                mutation.action(),
                mutation.at(),
                result.version(),
                result.count());
    }
}
