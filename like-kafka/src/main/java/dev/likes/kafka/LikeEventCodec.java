package dev.likes.kafka;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The wire format of like events: one UTF-8 JSON object per Kafka record, readable by any language and by
 * {@code kafka-console-consumer}:
 *
 * <pre>{"v":1,"eventId":"5b1c…","requestId":"click-7","userId":42,"contentType":"post","contentId":123,
 *  "action":"LIKE","occurredAt":"2026-11-28T16:06:43.123Z","version":1764345603123456,"count":17}</pre>
 *
 * <p>{@code v} is the schema version ({@value #VERSION}); a reader rejects a version it does not know rather than
 * misread it. {@code requestId} is absent when the call had none. {@code version} orders the events of one content
 * (see {@link LikeEvent}); the record key is the content, {@code type:id}. Thread-safe.
 */
public final class LikeEventCodec {

    /** The schema version this codec writes and the only one it reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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
     * Decodes a record's value.
     *
     * @param bytes the value
     * @return the event
     * @throws LikeEventFormatException if it is not a valid event of a known schema version
     */
    public static LikeEvent decode(byte[] bytes) {
        if (bytes == null) {
            throw new LikeEventFormatException("the record has no value", null);
        }
        Wire wire;
        try {
            wire = JSON.readValue(bytes, Wire.class);
        } catch (IOException e) {
            throw diagnose(bytes, e);
        }
        if (wire.v != VERSION) {
            throw new LikeEventFormatException("unknown schema version " + wire.v + " (this reader knows " + VERSION + ")", null);
        }
        try {
            return new LikeEvent(
                    wire.eventId,
                    wire.requestId,
                    wire.userId,
                    ContentRef.of(wire.contentType, wire.contentId),
                    LikeAction.valueOf(wire.action),
                    Instant.parse(wire.occurredAt),
                    wire.version,
                    wire.count);
        } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            throw new LikeEventFormatException("invalid event: " + e.getMessage(), e);
        }
    }

    /** Says why a record did not read as an event: not JSON, another schema version, or a bad field. */
    private static LikeEventFormatException diagnose(byte[] bytes, IOException failure) {
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (IOException e) {
            return new LikeEventFormatException("not JSON: " + e.getMessage(), e);
        }
        JsonNode v = tree == null ? null : tree.get("v");
        if (tree == null || !tree.isObject()) {
            return new LikeEventFormatException("not a JSON object", failure);
        }
        if (v == null || !v.canConvertToInt() || v.intValue() != VERSION) {
            return new LikeEventFormatException("unknown schema version " + v + " (this reader knows " + VERSION + ")", failure);
        }
        String detail = failure instanceof JsonProcessingException
                ? ((JsonProcessingException) failure).getOriginalMessage()
                : failure.getMessage();
        return new LikeEventFormatException("invalid event: " + detail, failure);
    }

    /** The JSON shape, field for field. */
    record Wire(
            @JsonProperty(required = true) int v,
            @JsonProperty(required = true) String eventId,
            String requestId,
            @JsonProperty(required = true) long userId,
            @JsonProperty(required = true) String contentType,
            @JsonProperty(required = true) long contentId,
            @JsonProperty(required = true) String action,
            @JsonProperty(required = true) String occurredAt,
            @JsonProperty(required = true) long version,
            @JsonProperty(required = true) long count) {}
}
