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
 * one field per change, numbered from 1 in the order they were applied, whose value is
 * {@code "version count action timeMs userId requestId eventId"} (space-separated; the request ID is empty when there
 * is none). The apply script writes the first two values; the rest, the event's fixed part, comes from the client.
 * The event ID comes last, so whatever characters a host's own event IDs use, the value still splits right.
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
            List<LikeEvent> events = new ArrayList<>(body.size());
            for (int i = 1; i <= body.size(); i++) {
                String value = body.get(Integer.toString(i));
                if (value == null) {
                    return null;
                }
                String[] p = value.split(" ", 7);
                if (p.length != 7) {
                    return null;
                }
                events.add(new LikeEvent(
                        p[6],
                        p[5].isEmpty() ? null : p[5],
                        Long.parseLong(p[4]),
                        content,
                        "1".equals(p[2]) ? LikeAction.LIKE : LikeAction.UNLIKE,
                        Instant.ofEpochMilli(Long.parseLong(p[3])),
                        Long.parseLong(p[0]),
                        Long.parseLong(p[1])));
            }
            return events;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static LikeEvent decodeSingle(ContentRef content, Map<String, String> body) {
        String requestId = body.get("r");
        return new LikeEvent(
                body.get("e"),
                requestId == null || requestId.isEmpty() ? null : requestId,
                Long.parseLong(body.get("u")),
                content,
                "1".equals(body.get("a")) ? LikeAction.LIKE : LikeAction.UNLIKE,
                Instant.ofEpochMilli(Long.parseLong(body.get("t"))),
                Long.parseLong(body.get("v")),
                Long.parseLong(body.get("n")));
    }
}
