package dev.likes.core;

import dev.likes.core.internal.Args;
import java.util.Map;
import java.util.Set;

/**
 * What a feed page shows for one user: the count of every content on the page and which of them the user likes,
 * read in one call.
 *
 * @param counts a count for every distinct content asked for, 0 included
 * @param liked the contents among them the user likes
 * @param possiblyStale {@code true} when the hot store could not answer and the values came from a fallback (a local
 *     cache or the durable store) that may lag behind the latest likes
 */
public record FeedState(Map<ContentRef, Long> counts, Set<ContentRef> liked, boolean possiblyStale) {

    /**
     * Copies and validates the components.
     *
     * @param counts see the record component of that name
     * @param liked see the record component of that name
     * @param possiblyStale see the record component of that name
     * @throws NullPointerException if a map or set is null
     */
    public FeedState {
        counts = Map.copyOf(Args.notNull("counts", counts));
        liked = Set.copyOf(Args.notNull("liked", liked));
    }
}
