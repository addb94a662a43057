package dev.likes.core;

import dev.likes.core.internal.Args;
import org.jspecify.annotations.Nullable;

/**
 * Which page of a listing to read: at most {@code limit} items after the position an earlier page's
 * {@link Page#nextCursor() cursor} marks, or from the start when the cursor is {@code null}.
 *
 * <p>Listings use keyset pagination: a page continues exactly after the last item of the one before, so likes added
 * or removed meanwhile shift nothing, and an item that stays in place is listed once and only once.
 *
 * @param limit how many items at most, 1 to {@link #MAX_LIMIT}
 * @param cursor the opaque cursor of the page before, or {@code null} for the first page
 */
public record PageRequest(int limit, @Nullable String cursor) {

    /** The page size of {@link #first()}. */
    public static final int DEFAULT_LIMIT = 20;

    /** The largest page size accepted. */
    public static final int MAX_LIMIT = 1_000;

    /**
     * Validates the limit; the cursor is checked when it is used, against the listing it is used for.
     *
     * @param limit see the record component of that name
     * @param cursor see the record component of that name
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@link #MAX_LIMIT}
     */
    public PageRequest {
        Args.between("limit", limit, 1, MAX_LIMIT);
    }

    /**
     * The first page with {@link #DEFAULT_LIMIT} items at most.
     *
     * @return the request
     */
    public static PageRequest first() {
        return new PageRequest(DEFAULT_LIMIT, null);
    }

    /**
     * The first page with {@code limit} items at most.
     *
     * @param limit 1 to {@link #MAX_LIMIT}
     * @return the request
     */
    public static PageRequest first(int limit) {
        return new PageRequest(limit, null);
    }

    /**
     * The page after the one whose {@link Page#nextCursor()} is {@code cursor}.
     *
     * @param cursor a cursor from an earlier page of the same listing
     * @param limit 1 to {@link #MAX_LIMIT}
     * @return the request
     * @throws NullPointerException if {@code cursor} is null
     */
    public static PageRequest after(String cursor, int limit) {
        return new PageRequest(limit, Args.notNull("cursor", cursor));
    }
}
