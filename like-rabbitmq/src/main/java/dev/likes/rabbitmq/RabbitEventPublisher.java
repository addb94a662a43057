package dev.likes.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEvent;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.SafeText;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
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
    private static final String SEQ_HEADER = "like.seq";
    private static final long RECONNECT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ConnectionFactory factory;
    private final LikeQueues queues;
    private final boolean declare;
    private final long confirmTimeoutNanos;
    private final int maxPending;
    private final Queue<Send> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Thread sender;
    private final ScheduledExecutorService watchdog;
    private volatile @Nullable Link link;
    private volatile boolean parked;
    private volatile boolean closing;
    private long nextConnectNanos;
    private @Nullable Exception lastConnectFailure;

    private RabbitEventPublisher(Builder b) {
        this.factory = RabbitConnections.factory(b.uri, b.customizer);
        this.queues = b.queues;
        this.declare = b.declare;
        this.confirmTimeoutNanos = b.confirmTimeout.toNanos();
        this.maxPending = b.maxPending;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "like-rabbitmq-publisher-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.sender = new Thread(this::sendLoop, "like-rabbitmq-publisher-" + queues.exchange());
        this.sender.setDaemon(true);
        this.sender.start();
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
        if (closing) {
            return CompletableFuture.failedFuture(new IllegalStateException("the publisher is closed"));
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            return CompletableFuture.failedFuture(new RejectedExecutionException(
                    maxPending + " events already wait to be sent to RabbitMQ; is the broker reachable?"));
        }
        Send send = new Send(event.content().toString(), event.eventId(), LikeEventCodec.encode(event));
        queue.add(send);
        if (parked) {
            LockSupport.unpark(sender);
        }
        return send.confirmed;
    }

    /** The publisher's thread: connects when needed and publishes what is queued, in order. */
    private void sendLoop() {
        while (true) {
            Send send = queue.poll();
            if (send == null) {
                if (closing) {
                    return;
                }
                parked = true;
                if (queue.isEmpty() && !closing) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                parked = false;
                continue;
            }
            pending.decrementAndGet();
            Link current = connected();
            if (current == null) {
                Exception why = new IOException("RabbitMQ is unreachable: " + SafeText.of(String.valueOf(lastConnectFailure)),
                        lastConnectFailure);
                send.confirmed.completeExceptionally(why);
                failQueued(why); // each would wait as long again: fail them now
                continue;
            }
            try {
                current.publish(send);
            } catch (IOException | AlreadyClosedException e) {
                send.confirmed.completeExceptionally(e);
                current.abort(e);
            }
        }
    }

    private void failQueued(Exception why) {
        Send queued;
        while ((queued = queue.poll()) != null) {
            pending.decrementAndGet();
            queued.confirmed.completeExceptionally(why);
        }
    }

    /** The open link, connecting if there is none and the last try is a second old; null if unreachable. */
    private @Nullable Link connected() {
        Link current = link;
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
            Link opened = new Link(connection, channel);
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
        Link current = link;
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
        closing = true;
        LockSupport.unpark(sender);
        try {
            sender.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Link current = link;
        if (current != null) {
            current.closeAfterConfirms(Duration.ofNanos(confirmTimeoutNanos));
        }
        watchdog.shutdownNow();
    }

    /** One event on its way. */
    private static final class Send {
        final String routingKey;
        final String eventId;
        final byte[] body;
        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
        volatile long sentNanos;
        volatile @Nullable String returned;

        Send(String routingKey, String eventId, byte[] body) {
            this.routingKey = routingKey;
            this.eventId = eventId;
            this.body = body;
        }
    }

    /**
     * A connection and its confirm channel, with the events sent on it that wait for their confirm. Confirm sequence
     * numbers belong to a channel, so a new connection is a new link with a map of its own.
     */
    private final class Link {
        final Connection connection;
        final Channel channel;
        final ConcurrentNavigableMap<Long, Send> unconfirmed = new ConcurrentSkipListMap<>();

        Link(Connection connection, Channel channel) {
            this.connection = connection;
            this.channel = channel;
            channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, null),
                    (tag, multiple) -> settle(tag, multiple, "the broker refused the event (basic.nack)"));
            channel.addReturnListener(this::returned);
            channel.addShutdownListener(this::lost); // also told when the connection goes
        }

        boolean isOpen() {
            return channel.isOpen();
        }

        void publish(Send send) throws IOException {
            long seq = channel.getNextPublishSeqNo();
            send.sentNanos = System.nanoTime();
            unconfirmed.put(seq, send);
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .messageId(send.eventId)
                    .headers(Map.of(SEQ_HEADER, seq))
                    .build();
            channel.basicPublish(queues.exchange(), send.routingKey, true, props, send.body);
        }

        private void returned(Return r) {
            Object seq = r.getProperties().getHeaders() == null ? null : r.getProperties().getHeaders().get(SEQ_HEADER);
            if (seq instanceof Number n) {
                Send send = unconfirmed.get(n.longValue());
                if (send != null) {
                    send.returned = r.getReplyCode() + " " + r.getReplyText();
                }
            }
        }

        private void settle(long tag, boolean multiple, @Nullable String refused) {
            if (multiple) {
                ConcurrentNavigableMap<Long, Send> upTo = unconfirmed.headMap(tag, true);
                upTo.values().forEach(send -> complete(send, refused));
                upTo.clear();
            } else {
                Send send = unconfirmed.remove(tag);
                if (send != null) {
                    complete(send, refused);
                }
            }
        }

        private void complete(Send send, @Nullable String refused) {
            String returned = send.returned;
            if (refused != null) {
                send.confirmed.completeExceptionally(new IOException(refused + ": event " + send.eventId));
            } else if (returned != null) {
                send.confirmed.completeExceptionally(new IOException("RabbitMQ could not route event " + send.eventId
                        + " (" + SafeText.of(returned) + "): is exchange " + queues.exchange() + " bound to its queues?"));
            } else {
                send.confirmed.complete(null);
            }
        }

        private void lost(ShutdownSignalException cause) {
            failAll(cause.isInitiatedByApplication() && closing
                    ? new IOException("the publisher closed before RabbitMQ confirmed the event")
                    : new IOException("the connection to RabbitMQ failed before it confirmed the event: "
                            + SafeText.of(cause.getMessage()), cause));
        }

        private void failAll(Exception why) {
            for (Long seq : unconfirmed.keySet()) {
                Send send = unconfirmed.remove(seq);
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

    /** Configures a {@link RabbitEventPublisher}. Not thread-safe. */
    public static final class Builder {

        private final String uri;
        private LikeQueues queues = LikeQueues.defaults();
        private boolean declare = true;
        private Duration confirmTimeout = DEFAULT_CONFIRM_TIMEOUT;
        private int maxPending = DEFAULT_MAX_PENDING;
        private Consumer<ConnectionFactory> customizer = f -> {};

        private Builder(String uri) {
            this.uri = uri;
        }

        /**
         * The exchange and queues. Default {@link LikeQueues#defaults()}; consumers must use the same.
         *
         * @param queues the topology
         * @return this builder
         */
        public Builder queues(LikeQueues queues) {
            this.queues = Objects.requireNonNull(queues, "queues must not be null");
            return this;
        }

        /**
         * Whether to declare the topology on every connect (idempotent). Default true; turn it off when the broker's
         * operators declare it and the publisher's user may not.
         *
         * @param declare whether to declare
         * @return this builder
         */
        public Builder declareTopology(boolean declare) {
            this.declare = declare;
            return this;
        }

        /**
         * How long a sent event may wait for the broker's confirm before it fails. Default
         * {@link #DEFAULT_CONFIRM_TIMEOUT}.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder confirmTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout must not be null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("confirmTimeout must be positive, but was " + timeout);
            }
            this.confirmTimeout = timeout;
            return this;
        }

        /**
         * How many events may wait for the publisher's thread before {@link #publish} fails fast. Default
         * {@link #DEFAULT_MAX_PENDING}.
         *
         * @param maxPending at least 1
         * @return this builder
         */
        public Builder maxPending(int maxPending) {
            if (maxPending < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1, but was " + maxPending);
            }
            this.maxPending = maxPending;
            return this;
        }

        /**
         * Adjusts the connection factory (TLS, credentials provider, timeouts) after the publisher's defaults:
         * connection timeout 5 s, heartbeat 5 s, RPC timeout 10 s. Automatic recovery stays off: the publisher
         * reconnects itself.
         *
         * @param customizer called once, on {@link #build()}
         * @return this builder
         */
        public Builder configureConnection(Consumer<ConnectionFactory> customizer) {
            this.customizer = Objects.requireNonNull(customizer, "customizer must not be null");
            return this;
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
