package dev.likes.core;

import dev.likes.core.internal.Args;

/**
 * The outcome of a like or unlike: whether the state changed, the user's state afterwards and the content's count
 * afterwards, all taken atomically with the change.
 *
 * @param status what happened
 * @param liked whether the user likes the content after the operation
 * @param count how many users like the content after the operation
 * @param version the content's version after the operation: it strictly increases with every state change of the
 *     content (by one in some stores, by a time-based step in others), so events carrying it can be applied in order
 *     per content, and therefore per (user, content); 0 when the content never changed
 */
public record LikeResult(Status status, boolean liked, long count, long version) {

    /** What a like or unlike did. */
    public enum Status {
        /** The state changed; an event was published for it. */
        APPLIED,
        /** The user was already in the asked-for state (a repeated click); nothing changed, no event. */
        UNCHANGED,
        /**
         * The (user, content, request ID) was seen before within the store's request-ID retention; the operation was
         * not applied again.
         * {@link #liked()} and {@link #count()} give the current state.
         */
        DUPLICATE_REQUEST,
        /**
         * "Liked, will show later": the hot store could not take the change now (it is down, or its circuit breaker
         * is open), so the change was recorded durably another way (its event went straight to the event log) and
         * will reach the durable store and, once it is back, the hot store. {@link #liked()} is the state asked for;
         * {@link #count()} is an estimate that may be stale; {@link #version()} is the version of the event.
         */
        ACCEPTED
    }

    /**
     * Validates the result.
     *
     * @param status see the record component of that name
     * @param liked see the record component of that name
     * @param count see the record component of that name
     * @param version see the record component of that name
     * @throws NullPointerException if {@code status} is null
     * @throws IllegalArgumentException if {@code count} or {@code version} is negative, or {@code liked} with a zero
     *     count
     */
    public LikeResult {
        Args.notNull("status", status);
        if (count < 0) {
            throw new IllegalArgumentException("count must be at least 0, but was " + count);
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be at least 0, but was " + version);
        }
        if (liked && count == 0) {
            throw new IllegalArgumentException("count must be at least 1 when liked, but was 0");
        }
    }

    /**
     * Tells whether this operation changed the state.
     *
     * @return {@code true} if and only if the status is {@link Status#APPLIED}
     */
    public boolean changed() {
        return status == Status.APPLIED;
    }

    /**
     * Tells whether the change was taken but not yet applied to the hot store.
     *
     * @return {@code true} if and only if the status is {@link Status#ACCEPTED}
     */
    public boolean accepted() {
        return status == Status.ACCEPTED;
    }
}
