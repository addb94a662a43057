package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The encoding of events in a shard's outbox. An entry holds one script call: field {@code o}, one line per mutation
 * of the call, {@code "type:id action timeMs userId requestId eventId"} (space-separated; the request ID is empty when
 * there is none; in the event ID a backslash and a line break are escaped as {@code \\} and {@code \n}); field
 * {@code a}, one character per mutation, {@code 1} when it applied a change; field {@code h}, one line
 * {@code "type:id firstVersion countBefore"} per content with changes. The k-th change of a content in an entry has
 * version {@code firstVersion + k - 1}, and the count after it follows from the count before and the actions (a like
 * adds one, an unlike takes one). The lines are built here and written by the script as they are, so the script does
 * no string work per event.
 */
final class OutboxEvents {

    private OutboxEvents() {}

    /** The {@code o} field of a batch: one line per mutation. */
    static String lines(List<LikeMutation> batch) {
        StringBuilder out = new StringBuilder(batch.size() * 96);
        for (LikeMutation m : batch) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(m.content().type()).append(':').append(m.content().id()).append(' ')
                    .append(m.action() == LikeAction.LIKE ? '1' : '0').append(' ')
                    .append(m.at().toEpochMilli()).append(' ')
                    .append(m.userId()).append(' ')
                    .append(m.requestId() == null ? "" : m.requestId()).append(' ');
            String id = m.eventId();
            if (id.indexOf('\n') < 0 && id.indexOf('\\') < 0) {
                out.append(id);
            } else {
                out.append(id.replace("\\", "\\\\").replace("\n", "\\n"));
            }
        }
        return out.toString();
    }

    /**
     * The events of one outbox entry, in the order they were applied.
     *
     * @return the events, or null if the entry is malformed
     */
    static @Nullable List<LikeEvent> decode(Map<String, String> body) {
        try {
            String marks = body.get("a");
            String applied = body.get("o");
            String headers = body.get("h");
            if (marks == null || applied == null || headers == null) {
                return null;
            }
            String[] lines = applied.split("\n", -1);
            if (lines.length != marks.length()) {
                return null;
            }
            Map<String, long[]> contents = new HashMap<>();
            for (String header : headers.split("\n")) {
                String[] h = header.split(" ", 3);
                // {next version, count so far}
                contents.put(h[0], new long[] {Long.parseLong(h[1]), Long.parseLong(h[2])});
            }
            List<LikeEvent> events = new ArrayList<>();
            for (int k = 0; k < lines.length; k++) {
                if (marks.charAt(k) != '1') {
                    continue;
                }
                String[] p = lines[k].split(" ", 6);
                long[] state = p.length == 6 ? contents.get(p[0]) : null;
                if (state == null) {
                    return null;
                }
                boolean like = "1".equals(p[1]);
                state[1] += like ? 1 : -1;
                long version = state[0]++;
                events.add(new LikeEvent(
                        p[5].indexOf('\\') < 0 ? p[5] : unescape(p[5]),
                        p[4].isEmpty() ? null : p[4],
                        Long.parseLong(p[3]),
                        ContentRef.parse(p[0]),
                        like ? LikeAction.LIKE : LikeAction.UNLIKE,
                        Instant.ofEpochMilli(Long.parseLong(p[2])),
                        version,
                        state[1]));
            }
            return events;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String unescape(String id) {
        StringBuilder out = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            if (ch == '\\' && i + 1 < id.length()) {
                char next = id.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** How many events an entry holds. */
    static int size(Map<String, String> body) {
        String marks = body.getOrDefault("a", "");
        int n = 0;
        for (int i = 0; i < marks.length(); i++) {
            if (marks.charAt(i) == '1') {
                n++;
            }
        }
        return n;
    }
}
