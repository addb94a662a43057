package dev.likes.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEvent;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.PendingSends;
import dev.likes.events.SafeText;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventPublisher} that sends every like event to RabbitMQ, with publisher confirms.
 *
 * <p><b>Where.</b> To the exchange of {@link LikeQueues} (declared when the publisher starts, unless
 * {@link Builder#declareTopology} is off), with the content ({@code type:id}) as routing key, so that all events of a
 * content go to one quorum queue in the order they were published. The body is {@link LikeEventCodec}'s JSON, the
 * same as on Kafka; the message is persistent, with the event ID as message ID.
 *
 * <p><b>Delivery.</b> {@link #publish} never blocks its caller: the message goes out on the publisher's own thread,
 * and the stage completes when the broker confirmed it (a quorum queue confirms once a majority of its replicas wrote
 * it to disk). It fails when the broker refuses it ({@code basic.nack}), cannot route it (published as mandatory: a
 * missing queue or binding is a failure, never a silent drop), does not confirm it within
 * {@link Builder#confirmTimeout} (a hung broker: the connection is then dropped and made again), or the connection
 * fails before the confirm; also at once while the broker is unreachable, and with a
 * {@link RejectedExecutionException} when more than {@link Builder#maxPending} events wait. A failed event may still
 * have reached the queue (its confirm was lost): callers that retry, as the outbox does, may publish it twice, which
 * consumers absorb by the event's version. A failure always reaches the caller; nothing is only logged.
 *
 * <p>Thread-safe. {@link #close()} waits for the confirms of what was sent and closes the connection.
 */
public final class RabbitEventPublisher implements EventPublisher {

    /** How long a sent event may wait for its confirm unless configured. */
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    /** How many events may wait for the publisher's thread unless configured. */
    public static final int DEFAULT_MAX_PENDING = 100_000;

    private static final Logger log = LoggerFactory.getLogger(RabbitEventPublisher.class);
    private static final long RECONNECT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ConnectionFactory factory;
    private final LikeQueues queues;
    private final boolean declare;
    private final long confirmTimeoutNanos;
    private final ScheduledExecutorService watchdog;
    private final PendingSends<OutgoingEvent> sends;
    private volatile @Nullable ConfirmLink link;
    private long nextConnectNanos;
    private @Nullable Exception lastConnectFailure;

    private RabbitEventPublisher(Builder b) {
        this.factory = RabbitConnections.factory(b.uri, b.customizer);
        this.queues = b.queues;
        this.declare = b.declare;
        this.confirmTimeoutNanos = b.confirmTimeout.toNanos();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "like-rabbitmq-publisher-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.sends = new PendingSends<>("like-rabbitmq-publisher-" + queues.exchange(), "RabbitMQ", b.maxPending,
                this::send);
        watchdog.scheduleWithFixedDelay(this::expire, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * A publisher that connects to {@code uri}.
     *
     * @param uri an AMQP URI, e.g. {@code amqp://user:password@127.0.0.1:5672/vhost}
     * @return the builder
     */
    public static Builder builder(String uri) {
        return new Builder(Objects.requireNonNull(uri, "uri must not be null"));
    }

    @Override
    public CompletionStage<Void> publish(LikeEvent event) {
        Objects.requireNonNull(event, "event must not be null");
        OutgoingEvent send = new OutgoingEvent(event.content().toString(), event.eventId(), LikeEventCodec.encode(event));
        RuntimeException refused = sends.offer(send);
        return refused == null ? send.confirmed : CompletableFuture.failedFuture(refused);
    }

    /** Publishes one event, on the publisher's thread, connecting when needed. */
    private void send(OutgoingEvent send) {
        ConfirmLink current = connected();
        if (current == null) {
            Exception why = new IOException("RabbitMQ is unreachable: " + SafeText.of(String.valueOf(lastConnectFailure)),
                    lastConnectFailure);
            send.confirmed.completeExceptionally(why);
            sends.drain(queued -> queued.confirmed.completeExceptionally(why)); // each would wait as long again
            return;
        }
        try {
            current.publish(send);
        } catch (IOException | RuntimeException e) {
            send.confirmed.completeExceptionally(e);
            current.abort(e);
        }
    }

    /** The open link, connecting if there is none and the last try is a second old; null if unreachable. */
    private @Nullable ConfirmLink connected() {
        ConfirmLink current = link;
        if (current != null && current.isOpen()) {
            return current;
        }
        if (current != null) {
            current.connection.abort(1_000); // a channel closed by the broker may leave its connection open
            link = null;
        }
        if (System.nanoTime() - nextConnectNanos < 0) {
            return null;
        }
        Connection connection = null;
        try {
            connection = factory.newConnection("like-rabbitmq-publisher");
            if (declare) {
                queues.declare(connection);
            }
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            ConfirmLink opened = new ConfirmLink(connection, channel, queues.exchange(), confirmTimeoutNanos,
                    sends::closing);
            link = opened;
            lastConnectFailure = null;
            log.info("publishing like events to RabbitMQ exchange {}", queues.exchange());
            return opened;
        } catch (IOException | TimeoutException | RuntimeException e) {
            nextConnectNanos = System.nanoTime() + RECONNECT_EVERY_NANOS;
            if (lastConnectFailure == null) {
                log.warn("cannot connect to RabbitMQ ({}); like events fail until it is back", SafeText.of(e.toString()));
            }
            lastConnectFailure = e;
            if (connection != null) {
                connection.abort(1_000);
            }
            return null;
        }
    }

    /** Fails what waited longer than the confirm timeout, and drops the connection that did not confirm it. */
    private void expire() {
        ConfirmLink current = link;
        if (current != null) {
            current.expire(System.nanoTime());
        }
    }

    /**
     * Sends what was accepted, waits for the broker's confirms (at most about 40 seconds in all), and closes the
     * connection. Events not confirmed by then fail. Idempotent.
     */
    @Override
    public void close() {
        sends.close(Duration.ofSeconds(30));
        ConfirmLink current = link;
        if (current != null) {
            current.closeAfterConfirms(Duration.ofNanos(confirmTimeoutNanos));
        }
        watchdog.shutdownNow();
    }

    /** Configures a {@link RabbitEventPublisher}. Not thread-safe. */
    public static final class Builder extends RabbitPublisherSettings {

        private Builder(String uri) {
            super(uri);
        }

        /**
         * Builds the publisher; it connects on its first event.
         *
         * @return the publisher
         * @throws IllegalArgumentException if the URI is not an AMQP URI
         */
        public RabbitEventPublisher build() {
            return new RabbitEventPublisher(this);
        }
    }
}
