package dev.likes.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import dev.likes.core.LikeEventSink;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The settings of {@link RabbitLikeConsumer.Builder}: the topology, batches, prefetch, timeouts and the connection. Its
 * public setters are {@link RabbitLikeConsumer.Builder}'s.
 */
abstract sealed class RabbitConsumerSettings permits RabbitLikeConsumer.Builder {

    final String uri;
    final LikeEventSink sink;
    LikeQueues queues = LikeQueues.defaults();
    boolean declare = true;
    int maxBatch = RabbitLikeConsumer.DEFAULT_MAX_BATCH;
    int prefetch = RabbitLikeConsumer.DEFAULT_PREFETCH;
    int deadLetterMaxBytes = RabbitLikeConsumer.DEFAULT_DEAD_LETTER_MAX_BYTES;
    Duration sinkTimeout = Duration.ofSeconds(30);
    Duration initialBackoff = Duration.ofMillis(100);
    Duration maxBackoff = Duration.ofSeconds(10);
    Duration rebalanceInterval = RabbitLikeConsumer.DEFAULT_REBALANCE_INTERVAL;
    Consumer<ConnectionFactory> customizer = f -> {};

    RabbitConsumerSettings(String uri, LikeEventSink sink) {
        this.uri = uri;
        this.sink = sink;
    }

    /* The hierarchy is sealed down to RabbitLikeConsumer.Builder: every instance is one. */
    final RabbitLikeConsumer.Builder self() {
        return (RabbitLikeConsumer.Builder) this;
    }

    /**
     * The exchange and queues. Default {@link LikeQueues#defaults()}; publishers must use the same.
     *
     * @param queues the topology
     * @return this builder
     */
    public RabbitLikeConsumer.Builder queues(LikeQueues queues) {
        this.queues = Objects.requireNonNull(queues, "queues must not be null");
        return self();
    }

    /**
     * Whether to declare the topology on every connect (idempotent). Default true.
     *
     * @param declare whether to declare
     * @return this builder
     */
    public RabbitLikeConsumer.Builder declareTopology(boolean declare) {
        this.declare = declare;
        return self();
    }

    /**
     * Events per sink call at most. Default {@link RabbitLikeConsumer#DEFAULT_MAX_BATCH}.
     *
     * @param max at least 1
     * @return this builder
     */
    public RabbitLikeConsumer.Builder maxBatch(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, but was " + max);
        }
        this.maxBatch = max;
        return self();
    }

    /**
     * Messages per queue delivered and not yet acknowledged at most ({@code basic.qos}). Default
     * {@link RabbitLikeConsumer#DEFAULT_PREFETCH}.
     *
     * @param prefetch 1 to 65535
     * @return this builder
     */
    public RabbitLikeConsumer.Builder prefetch(int prefetch) {
        if (prefetch < 1 || prefetch > 65_535) {
            throw new IllegalArgumentException("prefetch must be between 1 and 65535, but was " + prefetch);
        }
        this.prefetch = prefetch;
        return self();
    }

    /**
     * How long one sink call may take before it counts as failed (it is awaited, then retried). Default 30 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public RabbitLikeConsumer.Builder sinkTimeout(Duration timeout) {
        this.sinkTimeout = positive(timeout, "sinkTimeout");
        return self();
    }

    /**
     * The backoff between tries while the sink or the broker fails: from {@code initial}, doubling, capped at
     * {@code max}, jittered. Default 100 ms to 10 s (reconnects cap at 2 s).
     *
     * @param initial positive
     * @param max at least {@code initial}
     * @return this builder
     */
    public RabbitLikeConsumer.Builder backoff(Duration initial, Duration max) {
        positive(initial, "initial backoff");
        positive(max, "max backoff");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff must be at least the initial one, but was " + max
                    + " < " + initial);
        }
        this.initialBackoff = initial;
        this.maxBackoff = max;
        return self();
    }

    /**
     * How often the consumer counts the consumers sharing its queues, hands a queue over when it holds more than its
     * share, and measures the backlog. Default {@link RabbitLikeConsumer#DEFAULT_REBALANCE_INTERVAL}.
     *
     * @param interval positive
     * @return this builder
     */
    public RabbitLikeConsumer.Builder rebalanceInterval(Duration interval) {
        this.rebalanceInterval = positive(interval, "rebalanceInterval");
        return self();
    }

    /**
     * The most bytes of a body a dead letter keeps. Default {@link RabbitLikeConsumer#DEFAULT_DEAD_LETTER_MAX_BYTES}.
     *
     * @param max at least 1
     * @return this builder
     */
    public RabbitLikeConsumer.Builder deadLetterMaxBytes(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("deadLetterMaxBytes must be at least 1, but was " + max);
        }
        this.deadLetterMaxBytes = max;
        return self();
    }

    /**
     * Adjusts the connection factory (TLS, credentials provider, timeouts) after the consumer's defaults:
     * connection timeout 5 s, heartbeat 5 s, RPC timeout 10 s. Automatic recovery stays off: the consumer
     * reconnects itself.
     *
     * @param customizer called once, on {@link RabbitLikeConsumer.Builder#build()}
     * @return this builder
     */
    public RabbitLikeConsumer.Builder configureConnection(Consumer<ConnectionFactory> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer must not be null");
        return self();
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
        return value;
    }
}
