package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The encoding of events in the outbox. An outbox entry holds the changes one script call applied to one content:
 * a header field {@code h = "firstVersion countBefore"} and one field per change, numbered from 1 in the order they
 * were applied, whose value is the event's fixed part {@code "action timeMs userId requestId eventId"}
 * (space-separated; the request ID is empty when there is none). Change k has version {@code firstVersion + k - 1}
 * and the count after it follows from the count before and the actions (a like adds one, an unlike takes one).
 * The event ID comes last, so whatever characters a host's own event IDs use, the value still splits right.
 *
 * <p>Entries written by earlier versions are still read: one field per change whose value starts with
 * {@code "version count "}, and the first format, one event per entry in named fields.
 */
final class OutboxEvents {

    private OutboxEvents() {}

    /** The fixed part of a mutation's event, built in {@code buffer} (cleared first). */
    static String fixedPart(StringBuilder buffer, LikeMutation m) {
        buffer.setLength(0);
        buffer.append(m.action() == LikeAction.LIKE ? '1' : '0').append(' ')
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
    static List<LikeEvent> decode(ContentRef content, Map<String, String> body) {
        try {
            if (body.containsKey("e")) {
                return List.of(decodeSingle(content, body)); // an entry of the earlier one-event-per-entry format
            }
            String header = body.get("h");
            if (header == null) {
                return decodeVersioned(content, body);
            }
            String[] h = header.split(" ", 2);
            long version = Long.parseLong(h[0]) - 1;
            long count = Long.parseLong(h[1]);
            List<LikeEvent> events = new ArrayList<>(body.size() - 1);
            for (int i = 1; i < body.size(); i++) {
                String value = body.get(Integer.toString(i));
                String[] p = value == null ? null : value.split(" ", 5);
                if (p == null || p.length != 5) {
                    return null;
                }
                boolean like = "1".equals(p[0]);
                count += like ? 1 : -1;
                events.add(event(content, like, p[1], p[2], p[3], p[4], ++version, count));
            }
            return events;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** An entry of the earlier format: each field's value starts with {@code "version count "}. */
    private static List<LikeEvent> decodeVersioned(ContentRef content, Map<String, String> body) {
        List<LikeEvent> events = new ArrayList<>(body.size());
        for (int i = 1; i <= body.size(); i++) {
            String value = body.get(Integer.toString(i));
            String[] p = value == null ? null : value.split(" ", 7);
            if (p == null || p.length != 7) {
                return null;
            }
            events.add(event(content, "1".equals(p[2]), p[3], p[4], p[5], p[6], Long.parseLong(p[0]),
                    Long.parseLong(p[1])));
        }
        return events;
    }

    private static LikeEvent event(ContentRef content, boolean like, String timeMs, String userId, String requestId,
            String eventId, long version, long count) {
        return new LikeEvent(
                eventId,
                requestId.isEmpty() ? null : requestId,
                Long.parseLong(userId),
                content,
                like ? LikeAction.LIKE : LikeAction.UNLIKE,
                Instant.ofEpochMilli(Long.parseLong(timeMs)),
                version,
                count);
    }

    private static LikeEvent decodeSingle(ContentRef content, Map<String, String> body) {
        String requestId = body.get("r");
        return event(content, "1".equals(body.get("a")), body.get("t"), body.get("u"),
                requestId == null ? "" : requestId, body.get("e"), Long.parseLong(body.get("v")),
                Long.parseLong(body.get("n")));
    }
}
