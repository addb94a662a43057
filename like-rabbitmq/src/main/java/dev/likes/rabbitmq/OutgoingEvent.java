package dev.likes.rabbitmq;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** One event on its way to RabbitMQ: what is sent, and the future its confirm completes. */
final class OutgoingEvent {
    final String routingKey;
    final String eventId;
    final byte[] body;
    final CompletableFuture<Void> confirmed = new CompletableFuture<>();
    volatile long sentNanos;
    volatile @Nullable String returned;

    OutgoingEvent(String routingKey, String eventId, byte[] body) {
        this.routingKey = routingKey;
        this.eventId = eventId;
        this.body = body;
    }
}
