package dev.likes.kafka;

import org.jspecify.annotations.Nullable;

/** Makes text from a record safe for a log line or a header: cut short, control and non-ASCII characters escaped. */
final class Show {

    /** The most characters of record text shown. */
    static final int MAX = 120;

    private Show() {}

    static String text(@Nullable String value) {
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
