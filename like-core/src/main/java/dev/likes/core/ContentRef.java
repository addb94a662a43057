package dev.likes.core;

import dev.likes.core.internal.Args;
import java.util.regex.Pattern;

/**
 * What is liked: a content type and a numeric id, as in the {@code like_records} table ({@code content_type
 * VARCHAR(20)}, {@code content_id BIGINT}).
 *
 * <p>The type is 1 to 20 characters of {@code [a-z0-9_]} starting with a letter, so it is always safe inside a Redis
 * key or a SQL literal; the id is greater than 0. Instances are immutable and compare by value. {@link #toString()}
 * gives {@code type:id}, e.g. {@code post:123}, and {@link #parse(String)} reads it back.
 *
 * @param type the content type, e.g. {@code post} or {@code comment}
 * @param id the content id, greater than 0
 */
public record ContentRef(String type, long id) {

    /** The longest content type accepted, as in the {@code content_type VARCHAR(20)} column. */
    public static final int MAX_TYPE_LENGTH = 20;

    private static final Pattern CANONICAL_ID = Pattern.compile("[1-9][0-9]{0,18}");
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,19}");
    private static final String TYPE_RULE = "1 to 20 characters of [a-z0-9_] starting with a letter";

    /**
     * Creates a reference, validating both parts.
     *
     * @param type see the record component of that name
     * @param id see the record component of that name
     * @throws NullPointerException if {@code type} is null
     * @throws IllegalArgumentException if {@code type} breaks the rule above or {@code id <= 0}
     */
    public ContentRef {
        checkType("contentType", type);
        Args.positiveId("contentId", id);
    }

    /**
     * Returns a reference to content {@code id} of {@code type}.
     *
     * @param type the content type
     * @param id the content id
     * @return the reference
     * @throws IllegalArgumentException if either part is invalid
     */
    public static ContentRef of(String type, long id) {
        return new ContentRef(type, id);
    }

    /**
     * Parses {@code type:id}, the form {@link #toString()} produces.
     *
     * @param text the text to parse
     * @return the reference
     * @throws IllegalArgumentException if {@code text} is not {@code type:id} with a valid type and id
     */
    public static ContentRef parse(String text) {
        Args.notNull("content", text);
        int colon = text.indexOf(':');
        if (colon < 0 || colon != text.lastIndexOf(':')) {
            throw new IllegalArgumentException("content must be type:id, but was " + Args.show(text));
        }
        String digits = text.substring(colon + 1);
        long id;
        try {
            if (!CANONICAL_ID.matcher(digits).matches()) {
                throw new NumberFormatException();
            }
            id = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("content id must be a positive decimal number of ASCII digits without"
                    + " sign or leading zeros, at most " + Long.MAX_VALUE + ", but was " + Args.show(text));
        }
        return new ContentRef(text.substring(0, colon), id);
    }

    /**
     * Checks a content type on its own (for filters such as "my likes of type post").
     *
     * @param argumentName the name to use in the exception message
     * @param type the type to check
     * @return {@code type}
     * @throws IllegalArgumentException if {@code type} breaks the rule
     */
    public static String checkType(String argumentName, String type) {
        return Args.matches(argumentName, type, TYPE, TYPE_RULE);
    }

    @Override
    public String toString() {
        return type + ':' + id;
    }
}
