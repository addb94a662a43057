package dev.likes.pipeline;

import com.rabbitmq.client.ConnectionFactory;
import dev.likes.core.EventPublisher;
import dev.likes.core.JobLeases;
import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStoreException;
import dev.likes.jdbc.ArchiveSink;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.jdbc.JdbiShard;
import dev.likes.kafka.KafkaEventPublisher;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.rabbitmq.LikeQueues;
import dev.likes.rabbitmq.RabbitConnections;
import dev.likes.rabbitmq.RabbitEventPublisher;
import dev.likes.rabbitmq.RabbitLikeConsumer;
import dev.likes.redis.RedisLikeStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole design in one object: Redis as the hot tier (read-through to MySQL, a transactional outbox), every state
 * change published to Kafka, a consumer writing the events into MySQL's {@code like_records}, and around the hot path
 * a rate limit per user, a bound on calls in flight, and a circuit breaker with the "liked, will show later" degraded
 * mode.
 *
 * <pre>{@code
 * try (LikePipeline pipeline = LikePipeline.builder()
 *         .redis(RedisURI.create("redis://127.0.0.1:6379"))
 *         .kafka("127.0.0.1:9092")
 *         .mysql(jdbi)
 *         .build()) {
 *     LikeService likes = pipeline.service();
 *     likes.like(42, ContentRef.of("post", 1));
 * }
 * }</pre>
 *
 * <p><b>Guarantees</b> (RELIABILITY.md names the test that proves each one): a like or unlike that returned is never
 * lost, even if this process dies right after or Kafka or MySQL is down for minutes; no retry path applies one twice;
 * after load stops MySQL converges to Redis; while Redis is down, likes answer {@code ACCEPTED} and still reach MySQL,
 * and Redis is repaired when it is back.
 *
 * <p>Thread-safe. {@link #close()} stops the consumer and the background work and closes every client the pipeline
 * created; the {@link Jdbi} and a cluster client passed in stay open.
 */
public final class LikePipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LikePipeline.class);

    /** The topic unless configured. */
    public static final String DEFAULT_TOPIC = KafkaEventPublisher.DEFAULT_TOPIC;
    /** The consumer group of the MySQL writer unless configured. */
    public static final String DEFAULT_CONSUMER_GROUP = "like-mysql-writer";
    /** The name of the circuit breaker around Redis, also in a host's {@link CircuitBreakerRegistry}. */
    public static final String BREAKER_NAME = "like-redis";
    /** The name of the circuit breaker in front of MySQL's reads for Redis' loads. */
    public static final String MYSQL_BREAKER_NAME = "like-mysql-loads";
    /** The name of the job whose lease {@link #purgeExpiredRequests()} holds. */
    public static final String PURGE_JOB = "request-purge";

    private final JdbiLikeStore mysql;
    private final EventPublisher publisher;
    private final RedisLikeStore redis;
    private final ResilientLikeStore resilient;
    private final CircuitBreaker breaker;
    private final CircuitBreaker mysqlBreaker;
    private final LikeService service;
    private final @Nullable ConsumerSupervisor consumers;
    private final LikeReconciler reconciler;
    private final JobLeases jobLeases;
    private final Upkeep upkeep;
    private final Deque<AutoCloseable> opened;
    private final Clock clock;
    private final UserEraser eraser;

    private LikePipeline(Wiring w, Duration repairInterval) {
        this.opened = w.opened;
        this.clock = w.clock;
        this.mysql = w.mysql;
        this.publisher = w.publisher;
        this.redis = w.redis;
        this.resilient = w.resilient;
        this.breaker = w.breaker;
        this.mysqlBreaker = w.mysqlBreaker;
        this.service = w.service;
        this.consumers = w.consumers;
        this.reconciler = w.reconciler;
        this.jobLeases = w.jobLeases;
        this.upkeep = w.upkeep;
        this.eraser = w.eraser;
        upkeep.start(resilient, redis, repairInterval, this::purgeExpiredRequests, consumers);
        if (consumers != null) {
            consumers.start();
        }
    }

    /**
     * Deletes the request IDs in MySQL's {@code like_requests} whose time to be remembered has passed, if this
     * instance gets the lease of job {@value #PURGE_JOB} (in {@code like_job_leases} of the first primary): every
     * instance runs it hourly, one at a time does the work. Blocks until done, at most 10 minutes.
     *
     * @return how many were deleted; 0 when another instance holds the lease
     * @throws InterruptedException if interrupted while waiting
     * @throws ExecutionException if MySQL failed
     * @throws TimeoutException if it took longer than 10 minutes
     * @throws LikeStoreException if the lease could not be read or written
     */
    public long purgeExpiredRequests() throws InterruptedException, ExecutionException, TimeoutException {
        Optional<JobLeases.Lease> lease = jobLeases.tryAcquire(PURGE_JOB, Duration.ofMinutes(15));
        if (lease.isEmpty()) {
            log.debug("another instance holds the lease of job {}: not purging", PURGE_JOB);
            return 0;
        }
        try {
            return mysql.purgeExpiredRequests(clock.instant(), 10_000).toCompletableFuture().get(10, TimeUnit.MINUTES);
        } finally {
            lease.get().close();
        }
    }

    /**
     * Erases a user for data protection, from every tier, and announces each erased record on the topic:
     *
     * <ol>
     *   <li>waits until every change made before the call is in MySQL (the outbox holds none, the consumer group has
     *       applied the topic up to its end);
     *   <li>withdraws each like the user still has, as an unlike applied to Redis (counts drop at once, and the
     *       events go the usual way);
     *   <li>deletes the user's records from MySQL's hot table and archive, and their request IDs, a batch per
     *       transaction ({@link JdbiLikeStore#eraseUser}), publishing one {@link dev.likes.core.LikeAction#ERASE}
     *       event per record before its batch commits, so that consumers downstream erase too; from then on the
     *       consumer ignores the user's events from before the erasure;
     *   <li>deletes the user's request IDs and keys from Redis ({@link dev.likes.redis.RedisStorePolicy#eraseUser});
     *   <li>deletes the copies of the {@link Builder#archiveSink archive sink}, if one is set.
     * </ol>
     *
     * <p>Every step is idempotent: after a failure or a timeout, run it again and it goes on with what is left. What
     * stays: the user's ID and the erasure's times in {@code like_erasures} (so that late events stay ignored), the
     * events already on the topic until its retention drops them, and the copies of a sink that is not set here.
     * Changes the user makes during the erasure are not covered: disable the user first. Blocks; not for the request
     * path.
     *
     * @param userId the user, positive
     * @param timeout how long to wait in all
     * @return what was erased
     * @throws IllegalArgumentException if {@code userId} is not positive
     * @throws LikeStoreException if Redis' breaker is not closed, the journal holds changes of the user not yet
     *     replayed (both: run it again later), or a store failed
     * @throws TimeoutException if it took longer than {@code timeout}, or the event log did not deliver the user's
     *     earlier changes in that time
     * @throws InterruptedException if interrupted while waiting
     */
    public Erasure forgetUser(long userId, Duration timeout) throws InterruptedException, TimeoutException {
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be positive, but was " + userId);
        }
        Objects.requireNonNull(timeout, "timeout must not be null");
        return eraser.forget(userId, timeout);
    }

    /**
     * Starts a builder; {@link Builder#redis}, a queue ({@link Builder#kafka} or {@link Builder#rabbitmq}) and
     * {@link Builder#mysql} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The like service host code calls.
     *
     * @return the service, thread-safe
     */
    public LikeService service() {
        return service;
    }

    /**
     * The Redis store (its counters and operations are behind {@link RedisLikeStore#policy()}).
     *
     * @return the store
     */
    public RedisLikeStore redisStore() {
        return redis;
    }

    /**
     * The MySQL store, which the consumer writes and Redis reads through to.
     *
     * @return the store
     */
    public JdbiLikeStore mysqlStore() {
        return mysql;
    }

    /**
     * The consumer writing events into MySQL, if this pipeline runs one, on either queue. The pipeline keeps one
     * running while it is open: a consumer that stopped (closed by someone else, or its thread died) is replaced
     * within about 5 s, so call this again rather than keeping the result.
     *
     * @return the consumer running now, or empty
     */
    public Optional<LikeEventConsumer> eventConsumer() {
        return consumers == null ? Optional.empty() : Optional.of(consumers.current());
    }

    /**
     * The Kafka consumer writing events into MySQL, if this pipeline runs one on Kafka; see {@link #eventConsumer()},
     * which works on either queue.
     *
     * @return the consumer running now, or empty (also on RabbitMQ)
     */
    public Optional<KafkaLikeConsumer> consumer() {
        return eventConsumer().filter(KafkaLikeConsumer.class::isInstance).map(KafkaLikeConsumer.class::cast);
    }

    /**
     * How often a stopped consumer was replaced by a new one since the pipeline was built.
     *
     * @return the count
     */
    public long consumerReplacements() {
        return consumers == null ? 0 : consumers.replacements();
    }

    /**
     * The reconciler over this pipeline's Redis and MySQL.
     *
     * @return the reconciler
     */
    public LikeReconciler reconciler() {
        return reconciler;
    }

    /**
     * The state of the Redis circuit breaker.
     *
     * @return e.g. {@code CLOSED} or {@code OPEN}
     */
    public String circuitState() {
        return breaker.getState().name();
    }

    /**
     * The state of the circuit breaker in front of MySQL's reads for Redis' loads: {@code OPEN} while MySQL failed or
     * answered slowly (over half the call timeout, at most 1 s) for most of the last loads; then a like on a content
     * Redis must load is accepted in degraded mode at once. Contents Redis holds are not affected.
     *
     * @return {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
     */
    public String mysqlCircuitState() {
        return mysqlBreaker.getState().name();
    }

    /**
     * Changes accepted in degraded mode that are not yet replayed into Redis.
     *
     * @return the backlog
     */
    public int degradedBacklog() {
        return resilient.degradedBacklog();
    }

    /**
     * Replays degraded changes into Redis now, as the background task does every repair interval.
     */
    public void repairNow() {
        resilient.repairAll();
    }

    /**
     * Stops the consumer and background work, refuses new calls, waits up to the call timeout for the likes and
     * unlikes in flight to end, then closes what the pipeline created, newest first. A change still in flight then
     * fails with an unknown outcome; none is accepted in degraded mode while the pipeline closes.
     */
    @Override
    public void close() {
        closeAll(opened);
    }

    static void closeAll(Deque<AutoCloseable> opened) {
        RuntimeException failure = null;
        AutoCloseable next;
        while ((next = opened.poll()) != null) {
            try {
                next.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure == null) {
                    failure = new IllegalStateException("could not close the like pipeline cleanly", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Configures a {@link LikePipeline}. Not thread-safe. Every setter validates its argument and names it. */
    public static final class Builder {

        @Nullable RedisURI redisUri;
        @Nullable RedisClient redisClient;
        @Nullable RedisClusterClient redisCluster;
        @Nullable String kafka;
        @Nullable String rabbitUri;
        /* No initializer and no method descriptor of this class names a like-rabbitmq class: a host on Kafka has
         * none on its class path, and reflection over the builder must not need them. */
        String rabbitExchange = LikeQueues.DEFAULT_NAME; // constants: compiled in, nothing loaded
        int rabbitQueueCount = LikeQueues.DEFAULT_QUEUES;
        @Nullable Consumer<ConnectionFactory> rabbitConnection;
        @Nullable Consumer<RabbitEventPublisher.Builder> rabbitPublisherCustomizer;
        @Nullable Consumer<RabbitLikeConsumer.Builder> rabbitConsumerCustomizer;
        @Nullable List<JdbiShard> shards;
        String topic = DEFAULT_TOPIC;
        String consumerGroup = DEFAULT_CONSUMER_GROUP;
        boolean runConsumer = true;
        @Nullable ArchiveSink archiveSink;
        @Nullable ObservationRegistry observationRegistry;
        int createTopicPartitions;
        short createTopicReplication;
        double ratePerSecond = 20;
        int rateBurst = 60;
        int maxInFlight = 10_000;
        int maxDegraded = 100_000;
        Duration repairInterval = Duration.ofSeconds(1);
        Duration callTimeout = LikeService.DEFAULT_CALL_TIMEOUT;
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(2))
                .permittedNumberOfCallsInHalfOpenState(3)
                .build();
        @Nullable MeterRegistry meterRegistry;
        Clock clock = Clock.systemUTC();
        Consumer<RedisLikeStore.Builder> redisCustomizer = b -> {};
        Consumer<JdbiLikeStore.Builder> mysqlCustomizer = b -> {};
        Consumer<KafkaEventPublisher.Builder> publisherCustomizer = b -> {};
        Consumer<KafkaLikeConsumer.Builder> consumerCustomizer = b -> {};
        @Nullable CircuitBreakerRegistry breakerRegistry;
        final Map<String, Object> kafkaClientProperties = new LinkedHashMap<>();
        final Map<String, Object> kafkaAdminProperties = new LinkedHashMap<>();

        private Builder() {}

        /**
         * A standalone Redis (the pipeline creates and closes its client).
         *
         * @param uri e.g. {@code redis://127.0.0.1:6379}, with password and TLS as Lettuce allows
         * @return this builder
         */
        public Builder redis(RedisURI uri) {
            this.redisUri = Objects.requireNonNull(uri, "redis uri must not be null");
            this.redisClient = null;
            this.redisCluster = null;
            return this;
        }

        /**
         * A standalone Redis, through a client the host owns (its event loops, options and TLS settings; for
         * example Spring Data's native client). The pipeline opens its connections to {@code uri} on it and closes
         * them; the client stays open.
         *
         * @param client the host's client
         * @param uri the server to connect to through it
         * @return this builder
         */
        public Builder redis(RedisClient client, RedisURI uri) {
            this.redisClient = Objects.requireNonNull(client, "redis client must not be null");
            this.redisUri = Objects.requireNonNull(uri, "redis uri must not be null");
            this.redisCluster = null;
            return this;
        }

        /**
         * A Redis Cluster, through a client the host owns.
         *
         * @param client the cluster client
         * @return this builder
         */
        public Builder redisCluster(RedisClusterClient client) {
            this.redisCluster = Objects.requireNonNull(client, "redisCluster client must not be null");
            this.redisUri = null;
            this.redisClient = null;
            return this;
        }

        /**
         * Kafka's bootstrap servers.
         *
         * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
         * @return this builder
         */
        public Builder kafka(String bootstrapServers) {
            Objects.requireNonNull(bootstrapServers, "kafka bootstrapServers must not be null");
            if (bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("kafka bootstrapServers must not be blank");
            }
            this.kafka = bootstrapServers;
            return this;
        }

        /**
         * RabbitMQ as the queue instead of Kafka, with the default topology ({@link LikeQueues#defaults()}: exchange
         * {@value LikeQueues#DEFAULT_NAME}, {@value LikeQueues#DEFAULT_QUEUES} quorum queues), declared at build.
         * Needs module {@code like-rabbitmq} on the classpath and the broker's
         * {@code rabbitmq_consistent_hash_exchange} plugin. The guarantees are those of Kafka: see
         * {@link RabbitEventPublisher} and {@link RabbitLikeConsumer}. The Kafka settings of this builder
         * ({@link #topic}, {@link #consumerGroup}, {@link #kafkaClientProperty}, ...) do not apply.
         *
         * @param uri an AMQP URI, e.g. {@code amqp://user:password@127.0.0.1:5672/vhost}
         * @return this builder
         */
        public Builder rabbitmq(String uri) {
            return rabbitmq(uri, LikeQueues.DEFAULT_NAME, LikeQueues.DEFAULT_QUEUES);
        }

        /**
         * RabbitMQ as the queue instead of Kafka, with the topology {@link LikeQueues#of LikeQueues.of(exchange,
         * queues)}; every publisher and consumer of the exchange must use the same number of queues.
         *
         * @param uri an AMQP URI, e.g. {@code amqp://user:password@127.0.0.1:5672/vhost}
         * @param exchange the exchange, which names the queues (see {@link LikeQueues#of})
         * @param queues how many quorum queues share the events, 1 to {@value LikeQueues#MAX_QUEUES}
         * @return this builder
         * @throws IllegalArgumentException if the URI is blank, or the exchange or count breaks its rule
         */
        public Builder rabbitmq(String uri, String exchange, int queues) {
            Objects.requireNonNull(uri, "rabbitmq uri must not be null");
            if (uri.isBlank()) {
                throw new IllegalArgumentException("rabbitmq uri must not be blank");
            }
            LikeQueues.of(exchange, queues); // checks both now
            this.rabbitUri = uri;
            this.rabbitExchange = exchange;
            this.rabbitQueueCount = queues;
            return this;
        }

        /**
         * Adjusts the RabbitMQ connection factory of the publisher, the consumer and the pipeline's own checks (TLS,
         * a credentials provider, timeouts); see {@link RabbitConnections#factory}. Several customizers run in the
         * order given.
         *
         * @param customizer called with each factory
         * @return this builder
         */
        public Builder configureRabbitConnection(Consumer<ConnectionFactory> customizer) {
            Objects.requireNonNull(customizer, "configureRabbitConnection customizer must not be null");
            this.rabbitConnection = rabbitConnection == null ? customizer : rabbitConnection.andThen(customizer);
            return this;
        }

        /**
         * Adjusts the RabbitMQ publisher before it is built (confirm timeout, pending bound). Several customizers run
         * in the order given.
         *
         * @param customizer called with the publisher's builder
         * @return this builder
         */
        public Builder configureRabbitPublisher(Consumer<RabbitEventPublisher.Builder> customizer) {
            Objects.requireNonNull(customizer, "configureRabbitPublisher customizer must not be null");
            this.rabbitPublisherCustomizer = rabbitPublisherCustomizer == null ? customizer
                    : rabbitPublisherCustomizer.andThen(customizer);
            return this;
        }

        /**
         * Adjusts the RabbitMQ consumer before it is built (batch size, prefetch, backoff). Several customizers run
         * in the order given.
         *
         * @param customizer called with the consumer's builder
         * @return this builder
         */
        public Builder configureRabbitConsumer(Consumer<RabbitLikeConsumer.Builder> customizer) {
            Objects.requireNonNull(customizer, "configureRabbitConsumer customizer must not be null");
            this.rabbitConsumerCustomizer = rabbitConsumerCustomizer == null ? customizer
                    : rabbitConsumerCustomizer.andThen(customizer);
            return this;
        }

        /* Only the chosen queue's classes are loaded: a host on Kafka needs no like-rabbitmq on its classpath. */
        EventQueue eventQueue() {
            if (rabbitUri != null) {
                return new RabbitEventQueue(rabbitUri, LikeQueues.of(rabbitExchange, rabbitQueueCount),
                        rabbitConnection == null ? f -> { } : rabbitConnection,
                        rabbitPublisherCustomizer == null ? b -> { } : rabbitPublisherCustomizer,
                        rabbitConsumerCustomizer == null ? b -> { } : rabbitConsumerCustomizer);
            }
            return new KafkaEventQueue(Objects.requireNonNull(kafka), kafkaClientProperties, kafkaAdminProperties, topic,
                    consumerGroup, createTopicPartitions, createTopicReplication, publisherCustomizer,
                    consumerCustomizer);
        }

        /**
         * One MySQL (or MariaDB) database holding {@code like_records} and {@code like_counts}.
         *
         * @param jdbi the database; the host owns it
         * @return this builder
         */
        public Builder mysql(Jdbi jdbi) {
            this.shards = List.of(JdbiShard.of(Objects.requireNonNull(jdbi, "mysql jdbi must not be null")));
            return this;
        }

        /**
         * Several MySQL shards (contents spread by id), each with an optional read replica.
         *
         * @param shards at least one
         * @return this builder
         */
        public Builder mysqlShards(List<JdbiShard> shards) {
            Objects.requireNonNull(shards, "mysqlShards must not be null");
            if (shards.isEmpty()) {
                throw new IllegalArgumentException("mysqlShards must hold at least one shard");
            }
            this.shards = List.copyOf(shards);
            return this;
        }

        /**
         * The topic of the events. Default {@value LikePipeline#DEFAULT_TOPIC}.
         *
         * @param topic a legal Kafka topic name
         * @return this builder
         */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic must not be null");
            return this;
        }

        /**
         * Creates the topic and the consumer's dead-letter topic ({@code <topic>.dlq}, one partition) at build time
         * unless they exist (for development; production topics belong to the platform's tooling). Off by default.
         *
         * @param partitions at least 1
         * @param replicationFactor at least 1
         * @return this builder
         */
        public Builder createTopic(int partitions, short replicationFactor) {
            if (partitions < 1 || replicationFactor < 1) {
                throw new IllegalArgumentException("createTopic partitions and replicationFactor must be at least 1,"
                        + " but were " + partitions + " and " + replicationFactor);
            }
            this.createTopicPartitions = partitions;
            this.createTopicReplication = replicationFactor;
            return this;
        }

        /**
         * Sets a property every Kafka client of the pipeline gets: the publisher's producer, the consumer, its
         * dead-letter producer and the admin client that creates topics. For what they share, such as
         * {@code security.protocol}, {@code sasl.jaas.config} or {@code ssl.truststore.location}. Client-specific
         * settings go through {@link #configurePublisher} and {@link #configureConsumer}, which win.
         *
         * @param name a property every Kafka client accepts
         * @param value its value
         * @return this builder
         */
        public Builder kafkaClientProperty(String name, Object value) {
            kafkaClientProperties.put(kafkaProperty("kafkaClientProperty", name, value), value);
            return this;
        }

        /**
         * Sets a property of the admin client that checks (or creates) the topics at build time, over the
         * {@link #kafkaClientProperty shared ones}: for settings only the admin needs, such as its own SASL login.
         *
         * @param name a property Kafka's admin client accepts
         * @param value its value
         * @return this builder
         */
        public Builder kafkaAdminProperty(String name, Object value) {
            kafkaAdminProperties.put(kafkaProperty("kafkaAdminProperty", name, value), value);
            return this;
        }

        private static String kafkaProperty(String setter, String name, Object value) {
            Objects.requireNonNull(name, setter + " name must not be null");
            Objects.requireNonNull(value, setter + " " + name + " must not be null");
            if (name.equals("bootstrap.servers")) {
                throw new IllegalArgumentException("bootstrap.servers is set with kafka(bootstrapServers)");
            }
            return name;
        }

        /**
         * The consumer group of the MySQL writer. Default {@value LikePipeline#DEFAULT_CONSUMER_GROUP}.
         *
         * @param group the group id
         * @return this builder
         */
        public Builder consumerGroup(String group) {
            Objects.requireNonNull(group, "consumerGroup must not be null");
            if (group.isBlank()) {
                throw new IllegalArgumentException("consumerGroup must not be blank");
            }
            this.consumerGroup = group;
            return this;
        }

        /**
         * Whether this process runs the consumer that writes events into MySQL. Default {@code true}; turn it off
         * where the writers run as processes of their own.
         *
         * @param run whether to run it
         * @return this builder
         */
        public Builder runConsumer(boolean run) {
            this.runConsumer = run;
            return this;
        }

        /**
         * The per-user rate limit (token bucket in Redis). Default 20 a second, bursts of 60.
         *
         * @param perSecond the average rate, greater than 0
         * @param burst the most at once, at least 1
         * @return this builder
         */
        public Builder rateLimit(double perSecond, int burst) {
            if (!(perSecond > 0 && perSecond <= 1_000_000)) {
                throw new IllegalArgumentException("rateLimit perSecond must be greater than 0 and at most 1000000,"
                        + " but was " + perSecond);
            }
            if (burst < 1 || burst > 1_000_000) {
                throw new IllegalArgumentException("rateLimit burst must be between 1 and 1000000, but was " + burst);
            }
            this.ratePerSecond = perSecond;
            this.rateBurst = burst;
            return this;
        }

        /**
         * No per-user rate limit (for benchmarks, or when a gateway limits already). Saves a Redis round trip.
         *
         * @return this builder
         */
        public Builder noRateLimit() {
            this.ratePerSecond = 0;
            return this;
        }

        /**
         * The most likes and unlikes in flight in this process; beyond it calls are shed at once with
         * {@code LikeRejectedException} ({@code OVERLOADED}). Default 10,000.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxInFlight(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, but was " + max);
            }
            this.maxInFlight = max;
            return this;
        }

        /**
         * The most changes accepted in degraded mode and kept for replay into Redis; beyond it, calls are refused
         * ({@code OVERLOADED}) so a long Redis outage never fills the heap. Default 100,000.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxDegraded(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxDegraded must be at least 1, but was " + max);
            }
            this.maxDegraded = max;
            return this;
        }

        /**
         * The most time one call of {@link #service()} takes, counted from the call; see
         * {@link LikeService.Builder#callTimeout(Duration)}. A like that runs out of time fails with
         * {@link dev.likes.core.LikeTimeoutException} and is not answered by the degraded mode: its outcome is unknown.
         * Keep it above the Redis command timeout (1 second by default), so that a call refused by a dead Redis still
         * has time for the degraded mode. Default 2 seconds.
         *
         * @param timeout at least 1 ms
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "callTimeout must not be null");
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException("callTimeout must be at least 1 ms, but was " + timeout);
            }
            this.callTimeout = timeout;
            return this;
        }

        /**
         * How often degraded changes are replayed into Redis once it is back. Default 1 second.
         *
         * @param interval at least 10 ms
         * @return this builder
         */
        public Builder repairInterval(Duration interval) {
            Objects.requireNonNull(interval, "repairInterval must not be null");
            if (interval.toMillis() < 10) {
                throw new IllegalArgumentException("repairInterval must be at least 10 ms, but was " + interval);
            }
            this.repairInterval = interval;
            return this;
        }

        /**
         * The circuit breaker around Redis (Resilience4j). Default: count-based window of 20 calls, opens at 50%
         * failures (after at least 5 calls), stays open 2 seconds, then lets 3 probes through.
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreakerConfig config) {
            this.breakerConfig = Objects.requireNonNull(config, "circuitBreaker config must not be null");
            return this;
        }

        /**
         * Takes the circuit breaker around Redis from the host's registry: the breaker named
         * {@value LikePipeline#BREAKER_NAME} if the registry holds one (configured by the host, e.g. through
         * Resilience4j's Spring Boot properties), otherwise one created in the registry with the
         * {@link #circuitBreaker(CircuitBreakerConfig) configuration given here} and removed from it on
         * {@link LikePipeline#close()}. Either way the registry's meters and endpoints show it.
         *
         * @param registry the host's registry
         * @return this builder
         */
        public Builder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
            this.breakerRegistry = Objects.requireNonNull(registry, "circuitBreakerRegistry must not be null");
            return this;
        }

        /**
         * Observes each like and unlike ({@code like.mutation}, contextual name {@code like} or {@code unlike},
         * low-cardinality keys {@code like.action}, {@code like.content.type}, {@code like.outcome}), each feed read
         * ({@code like.feed}) and each batch the consumer writes to MySQL ({@code like.consumer.batch}) with
         * Micrometer's Observation API: with a meter handler they are timers, with Micrometer Tracing spans, and the
         * trace is in the MDC of what the call logs on the caller's thread. Not set: nothing is observed.
         *
         * @param registry the host's observation registry
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observationRegistry = Objects.requireNonNull(registry, "observationRegistry must not be null");
            return this;
        }

        /**
         * The sink the host's {@link dev.likes.jdbc.LikeArchiver} copies archived records to, so that
         * {@link #forgetUser} erases its copies too. Not set: the copies are the host's to erase
         * ({@link ArchiveSink#eraseUser}).
         *
         * @param sink the archive sink
         * @return this builder
         */
        public Builder archiveSink(ArchiveSink sink) {
            this.archiveSink = Objects.requireNonNull(sink, "archiveSink must not be null");
            return this;
        }

        /**
         * Registers the pipeline's meters (named {@code likes.*}; docs/pipeline.md lists them) on a Micrometer registry
         * and removes them on {@link LikePipeline#close()}: the registry may outlive the pipeline. Without it nothing
         * is registered, and Micrometer need not be on the class path.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
            return this;
        }

        /**
         * The clock that times likes and degraded versions. Default the system clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * Adjusts the Redis store before it is built (timeouts, TTLs, local cache, outbox sweep, key prefix). The
         * backing store and the outbox are set by the pipeline. Several customizers run in the order given.
         *
         * @param customizer called with the store's builder
         * @return this builder
         */
        public Builder configureRedis(Consumer<RedisLikeStore.Builder> customizer) {
            this.redisCustomizer = this.redisCustomizer.andThen(
                    Objects.requireNonNull(customizer, "configureRedis customizer must not be null"));
            return this;
        }

        /**
         * Adjusts the MySQL store before it is built (its pools, query timeout, request-ID TTL, and with replicas,
         * read-your-writes and how long a failed replica is skipped). Several customizers run in the order given.
         *
         * @param customizer called with the store's builder
         * @return this builder
         */
        public Builder configureMysql(Consumer<JdbiLikeStore.Builder> customizer) {
            this.mysqlCustomizer = this.mysqlCustomizer.andThen(
                    Objects.requireNonNull(customizer, "configureMysql customizer must not be null"));
            return this;
        }

        /**
         * Adjusts the Kafka publisher before it is built (producer properties such as SASL settings). Several
         * customizers run in the order given.
         *
         * @param customizer called with the publisher's builder
         * @return this builder
         */
        public Builder configurePublisher(Consumer<KafkaEventPublisher.Builder> customizer) {
            this.publisherCustomizer = this.publisherCustomizer.andThen(
                    Objects.requireNonNull(customizer, "configurePublisher customizer must not be null"));
            return this;
        }

        /**
         * Adjusts the consumer before it is built (batch size, backoff, consumer properties). Several customizers
         * run in the order given.
         *
         * @param customizer called with the consumer's builder
         * @return this builder
         */
        public Builder configureConsumer(Consumer<KafkaLikeConsumer.Builder> customizer) {
            this.consumerCustomizer = this.consumerCustomizer.andThen(
                    Objects.requireNonNull(customizer, "configureConsumer customizer must not be null"));
            return this;
        }

        /**
         * Connects everything and starts the consumer and the background repair. First checks that every shard holds
         * the library's tables and that Kafka's topic exists (or creates it, with {@link #createTopic}), or declares
         * RabbitMQ's exchange and queues; a broker that does not answer within 10 s is logged, not fatal (the outbox
         * holds the events until it is back).
         *
         * @return the running pipeline
         * @throws IllegalStateException if Redis, a queue or MySQL was not given, both queues were, a shard lacks the
         *     tables, the topic does not exist, or RabbitMQ refused the topology
         * @throws dev.likes.core.LikeStoreException if Redis cannot be reached or its settings cannot keep what the
         *     store acknowledges (see {@link RedisLikeStore.Builder#settingsCheck})
         */
        public LikePipeline build() {
            if (redisUri == null && redisCluster == null) {
                throw new IllegalStateException("redis(...) or redisCluster(...) is required");
            }
            if (kafka == null && rabbitUri == null) {
                throw new IllegalStateException("a queue is required: kafka(bootstrapServers) or rabbitmq(uri)");
            }
            if (kafka != null && rabbitUri != null) {
                throw new IllegalStateException("kafka(...) and rabbitmq(...) are both set: the pipeline uses one queue;"
                        + " choose one");
            }
            if (shards == null) {
                throw new IllegalStateException("mysql(jdbi) or mysqlShards(...) is required");
            }
            Deque<AutoCloseable> opened = new ArrayDeque<>();
            try {
                return new LikePipeline(new Wiring(this, opened), repairInterval);
            } catch (RuntimeException e) {
                try {
                    closeAll(opened);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }
}
