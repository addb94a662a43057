package dev.likes.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.events.BatchApplier;
import dev.likes.events.BatchApplier.Deliveries;
import dev.likes.events.ConsumerStats;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.LikeEventFormatException;
import dev.likes.events.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of deliveries to the sink and acknowledges it, on the consumer's thread: poison messages and
 * unstorable events go to the dead-letter exchange (with confirms), a failing sink is retried with backoff, and a
 * batch is abandoned unacknowledged when the connection goes or the consumer stops. Not thread-safe.
 */
final class RabbitBatches {

    private static final Logger log = LoggerFactory.getLogger(RabbitBatches.class);
    private static final int MAX_REASON = 1_000;

    private final LikeQueues queues;
    private final LikeEventSink sink;
    private final ConsumerStats stats;
    private final BooleanSupplier running;
    private final int deadLetterMaxBytes;
    private final Duration sinkTimeout;
    private final IntToLongFunction backoff;

    RabbitBatches(LikeQueues queues, LikeEventSink sink, ConsumerStats stats, BooleanSupplier running,
            int deadLetterMaxBytes, Duration sinkTimeout, IntToLongFunction backoff) {
        this.queues = queues;
        this.sink = sink;
        this.stats = stats;
        this.running = running;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
        this.sinkTimeout = sinkTimeout;
        this.backoff = backoff;
    }

    /** Decodes, dead-letters poison, applies and acknowledges; false if the batch was abandoned. */
    boolean process(Connection c, Channel letters, List<Arrival> batch) throws IOException {
        List<Arrival> events = new ArrayList<>(batch.size());
        List<AMQP.BasicProperties> markers = new ArrayList<>();
        for (Arrival arrival : batch) {
            if (arrival.marker != null) {
                markers.add(arrival.marker);
                continue;
            }
            try {
                arrival.event = LikeEventCodec.decode(arrival.body);
                events.add(arrival);
            } catch (LikeEventFormatException e) {
                deadLetter(letters, arrival, e.getMessage());
            }
        }
        if (!events.isEmpty() && !apply(c, letters, events)) {
            return false;
        }
        Map<Subscription, Long> last = new LinkedHashMap<>();
        for (Arrival arrival : batch) {
            last.merge(arrival.sub, arrival.tag, Math::max);
        }
        for (Map.Entry<Subscription, Long> entry : last.entrySet()) {
            entry.getKey().channel.basicAck(entry.getValue(), true);
        }
        stats.applied(events.size());
        for (AMQP.BasicProperties marker : markers) {
            answer(letters, marker);
        }
        return true;
    }

    /**
     * Applies the events in order through {@link BatchApplier}; false if the consumer stopped or the connection went
     * first.
     */
    private boolean apply(Connection c, Channel letters, List<Arrival> batch) throws IOException {
        BatchApplier<Arrival> applier = new BatchApplier<>(sink, stats, sinkTimeout, backoff, new Deliveries<>() {
            @Override
            public LikeEvent event(Arrival delivery) {
                return Objects.requireNonNull(delivery.event);
            }

            @Override
            public boolean live() {
                return running.getAsBoolean() && c.isOpen();
            }

            @Override
            public void pause(long millis) {
                ConsumerStats.pause(millis);
            }

            @Override
            public boolean deadLetter(Arrival delivery, String reason) {
                try {
                    RabbitBatches.this.deadLetter(letters, delivery, reason);
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        try {
            return applier.apply(batch);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Tells whoever sent a marker that everything before it in its queue is applied. */
    private static void answer(Channel channel, AMQP.BasicProperties marker) throws IOException {
        String replyTo = marker.getReplyTo();
        if (replyTo != null && !replyTo.isEmpty()) {
            channel.basicPublish("", replyTo, new AMQP.BasicProperties.Builder()
                    .correlationId(marker.getCorrelationId()).deliveryMode(1).build(), new byte[0]);
        }
    }

    /** Publishes a message to the dead-letter exchange and waits for its confirm; throws if it was not confirmed. */
    private void deadLetter(Channel letters, Arrival arrival, @Nullable String why) throws IOException {
        String source = arrival.sub.queue + '#' + (arrival.messageId == null ? "?" : SafeText.of(arrival.messageId));
        String reason = why == null ? "" : SafeText.of(why.length() > MAX_REASON ? why.substring(0, MAX_REASON) : why);
        byte[] body = arrival.body;
        Map<String, Object> headers = new HashMap<>();
        headers.put("like.dlq.reason", reason);
        headers.put("like.dlq.source", source);
        if (body.length > deadLetterMaxBytes) {
            headers.put("like.dlq.original.size", body.length);
            body = Arrays.copyOf(body, deadLetterMaxBytes);
        }
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .deliveryMode(2).messageId(arrival.messageId).headers(headers).build();
        letters.basicPublish(queues.deadLetterExchange(), "", props, body);
        try {
            letters.waitForConfirmsOrDie(sinkTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while dead-lettering " + source, e);
        } catch (TimeoutException e) {
            throw new IOException("RabbitMQ did not confirm the dead letter of " + source + " in " + sinkTimeout, e);
        }
        stats.deadLettered();
        log.warn("message {} set aside ({}): sent to {}", source, reason, queues.deadLetterExchange());
    }
}
