package dev.likes.core;

import dev.likes.core.internal.Args;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Encodes the last item of a page as an opaque cursor and decodes it back, strictly: a cursor that was not made here
 * for the same listing (the same kind, and the same content, or the same user and type filter) is rejected with a
 * message that says so, as is one whose time lies outside {@link #EARLIEST} to {@link #LATEST}.
 */
final class Cursors {

    static final int MAX_LENGTH = 256;
    /** The earliest time a cursor may carry (what a SQL {@code DATETIME} holds). */
    static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    /** The latest time a cursor may carry. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final String LIKERS = "L2";
    private static final String USER_LIKES = "U2";
    private static final String ANY_TYPE = "*";

    private Cursors() {}

    static String encode(ContentRef listing, Liker last) {
        return pack(LIKERS + '.' + listing.type() + '.' + listing.id() + '.' + last.likedAt().getEpochSecond() + '.'
                + last.likedAt().getNano() + '.' + last.userId());
    }

    static String encode(long userId, @Nullable String contentType, UserLike last) {
        return pack(USER_LIKES + '.' + userId + '.' + (contentType == null ? ANY_TYPE : contentType) + '.'
                + last.likedAt().getEpochSecond() + '.' + last.likedAt().getNano() + '.' + last.content().type() + '.'
                + last.content().id());
    }

    static Liker decodeLiker(ContentRef listing, String cursor) {
        String[] parts = unpack(cursor, LIKERS, 6);
        try {
            if (!parts[1].equals(listing.type()) || Long.parseLong(parts[2]) != listing.id()) {
                throw invalid(cursor);
            }
            return new Liker(Long.parseLong(parts[5]), instant(parts[3], parts[4]));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw invalid(cursor);
        }
    }

    static UserLike decodeUserLike(long userId, @Nullable String contentType, String cursor) {
        String[] parts = unpack(cursor, USER_LIKES, 7);
        try {
            if (Long.parseLong(parts[1]) != userId || !parts[2].equals(contentType == null ? ANY_TYPE : contentType)) {
                throw invalid(cursor);
            }
            return new UserLike(ContentRef.of(parts[5], Long.parseLong(parts[6])), instant(parts[3], parts[4]));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw invalid(cursor);
        }
    }

    private static Instant instant(String seconds, String nanos) {
        long nano = Long.parseLong(nanos);
        if (nano < 0 || nano > 999_999_999) {
            throw new IllegalArgumentException("nanos");
        }
        Instant at = Instant.ofEpochSecond(Long.parseLong(seconds), nano);
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw new IllegalArgumentException("time out of range");
        }
        return at;
    }

    private static String pack(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String[] unpack(String cursor, String kind, int fields) {
        Args.notNull("cursor", cursor);
        if (cursor.isEmpty() || cursor.length() > MAX_LENGTH) {
            throw invalid(cursor);
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw invalid(cursor);
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != fields || !parts[0].equals(kind)) {
            throw invalid(cursor);
        }
        return parts;
    }

    private static IllegalArgumentException invalid(String cursor) {
        return new IllegalArgumentException(
                "cursor must be a nextCursor of an earlier page of the same listing (same kind, content or user and type),"
                        + " but was " + Args.show(cursor));
    }
}
