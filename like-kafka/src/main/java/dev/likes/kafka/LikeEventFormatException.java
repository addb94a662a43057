package dev.likes.kafka;

import org.jspecify.annotations.Nullable;

/**
 * A record is not a like event this library can read. Thrown by the deprecated {@link LikeEventCodec#decode}.
 *
 * @deprecated the wire format moved to module {@code like-events}: catch
 *     {@link dev.likes.events.LikeEventFormatException}, which this extends
 */
@Deprecated(since = "0.1.0", forRemoval = true)
public class LikeEventFormatException extends dev.likes.events.LikeEventFormatException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the record
     * @param cause the underlying failure, or {@code null}
     */
    public LikeEventFormatException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
