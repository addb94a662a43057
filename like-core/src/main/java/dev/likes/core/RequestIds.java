package dev.likes.core;

import dev.likes.core.internal.Args;
import java.util.regex.Pattern;

/**
 * The rule for client request IDs: 1 to 64 characters of {@code [A-Za-z0-9_-]} (a UUID fits), so an ID is safe inside
 * a Redis key or a SQL literal.
 */
public final class RequestIds {

    /** The longest request ID accepted. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern RULE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private RequestIds() {}

    /**
     * Checks a request ID.
     *
     * @param requestId the ID to check
     * @return {@code requestId}
     * @throws NullPointerException if {@code requestId} is null
     * @throws IllegalArgumentException if it breaks the rule
     */
    public static String check(String requestId) {
        return Args.matches("requestId", requestId, RULE, "1 to 64 characters of [A-Za-z0-9_-]");
    }
}
