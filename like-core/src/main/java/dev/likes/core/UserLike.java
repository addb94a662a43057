package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Instant;
import java.util.Comparator;

/**
 * One content a user likes, with the time of their (latest) like.
 *
 * @param content the liked content
 * @param likedAt when the user liked it; a store may keep it at a coarser precision than it was given
 */
public record UserLike(ContentRef content, Instant likedAt) {

    /**
     * The listing order of a user's likes: newest like first, then content type and content id, both descending.
     * Stores list in this order.
     */
    public static final Comparator<UserLike> NEWEST_FIRST = Comparator.comparing(UserLike::likedAt)
            .thenComparing(like -> like.content().type())
            .thenComparingLong(like -> like.content().id())
            .reversed();

    /**
     * Validates both components.
     *
     * @param content see the record component of that name
     * @param likedAt see the record component of that name
     * @throws NullPointerException if a component is null
     */
    public UserLike {
        Args.notNull("content", content);
        Args.notNull("likedAt", likedAt);
    }
}
