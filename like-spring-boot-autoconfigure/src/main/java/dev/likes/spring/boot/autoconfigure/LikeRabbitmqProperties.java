package dev.likes.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The {@code like.rabbitmq.*} properties: where RabbitMQ is, and the exchange and queues of the events ({@code
 * like.queue=rabbitmq}).
 *
 * <p>Mutable bean, bound once at start-up by Spring; not for concurrent mutation.
 */
public class LikeRabbitmqProperties {

    /**
     * The broker's AMQP URI (amqp://user:password@host:port/vhost). Default: made from Spring Boot's
     * spring.rabbitmq.host, port, username, password and virtual-host.
     */
    private @Nullable String uri;

    /** The exchange of the like events; its queues are named after it. */
    private String exchange = "like-events";

    /** How many quorum queues share the events; every process must use the same number. */
    private int queues = 4;

    /** Whether this process runs the consumer that writes the events into MySQL. */
    private boolean runConsumer = true;

    /** @return the URI, or {@code null} for Spring Boot's settings */
    public @Nullable String getUri() {
        return uri;
    }

    /** @param uri the URI */
    public void setUri(@Nullable String uri) {
        this.uri = uri;
    }

    /** @return the exchange */
    public String getExchange() {
        return exchange;
    }

    /** @param exchange the exchange */
    public void setExchange(String exchange) {
        this.exchange = exchange;
    }

    /** @return the number of queues */
    public int getQueues() {
        return queues;
    }

    /** @param queues the number of queues */
    public void setQueues(int queues) {
        this.queues = queues;
    }

    /** @return whether this process runs the consumer */
    public boolean isRunConsumer() {
        return runConsumer;
    }

    /** @param runConsumer whether this process runs the consumer */
    public void setRunConsumer(boolean runConsumer) {
        this.runConsumer = runConsumer;
    }
}
