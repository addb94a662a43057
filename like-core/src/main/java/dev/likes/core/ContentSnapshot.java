package dev.likes.core;

import java.util.List;
import java.util.Objects;

/**
 * What a store holds of one content, read together: what a cache in front of the store needs to load the content
 * (see {@link LikeStore#snapshot(ContentRef, int)}).
 *
 * @param count the content's like count, 0 or more
 * @param version the version of its last change, 0 when the store holds none (see {@link LikeStore#version})
 * @param newestLikers its newest likers, in {@link LikeStore#likers} order, at most the limit asked for; a full list
 *     means there may be more, read on with {@link LikeStore#likers} after its last one
 */
public record ContentSnapshot(long count, long version, List<Liker> newestLikers) {

    /**
     * Checks and copies the components.
     *
     * @param count see the record component of that name
     * @param version see the record component of that name
     * @param newestLikers see the record component of that name
     * @throws IllegalArgumentException if {@code count} or {@code version} is negative
     * @throws NullPointerException if {@code newestLikers} or one of them is null
     */
    public ContentSnapshot {
        if (count < 0) {
            throw new IllegalArgumentException("count must be 0 or more, got " + count);
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be 0 or more, got " + version);
        }
        newestLikers = List.copyOf(Objects.requireNonNull(newestLikers, "newestLikers must not be null"));
    }
}
