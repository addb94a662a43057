package dev.likes.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

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

    private final Redis redis = new Redis();
    private final Kafka kafka = new Kafka();
    private final Rabbitmq rabbitmq = new Rabbitmq();
    private final RateLimit rateLimit = new RateLimit();
    private final CircuitBreaker circuitBreaker = new CircuitBreaker();
    private final Consumer consumer = new Consumer();

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

    /** @return the queue of the pipeline */
    public Queue getQueue() {
        return queue;
    }

    /** @param queue the queue of the pipeline */
    public void setQueue(Queue queue) {
        this.queue = queue;
    }

    /** @return the RabbitMQ settings */
    public Rabbitmq getRabbitmq() {
        return rabbitmq;
    }

    /** @return the Kafka settings */
    public Kafka getKafka() {
        return kafka;
    }

    /** @return the per-user rate limit */
    public RateLimit getRateLimit() {
        return rateLimit;
    }

    /** @return the circuit breaker around Redis */
    public CircuitBreaker getCircuitBreaker() {
        return circuitBreaker;
    }

    /** @return the consumer's settings */
    public Consumer getConsumer() {
        return consumer;
    }

    /** Where Redis is, and the store's settings on it. */
    public static class Redis {

        /**
         * The Redis URI, e.g. redis://:secret@127.0.0.1:6379/0 (rediss:// for TLS). Default: Spring Boot's
         * spring.data.redis.url, else spring.data.redis.host, port, username, password and database.
         */
        private @Nullable String uri;

        /** The prefix of every Redis key of the store (no braces, at most 40 characters). */
        private String keyPrefix = "like";

        /** Contents are spread over this many shards (hash tags); one script call serves one shard. */
        private int shards = 16;

        /**
         * The server's hash-max-listpack-entries, which sizes the status buckets; 0 reads it with CONFIG GET (128 when
         * the server refuses, as some managed services do).
         */
        private int hashMaxListpackEntries;

        /** How long one Redis call may take before it fails; keep it below like.call-timeout. */
        private Duration commandTimeout = Duration.ofSeconds(1);

        /** How long a liked content stays in Redis after its last change. */
        private Duration hotTtl = Duration.ofHours(24);

        /** How long a content loaded for reading stays in Redis. */
        private Duration coldTtl = Duration.ofHours(1);

        /** How long a content nobody likes is remembered as empty. */
        private Duration emptyTtl = Duration.ofMinutes(1);

        /** How long a request ID is remembered, so that a retry is not applied twice. */
        private Duration requestIdTtl = Duration.ofHours(24);

        /** How long a count read from Redis is served from this process's memory when Redis cannot answer. */
        private Duration localCountCacheTtl = Duration.ofSeconds(1);

        /** The most contents whose counts this process keeps in memory. */
        private long localCountCacheSize = 100_000;

        /**
         * What to do when Redis's settings cannot keep what the store acknowledges (appendfsync, maxmemory-policy):
         * REFUSE to start, WARN, or SKIP the check (for a managed Redis that refuses CONFIG GET).
         */
        private String settingsCheck = "REFUSE";

        /** @return the URI, or {@code null} for Spring Boot's settings */
        public @Nullable String getUri() {
            return uri;
        }

        /** @param uri the URI */
        public void setUri(@Nullable String uri) {
            this.uri = uri;
        }
    

        /** @return the key prefix */
        public String getKeyPrefix() {
            return keyPrefix;
        }

        /** @param keyPrefix the key prefix */
        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        /** @return the number of shards */
        public int getShards() {
            return shards;
        }

        /** @param shards the number of shards */
        public void setShards(int shards) {
            this.shards = shards;
        }

        /** @return the server's hash-max-listpack-entries, 0 to read it */
        public int getHashMaxListpackEntries() {
            return hashMaxListpackEntries;
        }

        /** @param hashMaxListpackEntries the server's hash-max-listpack-entries, 0 to read it */
        public void setHashMaxListpackEntries(int hashMaxListpackEntries) {
            this.hashMaxListpackEntries = hashMaxListpackEntries;
        }

        /** @return the command timeout */
        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        /** @param commandTimeout the command timeout */
        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        /** @return the expiry of changed contents */
        public Duration getHotTtl() {
            return hotTtl;
        }

        /** @param hotTtl the expiry of changed contents */
        public void setHotTtl(Duration hotTtl) {
            this.hotTtl = hotTtl;
        }

        /** @return the expiry of contents loaded for reading */
        public Duration getColdTtl() {
            return coldTtl;
        }

        /** @param coldTtl the expiry of contents loaded for reading */
        public void setColdTtl(Duration coldTtl) {
            this.coldTtl = coldTtl;
        }

        /** @return the expiry of empty contents */
        public Duration getEmptyTtl() {
            return emptyTtl;
        }

        /** @param emptyTtl the expiry of empty contents */
        public void setEmptyTtl(Duration emptyTtl) {
            this.emptyTtl = emptyTtl;
        }

        /** @return how long request IDs are kept */
        public Duration getRequestIdTtl() {
            return requestIdTtl;
        }

        /** @param requestIdTtl how long request IDs are kept */
        public void setRequestIdTtl(Duration requestIdTtl) {
            this.requestIdTtl = requestIdTtl;
        }

        /** @return the local count cache's expiry */
        public Duration getLocalCacheTtl() {
            return localCountCacheTtl;
        }

        /** @param localCountCacheTtl the local count cache's expiry */
        public void setLocalCacheTtl(Duration localCountCacheTtl) {
            this.localCountCacheTtl = localCountCacheTtl;
        }

        /** @return the local count cache's size */
        public long getLocalCacheSize() {
            return localCountCacheSize;
        }

        /** @param localCountCacheSize the local count cache's size */
        public void setLocalCacheSize(long localCountCacheSize) {
            this.localCountCacheSize = localCountCacheSize;
        }

        /** @return the settings check */
        public String getSettingsCheck() {
            return settingsCheck;
        }

        /** @param settingsCheck the settings check */
        public void setSettingsCheck(String settingsCheck) {
            this.settingsCheck = settingsCheck;
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

    /** Where RabbitMQ is, and the exchange and queues of the events ({@code like.queue=rabbitmq}). */
    public static class Rabbitmq {

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

    /** The circuit breaker around Redis (unless the host's CircuitBreakerRegistry holds one named like-redis). */
    public static class CircuitBreaker {

        /** The failure rate, in percent, at which the breaker opens. */
        private float failureRateThreshold = 50;

        /** How many of the last calls the failure rate is measured over. */
        private int slidingWindowSize = 20;

        /** How many calls the window needs before the breaker can open. */
        private int minimumNumberOfCalls = 5;

        /** How long the breaker stays open before it lets probes through. */
        private Duration waitDurationInOpenState = Duration.ofSeconds(2);

        /** How many probes a half-open breaker lets through. */
        private int permittedNumberOfCallsInHalfOpenState = 3;

        /** @return the failure rate threshold */
        public float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        /** @param failureRateThreshold the failure rate threshold */
        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        /** @return the window size */
        public int getSlidingWindowSize() {
            return slidingWindowSize;
        }

        /** @param slidingWindowSize the window size */
        public void setSlidingWindowSize(int slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        /** @return the minimum number of calls */
        public int getMinimumNumberOfCalls() {
            return minimumNumberOfCalls;
        }

        /** @param minimumNumberOfCalls the minimum number of calls */
        public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        /** @return the time open */
        public Duration getWaitDurationInOpenState() {
            return waitDurationInOpenState;
        }

        /** @param waitDurationInOpenState the time open */
        public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }

        /** @return the number of probes */
        public int getPermittedNumberOfCallsInHalfOpenState() {
            return permittedNumberOfCallsInHalfOpenState;
        }

        /** @param permittedNumberOfCallsInHalfOpenState the number of probes */
        public void setPermittedNumberOfCallsInHalfOpenState(int permittedNumberOfCallsInHalfOpenState) {
            this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
        }
    }

    /** The consumer that writes the events into MySQL. */
    public static class Consumer {

        /** The most events the consumer hands to MySQL in one batch. */
        private int maxBatch = 1_000;

        /** How long one batch may take in MySQL before it is retried. */
        private Duration sinkTimeout = Duration.ofSeconds(30);

        /** The first wait after a failed batch or poll; it doubles up to backoff-max. */
        private Duration backoffInitial = Duration.ofMillis(100);

        /** The longest wait between retries. */
        private Duration backoffMax = Duration.ofSeconds(10);

        /** The longest record value a dead letter carries; a longer one is cut. */
        private int deadLetterMaxBytes = 256 * 1024;

        /** @return the batch size */
        public int getMaxBatch() {
            return maxBatch;
        }

        /** @param maxBatch the batch size */
        public void setMaxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
        }

        /** @return the sink timeout */
        public Duration getSinkTimeout() {
            return sinkTimeout;
        }

        /** @param sinkTimeout the sink timeout */
        public void setSinkTimeout(Duration sinkTimeout) {
            this.sinkTimeout = sinkTimeout;
        }

        /** @return the first backoff */
        public Duration getBackoffInitial() {
            return backoffInitial;
        }

        /** @param backoffInitial the first backoff */
        public void setBackoffInitial(Duration backoffInitial) {
            this.backoffInitial = backoffInitial;
        }

        /** @return the longest backoff */
        public Duration getBackoffMax() {
            return backoffMax;
        }

        /** @param backoffMax the longest backoff */
        public void setBackoffMax(Duration backoffMax) {
            this.backoffMax = backoffMax;
        }

        /** @return the dead-letter value limit */
        public int getDeadLetterMaxBytes() {
            return deadLetterMaxBytes;
        }

        /** @param deadLetterMaxBytes the dead-letter value limit */
        public void setDeadLetterMaxBytes(int deadLetterMaxBytes) {
            this.deadLetterMaxBytes = deadLetterMaxBytes;
        }
    }
}
