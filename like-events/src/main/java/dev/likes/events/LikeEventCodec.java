package dev.likes.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.RequestIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The wire format of like events: one UTF-8 JSON object per Kafka record or RabbitMQ message, readable by any
 * language and by the brokers' own console tools:
 *
 * <pre>{"v":1,"eventId":"5b1c…","requestId":"click-7","userId":42,"contentType":"post","contentId":123,
 *  "action":"LIKE","occurredAt":"2026-11-28T16:06:43.123Z","version":1764345603123456,"count":17}</pre>
 *
 * <p>{@code v} is the schema version ({@value #VERSION}); a reader rejects a version it does not know rather than
 * misread it. {@code requestId} is absent when the call had none. {@code version} orders the events of one content
 * (see {@link LikeEvent}); the record key (Kafka) or routing key (RabbitMQ) is the content, {@code type:id}.
 * Thread-safe.
 */
public final class LikeEventCodec {

    /** The schema version this codec writes and the only one it reads. */
    public static final int VERSION = 1;

    /** The earliest {@code occurredAt} read: the first instant a SQL {@code DATETIME} holds. */
    public static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    /** The latest {@code occurredAt} read: the last millisecond a SQL {@code DATETIME(3)} holds. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> FIELDS = Set.of(
            "v", "eventId", "requestId", "userId", "contentType", "contentId", "action", "occurredAt", "version", "count");
    private static final Pattern EVENT_ID = Pattern.compile("[!-~]{1,64}");

    private LikeEventCodec() {}

    /**
     * Encodes an event.
     *
     * @param event the event
     * @return its JSON, UTF-8
     */
    public static byte[] encode(LikeEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("v", VERSION);
            json.writeStringField("eventId", event.eventId());
            if (event.requestId() != null) {
                json.writeStringField("requestId", event.requestId());
            }
            json.writeNumberField("userId", event.userId());
            json.writeStringField("contentType", event.content().type());
            json.writeNumberField("contentId", event.content().id());
            json.writeStringField("action", event.action().name());
            json.writeStringField("occurredAt", event.occurredAt().toString());
            json.writeNumberField("version", event.version());
            json.writeNumberField("count", event.count());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + event.eventId(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a record's value. Strict: the value must be one JSON object with exactly the fields above, each once;
     * numbers must be JSON integers within a {@code long} (not strings, not fractions), {@code v} must be
     * {@value #VERSION}, {@code requestId} must follow {@link RequestIds}, {@code eventId} must be 1 to 64 printable
     * ASCII characters without spaces, and {@code occurredAt} must lie between {@link #EARLIEST} and {@link #LATEST}
     * (what a SQL {@code DATETIME} can store).
     *
     * @param bytes the value
     * @return the event
     * @throws LikeEventFormatException if it is not a valid event of a known schema version; the message names the
     *     field and the rule and quotes no more than a short, escaped piece of the record
     */
    public static LikeEvent decode(byte[] bytes) {
        if (bytes == null) {
            throw new LikeEventFormatException("the record has no value", null);
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
            throw new LikeEventFormatException("not JSON: " + SafeText.of(detail), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new LikeEventFormatException("not a JSON object", null);
        }
        JsonNode v = tree.get("v");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != VERSION) {
            throw new LikeEventFormatException("unknown schema version " + (v == null ? "(none)" : SafeText.of(v.toString()))
                    + " (this reader knows " + VERSION + ")", null);
        }
        for (var names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new LikeEventFormatException("invalid event: unknown field " + SafeText.of(name), null);
            }
        }
        try {
            String eventId = text(tree, "eventId");
            if (!EVENT_ID.matcher(eventId).matches()) {
                throw new LikeEventFormatException(
                        "invalid event: eventId must be 1 to 64 printable ASCII characters without spaces, but was "
                                + SafeText.of(eventId), null);
            }
            JsonNode requestNode = tree.get("requestId");
            String requestId = requestNode == null || requestNode.isNull() ? null : RequestIds.check(text(tree, "requestId"));
            Instant occurredAt = Instant.parse(text(tree, "occurredAt"));
            if (occurredAt.isBefore(EARLIEST) || occurredAt.isAfter(LATEST)) {
                throw new LikeEventFormatException("invalid event: occurredAt must be between " + EARLIEST + " and "
                        + LATEST + ", but was " + occurredAt, null);
            }
            return new LikeEvent(
                    eventId,
                    requestId,
                    integer(tree, "userId"),
                    ContentRef.of(text(tree, "contentType"), integer(tree, "contentId")),
                    LikeAction.valueOf(text(tree, "action")),
                    occurredAt,
                    integer(tree, "version"),
                    integer(tree, "count"));
        } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
            throw new LikeEventFormatException("invalid event: " + SafeText.of(e.getMessage()), e);
        }
    }

    private static String text(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (node == null || !node.isTextual()) {
            throw new LikeEventFormatException("invalid event: " + field + " must be a JSON string, but was "
                    + (node == null ? "missing" : SafeText.of(node.toString())), null);
        }
        return node.textValue();
    }

    private static long integer(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new LikeEventFormatException("invalid event: " + field + " must be a JSON integer within a long, but was "
                    + (node == null ? "missing" : SafeText.of(node.toString())), null);
        }
        return node.longValue();
    }
}
