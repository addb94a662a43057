package dev.likes.core.internal;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Argument checks of the library's modules: a message names the argument, the rule and the offending value, with a
 * caller's string quoted, cut short and escaped. Internal: not API, may change in any release.
 */
public final class Args {

    private static final int MAX_SHOWN = 40;

    private Args() {}

    /**
     * An id greater than 0.
     *
     * @param name the argument's name
     * @param value the argument
     * @return the argument
     */
    public static long positiveId(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be greater than 0, but was " + value);
        }
        return value;
    }

    /**
     * Not null.
     *
     * @param name the argument's name
     * @param value the argument
     * @param <T> its type
     * @return the argument
     */
    public static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    /**
     * A string of {@code pattern}.
     *
     * @param name the argument's name
     * @param value the argument
     * @param pattern what it must match, whole
     * @param rule the rule in words, for the message
     * @return the argument
     */
    public static String matches(String name, String value, Pattern pattern, String rule) {
        notNull(name, value);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be " + rule + ", but was " + show(value));
        }
        return value;
    }

    /**
     * An int from {@code min} to {@code max}.
     *
     * @param name the argument's name
     * @param value the argument
     * @param min the least it may be
     * @param max the most it may be
     * @return the argument
     */
    public static int between(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    /**
     * A duration of at least {@code min}.
     *
     * @param name the argument's name
     * @param value the argument
     * @param min the least it may be
     * @return the argument
     */
    public static Duration atLeast(String name, Duration value, Duration min) {
        notNull(name, value);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", but was " + value);
        }
        return value;
    }

    /**
     * A string of {@code regex}, e.g. a setting that becomes part of a key.
     *
     * @param name the argument's name
     * @param value the argument
     * @param regex what it must match, whole
     * @param rule the rule in words, for the message
     * @return the argument
     */
    public static String matches(String name, String value, String regex, String rule) {
        return matches(name, value, Pattern.compile(regex), rule);
    }

    /**
     * Quotes a caller-supplied string for an exception message, cut short and with control characters escaped.
     *
     * @param value the string
     * @return the quoted string
     */
    public static String show(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_SHOWN) + 16).append('"');
        int end = Math.min(value.length(), MAX_SHOWN);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (value.length() > MAX_SHOWN) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
