package dev.likes.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import dev.likes.events.AbstractLikeEventConsumer;
import dev.likes.events.ConsumerStats;
import dev.likes.events.LikeEventCodec;
import dev.likes.events.SafeText;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads like events from the quorum queues of {@link LikeQueues} and applies them, a batch at a time, to a
 * {@link LikeEventSink}.
 *
 * <p><b>Delivery.</b> A message is acknowledged only after the sink completed the batch that held it, so every event
 * is delivered at least once; with the sink's idempotent, order-safe application (by version) that is exactly-once
 * effect. At most {@link Builder#prefetch} messages per queue are delivered and not yet acknowledged. While the sink
 * fails, the consumer keeps the batch and applies it again with jittered exponential backoff, never moving past it.
 * If the connection is lost (broker down or hung, a missed heartbeat), the unacknowledged messages go back to their
 * queues, the batch is abandoned at its next retry, and the consumer reconnects with backoff and is delivered them
 * again. {@link #close()} abandons a batch in flight without acknowledging it.
 *
 * <p><b>Order.</b> Every queue has a single active consumer, and a content's events all go to one queue, so while one
 * consumer holds a queue the sink receives each content's events in the order they were published. Consumers share
 * the queues: every {@link Builder#rebalanceInterval} each one counts the consumers ({@link LikeQueues#consumersQueue})
 * and, if it is
 * receiving from more than its share (the queue count divided by the consumer count, rounded up), hands one queue
 * over: between batches, with nothing of that queue in flight, it closes its subscription, so that the messages
 * delivered to it but not applied return to the queue ahead of later ones, and subscribes again behind the others.
 * Messages returned by a lost connection come again after some later ones may have been applied; the sink's version
 * check makes a late event lose to a newer one, so the stored state is the same.
 *
 * <p><b>Poison.</b> A message that is not a valid event of a known schema version ({@link LikeEventCodec#decode}),
 * and an event the sink reports it can never store ({@link UnstorableEventException}, found by splitting the batch in
 * halves), are published with confirms to the dead-letter exchange with their reason in the header
 * {@code like.dlq.reason} and their origin ({@code queue#messageId}) in {@code like.dlq.source}, and acknowledged;
 * the other events are applied. A body longer than {@link Builder#deadLetterMaxBytes} is cut to that length (header
 * {@code like.dlq.original.size} gives its size).
 *
 * <p><b>Liveness.</b> The consumer never stops on its own: every failure is retried with backoff, and a failed
 * connection is replaced (counted by {@link #restarts()}). {@link #health()} says whether the last round worked and
 * since when it has been failing; {@link #isRunning()} is false only once {@link #close()} was called.
 *
 * <p>One thread of its own runs the consumer. Every accessor may be called from any thread.
 */
public final class RabbitLikeConsumer extends AbstractLikeEventConsumer {

    /** Events handed to the sink per batch at most, unless configured. */
    public static final int DEFAULT_MAX_BATCH = 1_000;
    /** Messages per queue delivered and not yet acknowledged at most, unless configured. */
    public static final int DEFAULT_PREFETCH = 500;
    /** Dead-letter bodies are cut to this many bytes unless configured: 256 KiB. */
    public static final int DEFAULT_DEAD_LETTER_MAX_BYTES = 256 * 1024;
    /** How often the consumer counts its peers and measures the backlog, unless configured. */
    public static final Duration DEFAULT_REBALANCE_INTERVAL = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(RabbitLikeConsumer.class);
    private static final long BACKOFF_CAP_MILLIS = 2_000;

    /*
     * Threads: the consumer's own thread does everything but receive; the client's dispatch threads only put
     * deliveries into the inbox. A subscription (one channel per queue) is replaced, never reused, so a delivery of a
     * closed subscription is recognised and dropped when taken: its tag means nothing on the new channel, and the
     * broker delivers the message again.
     */
    private final ConnectionFactory factory;
    private final LikeQueues queues;
    private final boolean declare;
    private final LikeEventSink sink;
    private final int maxBatch;
    private final int prefetch;
    private final RabbitBatches batches;
    private final long rebalanceNanos;
    private final ConsumerStats stats = stats();
    private final BlockingQueue<Arrival> inbox = new LinkedBlockingQueue<>();
    private final LongAdder handovers = new LongAdder();
    private volatile @Nullable Connection connection;
    private volatile long lag = -1;
    private volatile int activeQueues;

    private RabbitLikeConsumer(Builder b) {
        super("like-rabbitmq-consumer-" + b.queues.exchange(), b.initialBackoff, b.maxBackoff);
        this.factory = RabbitConnections.factory(b.uri, b.customizer);
        this.queues = b.queues;
        this.declare = b.declare;
        this.sink = b.sink;
        this.maxBatch = b.maxBatch;
        this.prefetch = b.prefetch;
        this.rebalanceNanos = b.rebalanceInterval.toNanos();
        this.batches = new RabbitBatches(queues, sink, stats, this::running, b.deadLetterMaxBytes, b.sinkTimeout,
                this::backoffMillis);
    }

    /**
     * A consumer of the broker at {@code uri} that applies to {@code sink}.
     *
     * @param uri an AMQP URI, e.g. {@code amqp://user:password@127.0.0.1:5672/vhost}
     * @param sink where the events go
     * @return the builder
     */
    public static Builder builder(String uri, LikeEventSink sink) {
        return new Builder(Objects.requireNonNull(uri, "uri must not be null"),
                Objects.requireNonNull(sink, "sink must not be null"));
    }

    @Override
    public RabbitLikeConsumer start() {
        super.start();
        return this;
    }

    @Override
    public Health health() {
        return new Health(isRunning(), healthy(), stats.sinceLastSuccess(), stats.failuresInARow(),
                stats.lastFailure());
    }

    /**
     * How often this consumer handed a queue over to another consumer, since start.
     *
     * @return the count
     */
    public long handovers() {
        return handovers.sum();
    }

    /**
     * How many queues delivered to this consumer during the last two rebalance intervals: the queues it is the
     * active consumer of, among those that had messages.
     *
     * @return the count
     */
    public int activeQueues() {
        return activeQueues;
    }

    /**
     * Messages in the consumer's queues not yet applied: those waiting in the queues (all consumers' share) plus
     * those delivered to this consumer and not yet applied, as last measured (every rebalance interval while the
     * broker answers; {@link #health()} tells whether it does).
     *
     * @return the lag, or -1 before the first measurement
     */
    @Override
    public long lag() {
        return lag;
    }

    @Override
    protected void run() {
        log.info("consuming {} for {}", queues, sink);
        boolean connectedBefore = false;
        while (running()) {
            Connection c = null;
            try {
                c = factory.newConnection("like-rabbitmq-consumer");
                connection = c;
                if (declare) {
                    queues.declare(c);
                }
                if (connectedBefore) {
                    stats.restarted();
                    log.info("reconnected to RabbitMQ: consuming {} again", queues);
                }
                connectedBefore = true;
                consumeWith(c);
            } catch (Throwable e) { // NOPMD: the loop must survive anything but close()
                if (!running()) {
                    break;
                }
                stats.loopFailed();
                stats.failed(e);
                log.warn("the like event consumer of {} failed ({}); reconnecting", queues, SafeText.of(e.toString()));
            } finally {
                inbox.clear(); // their channels are gone: the broker delivers them again
                if (c != null) {
                    c.abort(1_000);
                }
            }
            if (running()) {
                ConsumerStats.pause(Math.min(backoffMillis(stats.failuresInARow()), BACKOFF_CAP_MILLIS));
            }
        }
        log.info("stopped consuming {}: {} events applied", queues, stats.appliedEvents());
    }

    /** Consumes over {@code c} until close() or a failure, which propagates. */
    private void consumeWith(Connection c) throws IOException, TimeoutException {
        Channel control = c.createChannel();
        Channel letters = c.createChannel();
        letters.confirmSelect();
        Channel presence = c.createChannel();
        presence.basicConsume(queues.consumersQueue(), true, (tag, delivery) -> { }, tag -> { });
        Subscription[] subs = new Subscription[queues.queueCount()];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = subscribe(c, i);
        }
        long lastMeasure = System.nanoTime() - rebalanceNanos;
        while (running()) {
            if (!c.isOpen()) {
                throw new IOException("the connection to RabbitMQ closed: "
                        + SafeText.of(String.valueOf(c.getCloseReason())));
            }
            List<Arrival> batch = take();
            if (!batch.isEmpty() && !batches.process(c, letters, batch)) {
                continue; // the connection went, or close() was called: the loop ends or reconnects
            }
            if (System.nanoTime() - lastMeasure >= rebalanceNanos) {
                lastMeasure = System.nanoTime();
                measureAndRebalance(c, control, subs);
            }
            stats.succeeded();
        }
    }

    private Subscription subscribe(Connection c, int index) throws IOException {
        Channel channel = c.createChannel();
        channel.basicQos(prefetch);
        Subscription sub = new Subscription(index, queues.queue(index), channel, inbox);
        sub.tag = channel.basicConsume(sub.queue, false, (tag, delivery) -> sub.arrived(delivery),
                tag -> log.warn("RabbitMQ cancelled the consumer of {} (queue deleted?)", sub.queue));
        return sub;
    }

    /** Up to maxBatch deliveries of live subscriptions, waiting at most 200 ms for the first. */
    private List<Arrival> take() {
        List<Arrival> batch = new ArrayList<>();
        try {
            Arrival first = inbox.poll(200, TimeUnit.MILLISECONDS);
            if (first == null) {
                return batch;
            }
            batch.add(first);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return batch;
        }
        inbox.drainTo(batch, maxBatch - 1);
        batch.removeIf(a -> !a.sub.live);
        return batch;
    }

    /** Measures the backlog and the consumer count, and hands a queue over when this consumer holds too many. */
    private void measureAndRebalance(Connection c, Channel control, Subscription[] subs) throws IOException {
        int consumers = Math.max(1, control.queueDeclarePassive(queues.consumersQueue()).getConsumerCount());
        long waiting = 0;
        for (Subscription sub : subs) {
            waiting += control.queueDeclarePassive(sub.queue).getMessageCount();
        }
        lag = waiting + inbox.size();
        long now = System.nanoTime();
        List<Subscription> held = new ArrayList<>();
        for (Subscription sub : subs) {
            if (sub.lastDeliveryNanos != 0 && now - sub.lastDeliveryNanos < 2 * rebalanceNanos) {
                held.add(sub);
            }
        }
        activeQueues = held.size();
        int share = (subs.length + consumers - 1) / consumers;
        if (held.size() <= share) {
            return;
        }
        Subscription release = held.get(held.size() - 1);
        log.info("{} consumers share {} queues and this one receives from {}: handing {} over", consumers,
                subs.length, held.size(), release.queue);
        release.live = false;
        LikeQueues.closeQuietly(release.channel); // what it holds unacknowledged returns to the queue, first in line
        subs[release.index] = subscribe(c, release.index);
        handovers.increment();
    }

    /**
     * Stops consuming: a batch in flight is abandoned without acknowledging it (it will be delivered again), and the
     * connection is closed. Waits up to 30 seconds. Idempotent.
     */
    @Override
    public void close() {
        if (!stopThread(() -> {})) {
            return; // never started: nothing was opened
        }
        Connection c = connection;
        if (c != null) {
            c.abort(1_000);
        }
    }

    /**
     * A snapshot of the consumer's health.
     *
     * @param running started and not closed
     * @param healthy running, and its last round (connect, apply, acknowledge) worked
     * @param sinceLastSuccess how long ago a round last worked
     * @param failuresInARow failed rounds since the last one that worked
     * @param lastFailure the last failure, escaped and cut short, or {@code null} when healthy
     */
    public record Health(
            boolean running, boolean healthy, Duration sinceLastSuccess, int failuresInARow,
            @Nullable String lastFailure) implements LikeEventConsumer.Health {}

    /** Configures a {@link RabbitLikeConsumer}. Not thread-safe. */
    public static final class Builder extends RabbitConsumerSettings {

        private Builder(String uri, LikeEventSink sink) {
            super(uri, sink);
        }

        /**
         * Builds the consumer; {@link #start()} connects it.
         *
         * @return the consumer
         * @throws IllegalArgumentException if the URI is not an AMQP URI
         */
        public RabbitLikeConsumer build() {
            return new RabbitLikeConsumer(this);
        }
    }
}
