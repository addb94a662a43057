package dev.likes.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import dev.likes.events.SafeText;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection and its confirm channel, with the events sent on it that wait for their confirm. Confirm sequence
 * numbers belong to a channel, so a new connection is a new link with a map of its own.
 */
final class ConfirmLink {

    private static final Logger log = LoggerFactory.getLogger(ConfirmLink.class);
    private static final String SEQ_HEADER = "like.seq";

    final Connection connection;
    final Channel channel;
    private final String exchange;
    private final long confirmTimeoutNanos;
    private final BooleanSupplier closing;
    private final ConcurrentNavigableMap<Long, OutgoingEvent> unconfirmed = new ConcurrentSkipListMap<>();

    /** Listens to {@code channel}, in confirm mode, for confirms, returns and its end. */
    ConfirmLink(Connection connection, Channel channel, String exchange, long confirmTimeoutNanos,
            BooleanSupplier closing) {
        this.connection = connection;
        this.channel = channel;
        this.exchange = exchange;
        this.confirmTimeoutNanos = confirmTimeoutNanos;
        this.closing = closing;
        channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, null),
                (tag, multiple) -> settle(tag, multiple, "the broker refused the event (basic.nack)"));
        channel.addReturnListener(this::returned);
        channel.addShutdownListener(this::lost); // also told when the connection goes
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    void publish(OutgoingEvent send) throws IOException {
        long seq = channel.getNextPublishSeqNo();
        send.sentNanos = System.nanoTime();
        unconfirmed.put(seq, send);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(send.eventId)
                .headers(Map.of(SEQ_HEADER, seq))
                .build();
        channel.basicPublish(exchange, send.routingKey, true, props, send.body);
    }

    private void returned(Return r) {
        Object seq = r.getProperties().getHeaders() == null ? null : r.getProperties().getHeaders().get(SEQ_HEADER);
        if (seq instanceof Number n) {
            OutgoingEvent send = unconfirmed.get(n.longValue());
            if (send != null) {
                send.returned = r.getReplyCode() + " " + r.getReplyText();
            }
        }
    }

    private void settle(long tag, boolean multiple, @Nullable String refused) {
        if (multiple) {
            ConcurrentNavigableMap<Long, OutgoingEvent> upTo = unconfirmed.headMap(tag, true);
            upTo.values().forEach(send -> complete(send, refused));
            upTo.clear();
        } else {
            OutgoingEvent send = unconfirmed.remove(tag);
            if (send != null) {
                complete(send, refused);
            }
        }
    }

    private void complete(OutgoingEvent send, @Nullable String refused) {
        String returned = send.returned;
        if (refused != null) {
            send.confirmed.completeExceptionally(new IOException(refused + ": event " + send.eventId));
        } else if (returned != null) {
            send.confirmed.completeExceptionally(new IOException("RabbitMQ could not route event " + send.eventId
                    + " (" + SafeText.of(returned) + "): is exchange " + exchange + " bound to its queues?"));
        } else {
            send.confirmed.complete(null);
        }
    }

    private void lost(ShutdownSignalException cause) {
        failAll(cause.isInitiatedByApplication() && closing.getAsBoolean()
                ? new IOException("the publisher closed before RabbitMQ confirmed the event")
                : new IOException("the connection to RabbitMQ failed before it confirmed the event: "
                        + SafeText.of(cause.getMessage()), cause));
    }

    private void failAll(Exception why) {
        for (Long seq : unconfirmed.keySet()) {
            OutgoingEvent send = unconfirmed.remove(seq);
            if (send != null) {
                send.confirmed.completeExceptionally(why);
            }
        }
    }

    void expire(long now) {
        var oldest = unconfirmed.firstEntry();
        if (oldest == null || now - oldest.getValue().sentNanos < confirmTimeoutNanos) {
            return;
        }
        log.warn("RabbitMQ has not confirmed an event in {} ms: dropping the connection",
                TimeUnit.NANOSECONDS.toMillis(confirmTimeoutNanos));
        TimeoutException timeout = new TimeoutException("RabbitMQ did not confirm the event within "
                + TimeUnit.NANOSECONDS.toMillis(confirmTimeoutNanos) + " ms");
        failAll(timeout);
        abort(timeout);
    }

    void abort(Exception why) {
        log.debug("aborting the publisher's connection: {}", why.toString());
        connection.abort(1_000);
    }

    void closeAfterConfirms(Duration timeout) {
        try {
            if (channel.isOpen()) {
                channel.waitForConfirms(timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | RuntimeException e) {
            log.warn("closing the RabbitMQ publisher with events not yet confirmed: they fail");
        }
        try {
            if (connection.isOpen()) {
                connection.close(5_000);
            }
        } catch (IOException | RuntimeException e) {
            connection.abort(1_000);
        }
    }
}
