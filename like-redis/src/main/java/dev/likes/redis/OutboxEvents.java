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

/**
 * The encoding of events in a shard's outbox. An entry holds the changes one script call applied to the contents of
 * its shard: one field per content with changes, named by the content ({@code type:id}), whose value is
 * {@code "firstVersion countBefore"}, and one field per change, numbered from 1 in the order they were applied, whose
 * value is the event's fixed part {@code "type:id action timeMs userId requestId eventId"} (space-separated; the
 * request ID is empty when there is none). The k-th change of a content in an entry has version
 * {@code firstVersion + k - 1}, and the count after it follows from the count before and the actions (a like adds
 * one, an unlike takes one). The event ID comes last, so whatever characters a host's own event IDs use, the value
 * still splits right.
 */
final class OutboxEvents {

    private OutboxEvents() {}

    /** The fixed part of a mutation's event, built in {@code buffer} (cleared first). */
    static String fixedPart(StringBuilder buffer, LikeMutation m) {
        buffer.setLength(0);
        buffer.append(m.content().type()).append(':').append(m.content().id()).append(' ')
                .append(m.action() == LikeAction.LIKE ? '1' : '0').append(' ')
                .append(m.at().toEpochMilli()).append(' ')
                .append(m.userId()).append(' ')
                .append(m.requestId() == null ? "" : m.requestId()).append(' ')
                .append(m.eventId());
        return buffer.toString();
    }

    /**
     * The events of one outbox entry, in the order they were applied.
     *
     * @return the events, or null if the entry is malformed
     */
    static List<LikeEvent> decode(Map<String, String> body) {
        try {
            Map<String, long[]> contents = new HashMap<>();
            int changes = 0;
            for (Map.Entry<String, String> field : body.entrySet()) {
                if (field.getKey().indexOf(':') > 0) {
                    String[] h = field.getValue().split(" ", 2);
                    // {next version, count so far}
                    contents.put(field.getKey(), new long[] {Long.parseLong(h[0]), Long.parseLong(h[1])});
                } else {
                    changes++;
                }
            }
            List<LikeEvent> events = new ArrayList<>(changes);
            for (int k = 1; k <= changes; k++) {
                String value = body.get(Integer.toString(k));
                String[] p = value == null ? null : value.split(" ", 6);
                if (p == null || p.length != 6) {
                    return null;
                }
                long[] state = contents.get(p[0]);
                if (state == null) {
                    return null;
                }
                boolean like = "1".equals(p[1]);
                state[1] += like ? 1 : -1;
                long version = state[0]++;
                events.add(new LikeEvent(
                        p[5],
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

    /** How many events an entry holds: its numbered fields. */
    static int size(Map<String, String> body) {
        int n = 0;
        for (String field : body.keySet()) {
            if (field.indexOf(':') < 0) {
                n++;
            }
        }
        return n;
    }
}
