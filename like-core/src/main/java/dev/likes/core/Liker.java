package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Instant;
import java.util.Comparator;

/**
 * One user who likes a content, with the time of their (latest) like.
 *
 * @param userId the user
 * @param likedAt when the user liked the content; a store may keep it at a coarser precision than it was given
 */
public record Liker(long userId, Instant likedAt) {

    /** The listing order of likers: newest like first, then higher user id first. Stores list in this order. */
    public static final Comparator<Liker> NEWEST_FIRST = Comparator.comparing(Liker::likedAt)
            .thenComparingLong(Liker::userId)
            .reversed();

    /**
     * Validates both components.
     *
     * @param userId see the record component of that name
     * @param likedAt see the record component of that name
     * @throws IllegalArgumentException if {@code userId <= 0}
     * @throws NullPointerException if {@code likedAt} is null
     */
    public Liker {
        Args.positiveId("userId", userId);
        Args.notNull("likedAt", likedAt);
    }
}
