package dev.likes.kafka;

import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEvent;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.PendingSends;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EventPublisher} that sends every like event to a Kafka topic.
 *
 * <p><b>Key and order.</b> The record key is the content ({@code type:id}), so all events of a content, and therefore
 * of every (user, content), go to one partition in the order they were published; a hot post's events stay together
 * and a consumer can apply them in order. (Keying by user would spread a hot post over all partitions and order
 * nothing per content.) The value is {@link LikeEventCodec}'s JSON.
 *
 * <p><b>Delivery.</b> Safe producer settings by default: idempotence on, {@code acks=all}, {@code lz4} compression,
 * {@code linger.ms=5} and 64 KiB batches for throughput, {@code max.block.ms=10000}; {@link Builder#producerProperty}
 * overrides any of them.
 * {@link #publish} never blocks its caller (which may be an I/O thread): the send runs on the publisher's own thread,
 * and the returned stage completes when the broker acknowledged the record, or fails with the producer's error
 * (broker down longer than {@code delivery.timeout.ms}; no metadata for the topic within {@code max.block.ms}, which
 * also fails the sends queued behind it at once; record too large, ...) or with a
 * {@link RejectedExecutionException} when more than {@link Builder#maxPending} sends wait. A failure always reaches
 * the caller; nothing is only logged.
 *
 * <p>Thread-safe. {@link #close()} flushes what was accepted and closes the producer if this publisher created it.
 */
public final class KafkaEventPublisher implements EventPublisher {

    /** The topic unless configured. */
    public static final String DEFAULT_TOPIC = "like-events";
    /** How many sends may wait for the publisher's thread unless configured. */
    public static final int DEFAULT_MAX_PENDING = 100_000;

    private final Producer<String, byte[]> producer;
    private final boolean ownsProducer;
    private final String topic;
    private final PendingSends<Send> sends;

    private KafkaEventPublisher(Builder builder) {
        this.topic = builder.topic;
        if (builder.producer != null) {
            this.producer = builder.producer;
            this.ownsProducer = false;
        } else {
            this.producer = new KafkaProducer<>(builder.config(), new StringSerializer(), new ByteArraySerializer());
            this.ownsProducer = true;
        }
        this.sends = new PendingSends<>("like-kafka-publisher-" + builder.topic, "Kafka", builder.maxPending,
                this::send);
    }

    /**
     * A publisher that creates its own producer for {@code bootstrapServers}.
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @return the builder
     */
    public static Builder builder(String bootstrapServers) {
        Builder builder = new Builder(null);
        builder.properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(
                bootstrapServers, "bootstrapServers must not be null"));
        return builder;
    }

    /**
     * A publisher over a producer the host owns (and closes); its settings are the host's.
     *
     * @param producer a producer with string keys and byte-array values
     * @return the builder
     */
    public static Builder builder(Producer<String, byte[]> producer) {
        return new Builder(Objects.requireNonNull(producer, "producer must not be null"));
    }

    @Override
    public CompletionStage<Void> publish(LikeEvent event) {
        Send send = new Send(new ProducerRecord<>(topic, event.content().toString(), LikeEventCodec.encode(event)));
        RuntimeException refused = sends.offer(send);
        return refused == null ? send.acknowledged : CompletableFuture.failedFuture(refused);
    }

    /**
     * Hands one record to the producer, on the publisher's thread. {@code KafkaProducer.send} may block (metadata
     * unknown, buffer full); there that never holds up a caller.
     */
    private void send(Send send) {
        Throwable[] refusedAtOnce = new Throwable[1];
        try {
            producer.send(send.record, (metadata, failure) -> {
                if (failure != null) {
                    if (sends.onSenderThread()) {
                        refusedAtOnce[0] = failure; // refused inside send(): no metadata within max.block.ms, ...
                    }
                    send.acknowledged.completeExceptionally(failure);
                } else {
                    send.acknowledged.complete(null);
                }
            });
        } catch (RuntimeException e) {
            refusedAtOnce[0] = e;
            send.acknowledged.completeExceptionally(e);
        }
        Throwable refused = refusedAtOnce[0];
        if (refused instanceof TimeoutException) {
            // the broker is unreachable, and every queued send would wait as long again, one after the other:
            // fail them now instead
            sends.drain(queued -> queued.acknowledged.completeExceptionally(refused));
        }
    }

    /**
     * Sends what was accepted, waits for the acknowledgements (at most about a minute in all: the sender thread, then
     * the producer), and closes what this publisher opened.
     */
    @Override
    public void close() {
        sends.close(Duration.ofSeconds(30));
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(30)); // sends what is buffered, waiting at most this long
            return;
        }
        // a producer the host owns stays open; flush it, but never wait longer than close promises
        Thread flusher = new Thread(producer::flush, "like-kafka-publisher-flush");
        flusher.setDaemon(true);
        flusher.start();
        try {
            flusher.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Send {
        final ProducerRecord<String, byte[]> record;
        final CompletableFuture<Void> acknowledged = new CompletableFuture<>();

        Send(ProducerRecord<String, byte[]> record) {
            this.record = record;
        }
    }

    /** Configures a {@link KafkaEventPublisher}. Not thread-safe. */
    public static final class Builder extends KafkaPublisherSettings {

        private Builder(@Nullable Producer<String, byte[]> producer) {
            super(producer);
        }

        /**
         * Builds the publisher (and its producer, unless the host passed one).
         *
         * @return the publisher
         */
        public KafkaEventPublisher build() {
            return new KafkaEventPublisher(this);
        }
    }
}
