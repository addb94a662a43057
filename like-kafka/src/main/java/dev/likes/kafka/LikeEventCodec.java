package dev.likes.kafka;

import dev.likes.core.LikeEvent;
import java.time.Instant;

/**
 * The wire format of like events; see {@link dev.likes.events.LikeEventCodec}, which this delegates to.
 *
 * @deprecated the wire format moved to module {@code like-events}, shared by every queue module: use
 *     {@link dev.likes.events.LikeEventCodec}
 */
@Deprecated(since = "0.1.0", forRemoval = true)
public final class LikeEventCodec {

    /** The schema version this codec writes and the only one it reads. */
    public static final int VERSION = dev.likes.events.LikeEventCodec.VERSION;
    /** The earliest {@code occurredAt} read. */
    public static final Instant EARLIEST = dev.likes.events.LikeEventCodec.EARLIEST;
    /** The latest {@code occurredAt} read. */
    public static final Instant LATEST = dev.likes.events.LikeEventCodec.LATEST;

    private LikeEventCodec() {}

    /**
     * Encodes an event, as {@link dev.likes.events.LikeEventCodec#encode}.
     *
     * @param event the event
     * @return its JSON, UTF-8
     */
    public static byte[] encode(LikeEvent event) {
        return dev.likes.events.LikeEventCodec.encode(event);
    }

    /**
     * Decodes a record's value, as {@link dev.likes.events.LikeEventCodec#decode}.
     *
     * @param bytes the value
     * @return the event
     * @throws LikeEventFormatException if it is not a valid event of a known schema version
     */
    @SuppressWarnings("removal") // throws the exception kept beside it, for the hosts that catch that one
    public static LikeEvent decode(byte[] bytes) {
        try {
            return dev.likes.events.LikeEventCodec.decode(bytes);
        } catch (dev.likes.events.LikeEventFormatException e) {
            throw new LikeEventFormatException(e.getMessage() == null ? "invalid event" : e.getMessage(), e);
        }
    }
}
