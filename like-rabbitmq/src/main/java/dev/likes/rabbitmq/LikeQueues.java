package dev.likes.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The RabbitMQ topology of like events, named after one base name {@code B} (default {@value #DEFAULT_NAME}):
 *
 * <ul>
 *   <li>exchange {@code B}, of type {@code x-consistent-hash} (the broker's {@code rabbitmq_consistent_hash_exchange}
 *       plugin, which ships with RabbitMQ and must be enabled), durable: a message's routing key is its content
 *       ({@code type:id}), so every event of a content goes to the same queue;
 *   <li>queues {@code B.0} to {@code B.(n-1)}: durable quorum queues ({@code x-queue-type=quorum}, replicated and
 *       fsynced by the broker before it confirms) with {@code x-single-active-consumer=true}, so one consumer at a time
 *       takes a queue's messages, in order, and another takes over when it leaves; each bound to {@code B} with
 *       weight 1;
 *   <li>exchange {@code B.dlx} (fanout) and quorum queue {@code B.dlq}: where the consumer sets aside what it can
 *       never apply, with its reason;
 *   <li>queue {@code B.consumers}, bound to nothing and never holding a message: every consumer subscribes to it, so
 *       that its consumer count is the number of consumers sharing the queues (a queue with a single active consumer
 *       reports only that one).
 * </ul>
 *
 * <p>Every publisher and consumer of one base name must use the same number of queues: a queue that no consumer
 * reads keeps its contents' events. Declaring is idempotent; a queue that exists with other arguments (a classic
 * queue of the same name, say) makes the broker refuse, and {@link #declare} fails with its reason. Thread-safe.
 */
public final class LikeQueues {

    /** The base name unless configured. */
    public static final String DEFAULT_NAME = "like-events";
    /** The number of queues unless configured. */
    public static final int DEFAULT_QUEUES = 4;
    /** The most queues one base name may have. */
    public static final int MAX_QUEUES = 256;

    /** The AMQP type of the marker messages of {@link #awaitConsumed}; consumers answer them, the sink never sees them. */
    public static final String MARKER_TYPE = "like.marker";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final String name;
    private final int queues;

    private LikeQueues(String name, int queues) {
        this.name = name;
        this.queues = queues;
    }

    /**
     * The topology of base name {@code name} with {@code queues} queues.
     *
     * @param name 1 to 200 characters of letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter
     *     or digit
     * @param queues 1 to {@value #MAX_QUEUES}
     * @return the topology
     * @throws IllegalArgumentException if either breaks its rule
     */
    public static LikeQueues of(String name, int queues) {
        Objects.requireNonNull(name, "name must not be null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1 to 200 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit, but was '" + name.replaceAll("[^ -~]", "?") + "'");
        }
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("queues must be between 1 and " + MAX_QUEUES + ", but was " + queues);
        }
        return new LikeQueues(name, queues);
    }

    /**
     * The default topology: {@value #DEFAULT_NAME} with {@value #DEFAULT_QUEUES} queues.
     *
     * @return the topology
     */
    public static LikeQueues defaults() {
        return new LikeQueues(DEFAULT_NAME, DEFAULT_QUEUES);
    }

    /**
     * The exchange events are published to.
     *
     * @return its name
     */
    public String exchange() {
        return name;
    }

    /**
     * How many queues share the events.
     *
     * @return at least 1
     */
    public int queueCount() {
        return queues;
    }

    /**
     * The name of queue {@code index}.
     *
     * @param index 0 to {@code queueCount() - 1}
     * @return its name
     */
    public String queue(int index) {
        Objects.checkIndex(index, queues);
        return name + "." + index;
    }

    /**
     * Every queue's name, in index order.
     *
     * @return the names
     */
    public List<String> queueNames() {
        List<String> names = new ArrayList<>(queues);
        for (int i = 0; i < queues; i++) {
            names.add(queue(i));
        }
        return names;
    }

    /**
     * The dead-letter exchange.
     *
     * @return its name
     */
    public String deadLetterExchange() {
        return name + ".dlx";
    }

    /**
     * The dead-letter queue.
     *
     * @return its name
     */
    public String deadLetterQueue() {
        return name + ".dlq";
    }

    /**
     * The queue whose consumers are the consumers of the topology, one each.
     *
     * @return its name
     */
    public String consumersQueue() {
        return name + ".consumers";
    }

    /**
     * Declares the exchanges, queues and bindings, on a channel of its own that it closes.
     *
     * @param connection an open connection
     * @throws IOException if the broker refused (the message gives its reason: a missing plugin, a queue of the same
     *     name with other arguments, no permission) or the connection failed
     */
    public void declare(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        try {
            channel.exchangeDeclare(exchange(), "x-consistent-hash", true);
            Map<String, Object> args = Map.of("x-queue-type", "quorum", "x-single-active-consumer", true);
            for (String queue : queueNames()) {
                channel.queueDeclare(queue, true, false, false, args);
                channel.queueBind(queue, exchange(), "1");
            }
            channel.exchangeDeclare(deadLetterExchange(), BuiltinExchangeType.FANOUT, true);
            channel.queueDeclare(deadLetterQueue(), true, false, false, Map.of("x-queue-type", "quorum"));
            channel.queueBind(deadLetterQueue(), deadLetterExchange(), "");
            channel.queueDeclare(consumersQueue(), true, false, false, Map.of());
        } finally {
            closeQuietly(channel);
        }
    }

    /**
     * Waits until every message that is in the queues now has been applied by their consumers: sends a marker
     * message to each queue (on the default exchange, to the queue's name; type {@value #MARKER_TYPE}) and waits for
     * each queue's active consumer to answer it, which {@link RabbitLikeConsumer} does once everything delivered
     * before the marker is applied and acknowledged. Queues are first in, first out, so that covers what was in the
     * queue when the marker went in, whichever process consumes it. Blocks; needs a running consumer.
     *
     * @param connection an open connection
     * @param timeout how long to wait in all
     * @throws IOException if the broker failed
     * @throws TimeoutException if some queue's consumer did not answer in time (none running, or far behind)
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitConsumed(Connection connection, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Channel channel = connection.createChannel();
        try {
            String replies = channel.queueDeclare().getQueue(); // exclusive, deleted with the channel's connection
            Set<String> waiting = ConcurrentHashMap.newKeySet();
            String round = UUID.randomUUID().toString();
            for (String queue : queueNames()) {
                waiting.add(round + "/" + queue);
            }
            channel.basicConsume(replies, true, (tag, delivery) -> {
                String id = delivery.getProperties().getCorrelationId();
                if (id != null) {
                    waiting.remove(id);
                }
            }, tag -> { });
            for (String queue : queueNames()) {
                AMQP.BasicProperties marker = new AMQP.BasicProperties.Builder()
                        .type(MARKER_TYPE).replyTo(replies).correlationId(round + "/" + queue).deliveryMode(1).build();
                channel.basicPublish("", queue, marker, new byte[0]);
            }
            while (!waiting.isEmpty()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new TimeoutException("the consumers of " + waiting.size() + " of " + queues
                            + " queues did not catch up within " + timeout + " (is a consumer running?)");
                }
                Thread.sleep(50);
            }
        } finally {
            closeQuietly(channel);
        }
    }

    static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // the channel or its connection is already gone
        }
    }

    @Override
    public String toString() {
        return name + " (" + queues + " queues)";
    }
}
