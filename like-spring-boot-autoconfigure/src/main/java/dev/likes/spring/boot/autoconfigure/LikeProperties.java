package dev.likes.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code like.*} configuration properties. Every one has a default; the pipeline needs only where Redis and
 * Kafka are (taken from Spring Boot's own {@code spring.data.redis.*} and {@code spring.kafka.bootstrap-servers} when
 * not set here) and the host's {@code DataSource}.
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

    /** How likes are stored: PIPELINE (Redis, Kafka, MySQL) or MEMORY (this process only, for development). */
    private Mode mode = Mode.PIPELINE;

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

    private final Redis redis = new Redis();
    private final Kafka kafka = new Kafka();
    private final RateLimit rateLimit = new RateLimit();

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
    public Redis getRedis() {
        return redis;
    }

    /** @return the Kafka settings */
    public Kafka getKafka() {
        return kafka;
    }

    /** @return the per-user rate limit */
    public RateLimit getRateLimit() {
        return rateLimit;
    }

    /** Where Redis is. */
    public static class Redis {

        /**
         * The Redis URI, e.g. redis://:secret@127.0.0.1:6379/0 (rediss:// for TLS). Default: Spring Boot's
         * spring.data.redis.url, else spring.data.redis.host, port, username, password and database.
         */
        private @Nullable String uri;

        /** @return the URI, or {@code null} for Spring Boot's settings */
        public @Nullable String getUri() {
            return uri;
        }

        /** @param uri the URI */
        public void setUri(@Nullable String uri) {
            this.uri = uri;
        }
    }

    /** Where Kafka is, and the topic and consumer of the events. */
    public static class Kafka {

        /** Kafka's bootstrap servers, comma-separated. Default: Spring Boot's spring.kafka.bootstrap-servers. */
        private @Nullable String bootstrapServers;

        /** The topic of the like events. */
        private String topic = "like-events";

        /** The consumer group of the writer that stores the events in MySQL. */
        private String consumerGroup = "like-mysql-writer";

        /** Whether this process runs the consumer that writes the events into MySQL. */
        private boolean runConsumer = true;

        /**
         * Partitions of the topic to create at start-up unless it exists (development; 0 leaves topics to the
         * platform's tooling).
         */
        private int createTopicPartitions = 0;

        /**
         * Properties every Kafka client of the pipeline gets (security.protocol, sasl.*, ssl.*), on top of Spring
         * Boot's spring.kafka.properties.* and spring.kafka.security.protocol, which they win over.
         */
        private Map<String, String> properties = new LinkedHashMap<>();

        /** @return the bootstrap servers, or {@code null} for Spring Boot's */
        public @Nullable String getBootstrapServers() {
            return bootstrapServers;
        }

        /** @param bootstrapServers the bootstrap servers */
        public void setBootstrapServers(@Nullable String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        /** @return the topic */
        public String getTopic() {
            return topic;
        }

        /** @param topic the topic */
        public void setTopic(String topic) {
            this.topic = topic;
        }

        /** @return the consumer group */
        public String getConsumerGroup() {
            return consumerGroup;
        }

        /** @param consumerGroup the consumer group */
        public void setConsumerGroup(String consumerGroup) {
            this.consumerGroup = consumerGroup;
        }

        /** @return whether this process runs the consumer */
        public boolean isRunConsumer() {
            return runConsumer;
        }

        /** @param runConsumer whether this process runs the consumer */
        public void setRunConsumer(boolean runConsumer) {
            this.runConsumer = runConsumer;
        }

        /** @return partitions of the topic to create, 0 for none */
        public int getCreateTopicPartitions() {
            return createTopicPartitions;
        }

        /** @param createTopicPartitions partitions of the topic to create, 0 for none */
        public void setCreateTopicPartitions(int createTopicPartitions) {
            this.createTopicPartitions = createTopicPartitions;
        }

        /** @return the properties every Kafka client gets */
        public Map<String, String> getProperties() {
            return properties;
        }

        /** @param properties the properties every Kafka client gets */
        public void setProperties(Map<String, String> properties) {
            this.properties = properties;
        }
    }

    /** The per-user rate limit (a token bucket in Redis). */
    public static class RateLimit {

        /** Whether likes are rate-limited per user. */
        private boolean enabled = true;

        /** The average rate per user, per second. */
        private double perSecond = 20;

        /** The most likes of one user at once. */
        private int burst = 60;

        /** @return whether the limit is on */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether the limit is on */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the average rate per second */
        public double getPerSecond() {
            return perSecond;
        }

        /** @param perSecond the average rate per second */
        public void setPerSecond(double perSecond) {
            this.perSecond = perSecond;
        }

        /** @return the burst */
        public int getBurst() {
            return burst;
        }

        /** @param burst the burst */
        public void setBurst(int burst) {
            this.burst = burst;
        }
    }
}
