package dev.likes.rabbitmq;

import com.rabbitmq.client.AMQP;
import dev.likes.core.LikeEvent;
import org.jspecify.annotations.Nullable;

/** A delivered message and, once decoded, its event. */
final class Arrival {
    final Subscription sub;
    final long tag;
    final byte[] body;
    final @Nullable String messageId;
    /** The properties of a marker of {@link LikeQueues#awaitConsumed}; null for an event. */
    final AMQP.@Nullable BasicProperties marker;
    @Nullable LikeEvent event;

    Arrival(Subscription sub, long tag, byte[] body, @Nullable String messageId,
            AMQP.@Nullable BasicProperties marker) {
        this.sub = sub;
        this.tag = tag;
        this.body = body;
        this.messageId = messageId;
        this.marker = marker;
    }
}
