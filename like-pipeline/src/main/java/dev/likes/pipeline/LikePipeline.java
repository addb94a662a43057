package dev.likes.pipeline;

import dev.likes.core.LikeAction;
import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStoreException;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.kafka.KafkaEventPublisher;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.redis.RedisLikeStore;
import dev.likes.redis.RedisStorePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;
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

    private final Wiring parts;

    private LikePipeline(Wiring parts) {
        this.parts = parts;
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
        return parts.purge.run();
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
     *       transaction ({@link JdbiLikeStore#eraseUser}), publishing one {@link LikeAction#ERASE}
     *       event per record before its batch commits, so that consumers downstream erase too; from then on the
     *       consumer ignores the user's events from before the erasure;
     *   <li>deletes the user's request IDs and keys from Redis ({@link RedisStorePolicy#eraseUser});
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
        return parts.eraser.forget(userId, timeout);
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
        return parts.service;
    }

    /**
     * The Redis store (its counters and operations are behind {@link RedisLikeStore#policy()}).
     *
     * @return the store
     */
    public RedisLikeStore redisStore() {
        return parts.redis;
    }

    /**
     * The MySQL store, which the consumer writes and Redis reads through to.
     *
     * @return the store
     */
    public JdbiLikeStore mysqlStore() {
        return parts.mysql;
    }

    /**
     * The consumer writing events into MySQL, if this pipeline runs one, on either queue. The pipeline keeps one
     * running while it is open: a consumer that stopped (closed by someone else, or its thread died) is replaced
     * within about 5 s, so call this again rather than keeping the result.
     *
     * @return the consumer running now, or empty
     */
    public Optional<LikeEventConsumer> eventConsumer() {
        return parts.consumers == null ? Optional.empty() : Optional.of(parts.consumers.current());
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
        ConsumerSupervisor consumers = parts.consumers;
        return consumers == null ? 0 : consumers.replacements();
    }

    /**
     * The reconciler over this pipeline's Redis and MySQL.
     *
     * @return the reconciler
     */
    public LikeReconciler reconciler() {
        return parts.reconciler;
    }

    /**
     * The state of the Redis circuit breaker.
     *
     * @return e.g. {@code CLOSED} or {@code OPEN}
     */
    public String circuitState() {
        return parts.breaker.getState().name();
    }

    /**
     * The state of the circuit breaker in front of MySQL's reads for Redis' loads: {@code OPEN} while MySQL failed or
     * answered slowly (over half the call timeout, at most 1 s) for most of the last loads; then a like on a content
     * Redis must load is accepted in degraded mode at once. Contents Redis holds are not affected.
     *
     * @return {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
     */
    public String mysqlCircuitState() {
        return parts.mysqlBreaker.getState().name();
    }

    /**
     * Changes accepted in degraded mode that are not yet replayed into Redis.
     *
     * @return the backlog
     */
    public int degradedBacklog() {
        return parts.resilient.degradedBacklog();
    }

    /**
     * Replays degraded changes into Redis now, as the background task does every repair interval.
     */
    public void repairNow() {
        parts.resilient.repairAll();
    }

    /**
     * Stops the consumer and background work, refuses new calls, waits up to the call timeout for the likes and
     * unlikes in flight to end, then closes what the pipeline created, newest first. A change still in flight then
     * fails with an unknown outcome; none is accepted in degraded mode while the pipeline closes.
     */
    @Override
    public void close() {
        parts.close();
    }

    /** Configures a {@link LikePipeline}. Not thread-safe. Every setter validates its argument and names it. */
    public static final class Builder extends PipelineProtectionSettings {

        private Builder() {}

        /**
         * Connects everything and starts the consumer and the background repair. First checks that every shard holds
         * the library's tables and that Kafka's topic exists (or creates it, with {@link #createTopic}), or declares
         * RabbitMQ's exchange and queues; a broker that does not answer within 10 s is logged, not fatal (the outbox
         * holds the events until it is back).
         *
         * @return the running pipeline
         * @throws IllegalStateException if Redis, a queue or MySQL was not given, both queues were, a shard lacks the
         *     tables, the topic does not exist, or RabbitMQ refused the topology
         * @throws LikeStoreException if Redis cannot be reached or its settings cannot keep what the
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
            return new LikePipeline(Wiring.open(this));
        }
    }
}
