package dev.likes.spring.boot.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code like.*} configuration properties. Every one has a default; the pipeline needs only where Redis and
 * the queue are (taken from Spring Boot's own {@code spring.data.redis.*}, {@code spring.kafka.bootstrap-servers} and
 * {@code spring.rabbitmq.*} when not set here) and the host's {@code DataSource}.
 *
 * <p>Mutable bean, bound once at start-up by Spring; not for concurrent mutation.
 */
@ConfigurationProperties(prefix = "like")
public class LikeProperties {

    /** How likes are stored. */
    public enum Mode {
        /** The design: Redis hot tier with an outbox, Kafka events, MySQL history ({@code like-pipeline}). */
        PIPELINE,
        /** One process's memory, for development and tests: nothing survives a restart. */
        MEMORY
    }

    /** The queue between Redis and MySQL. */
    public enum Queue {
        /** Kafka ({@code like.kafka.*}), for massive traffic. */
        KAFKA,
        /** RabbitMQ ({@code like.rabbitmq.*}); needs {@code dev.likes:like-rabbitmq} on the class path. */
        RABBITMQ
    }

    /** How likes are stored: PIPELINE (Redis, Kafka, MySQL) or MEMORY (this process only, for development). */
    private Mode mode = Mode.PIPELINE;

    /** The queue of the pipeline: KAFKA, or RABBITMQ (add dev.likes:like-rabbitmq). */
    private Queue queue = Queue.KAFKA;

    /**
     * The most time one call of the service takes (then LikeTimeoutException, an unknown outcome). Keep it above the
     * Redis command timeout.
     */
    private Duration callTimeout = Duration.ofSeconds(2);

    /** The most likes and unlikes in flight in this process; beyond it calls are shed with OVERLOADED. */
    private int maxInFlight = 10_000;

    /** The most changes accepted while Redis is down and kept for replay; beyond it calls are refused. */
    private int maxDegraded = 100_000;

    /** How often changes accepted while Redis was down are replayed into it once it is back. */
    private Duration repairInterval = Duration.ofSeconds(1);

    @NestedConfigurationProperty
    private final LikeRedisProperties redis = new LikeRedisProperties();
    @NestedConfigurationProperty
    private final LikeKafkaProperties kafka = new LikeKafkaProperties();
    @NestedConfigurationProperty
    private final LikeRabbitmqProperties rabbitmq = new LikeRabbitmqProperties();
    @NestedConfigurationProperty
    private final LikeRateLimitProperties rateLimit = new LikeRateLimitProperties();
    @NestedConfigurationProperty
    private final LikeCircuitBreakerProperties circuitBreaker = new LikeCircuitBreakerProperties();
    @NestedConfigurationProperty
    private final LikeConsumerProperties consumer = new LikeConsumerProperties();

    /** @return how likes are stored */
    public Mode getMode() {
        return mode;
    }

    /** @param mode how likes are stored */
    public void setMode(Mode mode) {
        this.mode = mode;
    }

    /** @return the most time one call takes */
    public Duration getCallTimeout() {
        return callTimeout;
    }

    /** @param callTimeout the most time one call takes */
    public void setCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    /** @return the most calls in flight */
    public int getMaxInFlight() {
        return maxInFlight;
    }

    /** @param maxInFlight the most calls in flight */
    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** @return the most changes kept while Redis is down */
    public int getMaxDegraded() {
        return maxDegraded;
    }

    /** @param maxDegraded the most changes kept while Redis is down */
    public void setMaxDegraded(int maxDegraded) {
        this.maxDegraded = maxDegraded;
    }

    /** @return how often degraded changes are replayed */
    public Duration getRepairInterval() {
        return repairInterval;
    }

    /** @param repairInterval how often degraded changes are replayed */
    public void setRepairInterval(Duration repairInterval) {
        this.repairInterval = repairInterval;
    }

    /** @return the Redis settings */
    public LikeRedisProperties getRedis() {
        return redis;
    }

    /** @return the queue of the pipeline */
    public Queue getQueue() {
        return queue;
    }

    /** @param queue the queue of the pipeline */
    public void setQueue(Queue queue) {
        this.queue = queue;
    }

    /** @return the RabbitMQ settings */
    public LikeRabbitmqProperties getRabbitmq() {
        return rabbitmq;
    }

    /** @return the Kafka settings */
    public LikeKafkaProperties getKafka() {
        return kafka;
    }

    /** @return the per-user rate limit */
    public LikeRateLimitProperties getRateLimit() {
        return rateLimit;
    }

    /** @return the circuit breaker around Redis */
    public LikeCircuitBreakerProperties getCircuitBreaker() {
        return circuitBreaker;
    }

    /** @return the consumer's settings */
    public LikeConsumerProperties getConsumer() {
        return consumer;
    }
}
