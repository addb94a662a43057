package dev.likes.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import dev.likes.events.ConsumerStats;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.LikeEventFormatException;
import dev.likes.events.SafeText;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
/**
 * Applies a batch of deliveries to the sink and acknowledges it, on the consumer's thread: poison messages and
 * unstorable events go to the dead-letter exchange (with confirms), a failing sink is retried with backoff, and a
 * batch is abandoned unacknowledged when the connection goes or the consumer stops. Not thread-safe.
 */
final class RabbitBatches {

    private static final Logger log = LoggerFactory.getLogger(RabbitLikeConsumer.class);
    private static final int MAX_REASON = 1_000;

    private final LikeQueues queues;
    private final LikeEventSink sink;
    private final ConsumerStats stats;
    private final BooleanSupplier running;
    private final int deadLetterMaxBytes;
    private final Duration sinkTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    RabbitBatches(LikeQueues queues, LikeEventSink sink, ConsumerStats stats, BooleanSupplier running,
            int deadLetterMaxBytes, Duration sinkTimeout, Duration initialBackoff, Duration maxBackoff) {
        this.queues = queues;
        this.sink = sink;
        this.stats = stats;
        this.running = running;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
        this.sinkTimeout = sinkTimeout;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
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
     * Applies the events in order, retrying with backoff while the sink fails and splitting the batch when it holds
     * an event the sink can never store; false if the consumer stopped or the connection went first.
     */
    private boolean apply(Connection c, Channel letters, List<Arrival> batch) throws IOException {
        List<LikeEvent> events = new ArrayList<>(batch.size());
        batch.forEach(a -> events.add(Objects.requireNonNull(a.event)));
        int failures = 0;
        while (running.getAsBoolean() && c.isOpen()) {
            CompletableFuture<Void> call;
            try {
                call = sink.apply(events).toCompletableFuture();
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            Throwable failure = outcome(call);
            if (failure == null) {
                return call.isDone() && !call.isCompletedExceptionally();
            }
            UnstorableEventException unstorable = ConsumerStats.unstorable(failure);
            if (unstorable != null) {
                if (batch.size() == 1) {
                    deadLetter(letters, batch.get(0), "the sink cannot store it: " + unstorable.getMessage());
                    return true;
                }
                int half = batch.size() / 2;
                return apply(c, letters, batch.subList(0, half))
                        && apply(c, letters, batch.subList(half, batch.size()));
            }
            stats.sinkFailed();
            stats.failed(failure);
            long backoff = ConsumerStats.backoffMillis(++failures, initialBackoff, maxBackoff);
            log.warn("the sink failed a batch of {} events ({}); retrying in {} ms",
                    batch.size(), SafeText.of(failure.toString()), backoff);
            RabbitLikeConsumer.sleep(backoff);
        }
        return false;
    }

    /**
     * Waits for a sink call: null when it succeeded or the consumer stopped while waiting, else its failure. A call
     * that outlives the sink timeout counts as failed, but only once it ended: two applications of one batch never
     * run side by side.
     */
    private @Nullable Throwable outcome(CompletableFuture<Void> call) {
        try {
            call.get(sinkTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (TimeoutException e) {
            stats.sinkFailed();
            log.warn("the sink has not finished a batch after {}; waiting for it before retrying", sinkTimeout);
        }
        while (running.getAsBoolean() && !call.isDone()) {
            RabbitLikeConsumer.sleep(100);
        }
        if (!call.isDone()) {
            return null;
        }
        try {
            call.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause() == null ? e : e.getCause();
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
