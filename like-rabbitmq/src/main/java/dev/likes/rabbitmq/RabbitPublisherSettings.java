package dev.likes.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The settings of {@link RabbitEventPublisher.Builder}: the topology, the confirm timeout, the pending bound and the
 * connection. Its public setters are {@link RabbitEventPublisher.Builder}'s.
 */
abstract sealed class RabbitPublisherSettings permits RabbitEventPublisher.Builder {

    final String uri;
    LikeQueues queues = LikeQueues.defaults();
    boolean declare = true;
    Duration confirmTimeout = RabbitEventPublisher.DEFAULT_CONFIRM_TIMEOUT;
    int maxPending = RabbitEventPublisher.DEFAULT_MAX_PENDING;
    Consumer<ConnectionFactory> customizer = f -> {};

    RabbitPublisherSettings(String uri) {
        this.uri = uri;
    }

    /* The hierarchy is sealed down to RabbitEventPublisher.Builder: every instance is one. */
    final RabbitEventPublisher.Builder self() {
        return (RabbitEventPublisher.Builder) this;
    }

    /**
     * The exchange and queues. Default {@link LikeQueues#defaults()}; consumers must use the same.
     *
     * @param queues the topology
     * @return this builder
     */
    public RabbitEventPublisher.Builder queues(LikeQueues queues) {
        this.queues = Objects.requireNonNull(queues, "queues must not be null");
        return self();
    }

    /**
     * Whether to declare the topology on every connect (idempotent). Default true; turn it off when the broker's
     * operators declare it and the publisher's user may not.
     *
     * @param declare whether to declare
     * @return this builder
     */
    public RabbitEventPublisher.Builder declareTopology(boolean declare) {
        this.declare = declare;
        return self();
    }

    /**
     * How long a sent event may wait for the broker's confirm before it fails. Default
     * {@link RabbitEventPublisher#DEFAULT_CONFIRM_TIMEOUT}.
     *
     * @param timeout positive
     * @return this builder
     */
    public RabbitEventPublisher.Builder confirmTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("confirmTimeout must be positive, but was " + timeout);
        }
        this.confirmTimeout = timeout;
        return self();
    }

    /**
     * How many events may wait for the publisher's thread before {@link RabbitEventPublisher#publish} fails fast. Default
     * {@link RabbitEventPublisher#DEFAULT_MAX_PENDING}.
     *
     * @param maxPending at least 1
     * @return this builder
     */
    public RabbitEventPublisher.Builder maxPending(int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, but was " + maxPending);
        }
        this.maxPending = maxPending;
        return self();
    }

    /**
     * Adjusts the connection factory (TLS, credentials provider, timeouts) after the publisher's defaults:
     * connection timeout 5 s, heartbeat 5 s, RPC timeout 10 s. Automatic recovery stays off: the publisher
     * reconnects itself.
     *
     * @param customizer called once, on {@link RabbitEventPublisher.Builder#build()}
     * @return this builder
     */
    public RabbitEventPublisher.Builder configureConnection(Consumer<ConnectionFactory> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer must not be null");
        return self();
    }
}
