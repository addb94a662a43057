package dev.likes.core;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

/**
 * Encodes the last item of a page as an opaque cursor and decodes it back, strictly: a cursor that was not made here
 * for the same kind of listing is rejected with a message that says so.
 */
final class Cursors {

    static final int MAX_LENGTH = 256;
    private static final String LIKERS = "L1";
    private static final String USER_LIKES = "U1";

    private Cursors() {}

    static String encode(Liker last) {
        return pack(LIKERS + '.' + last.likedAt().getEpochSecond() + '.' + last.likedAt().getNano() + '.'
                + last.userId());
    }

    static String encode(UserLike last) {
        return pack(USER_LIKES + '.' + last.likedAt().getEpochSecond() + '.' + last.likedAt().getNano() + '.'
                + last.content().type() + '.' + last.content().id());
    }

    static Liker decodeLiker(String cursor) {
        String[] parts = unpack(cursor, LIKERS, 4);
        try {
            return new Liker(Long.parseLong(parts[3]), instant(parts[1], parts[2]));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw invalid(cursor);
        }
    }

    static UserLike decodeUserLike(String cursor) {
        String[] parts = unpack(cursor, USER_LIKES, 5);
        try {
            return new UserLike(ContentRef.of(parts[3], Long.parseLong(parts[4])), instant(parts[1], parts[2]));
        } catch (IllegalArgumentException | DateTimeException e) {
            throw invalid(cursor);
        }
    }

    private static Instant instant(String seconds, String nanos) {
        long nano = Long.parseLong(nanos);
        if (nano < 0 || nano > 999_999_999) {
            throw new IllegalArgumentException("nanos");
        }
        return Instant.ofEpochSecond(Long.parseLong(seconds), nano);
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
                "cursor must be a nextCursor of an earlier page of the same listing, but was " + Args.show(cursor));
    }
}
