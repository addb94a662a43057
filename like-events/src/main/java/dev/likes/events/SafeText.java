package dev.likes.events;

import org.jspecify.annotations.Nullable;

/**
 * Makes text that came with a record safe for a log line or a header: cut short, control and non-ASCII characters
 * escaped. Thread-safe.
 */
public final class SafeText {

    /** The most characters of record text shown. */
    public static final int MAX = 120;

    private SafeText() {}

    /**
     * Escapes and cuts {@code value}.
     *
     * @param value any text, or null
     * @return at most {@value #MAX} characters of it, each one outside printable ASCII (and the backslash) written as
     *     a Java unicode escape, then the full length when it was cut; {@code "null"} for null
     */
    public static String of(@Nullable String value) {
        if (value == null) {
            return "null";
        }
        int end = Math.min(value.length(), MAX);
        StringBuilder out = new StringBuilder(end + 24);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > MAX) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
