package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import java.time.Instant;

/**
 * One record as {@link LikeArchiver} moves it to the cold tier.
 *
 * @param id the record's id in {@code like_records}
 * @param userId the user
 * @param content the content
 * @param createdAt when the user first liked it
 * @param updatedAt the time of the last change
 * @param canceled whether the last change was an unlike
 * @param version the version of the last change
 */
public record ArchivedLike(
        long id, long userId, ContentRef content, Instant createdAt, Instant updatedAt, boolean canceled, long version) {}
