package dev.likes.core;

import java.util.regex.Pattern;

/** Argument checks shared by the domain types; messages name the argument, the rule and the offending value. */
final class Args {

    private static final int MAX_SHOWN = 40;

    private Args() {}

    static long positiveId(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be greater than 0, but was " + value);
        }
        return value;
    }

    static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    static String matches(String name, String value, Pattern pattern, String rule) {
        notNull(name, value);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be " + rule + ", but was " + show(value));
        }
        return value;
    }

    static int between(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    /** Quotes a caller-supplied string for an exception message, cut short and with control characters escaped. */
    static String show(String value) {
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
