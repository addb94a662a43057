package dev.likes.pipeline;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.events.LikeEventCodec;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jdbi.v3.core.Jdbi;

/**
 * One test's own pipeline on the real servers: its own database, topic, consumer group and Redis key prefix, with
 * short timeouts so that faults are noticed and recovered from within seconds.
 */
final class Harness implements AutoCloseable {

    final String prefix = TestServices.uniqueName("pl");
    /** The Kafka topic, or the RabbitMQ exchange and the base name of its queues. */
    final String topic;
    final String group = TestServices.uniqueName("writers");
    final Jdbi jdbi;
    final JdbcEndpoint endpoint;
    /** Whether the pipelines of this harness run on RabbitMQ rather than Kafka. */
    final boolean rabbit;
    private final HikariDataSource pool;

    Harness() {
        this(false);
    }

    /** On RabbitMQ if {@code rabbit}, else on Kafka. */
    Harness(boolean rabbit) {
        this(TestServices.freshDatabase(), true, rabbit, TestServices.uniqueName("likes"));
    }

    /** Over an existing database and queue (a child process joining its parent's test). */
    Harness(JdbcEndpoint endpoint, boolean createSchema, boolean rabbit, String topic) {
        this.endpoint = endpoint;
        this.rabbit = rabbit;
        this.topic = topic;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        config.setPassword(endpoint.password());
        config.setMaximumPoolSize(12);
        config.setConnectionTimeout(5_000);
        config.setPoolName(prefix);
        this.pool = new HikariDataSource(config);
        this.jdbi = Jdbi.create(pool);
        if (createSchema) {
            JdbiLikeStore.createSchema(jdbi);
        }
    }

    /** A pipeline over this harness' database, queue, group and prefix, tuned for fast fault detection. */
    LikePipeline.Builder pipeline() {
        LikePipeline.Builder builder = LikePipeline.builder();
        if (rabbit) {
            builder.rabbitmq(TestServices.rabbitMqUri(), topic, 4)
                    .configureRabbitPublisher(p -> p.confirmTimeout(Duration.ofSeconds(5)))
                    .configureRabbitConsumer(c -> c.backoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
        } else {
            builder.kafka(TestServices.kafkaBootstrap())
                    .topic(topic)
                    .createTopic(4, (short) 1)
                    .consumerGroup(group)
                    .configurePublisher(p -> p.producerProperty("delivery.timeout.ms", 60_000)
                            .producerProperty("request.timeout.ms", 5_000)
                            .producerProperty("max.block.ms", 5_000))
                    .configureConsumer(c -> c.backoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
        }
        return builder
                .redis(RedisURI.create(TestServices.redisUri()))
                .mysql(jdbi)
                .noRateLimit()
                .repairInterval(Duration.ofMillis(200))
                .circuitBreaker(CircuitBreakerConfig.custom()
                        .slidingWindowSize(10)
                        .minimumNumberOfCalls(3)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofMillis(500))
                        .permittedNumberOfCallsInHalfOpenState(2)
                        .build())
                .configureRedis(r -> r.keyPrefix(prefix)
                        .commandTimeout(Duration.ofMillis(700))
                        .loadTimeout(Duration.ofSeconds(5))
                        .outboxSweep(Duration.ofMillis(250), Duration.ofSeconds(1)));
    }

    /** Who likes what in MySQL's records, read on the primary. */
    Map<ContentRef, Set<Long>> mysqlLikers() {
        Map<ContentRef, Set<Long>> likers = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT user_id, content_id, content_type FROM like_records WHERE is_canceled = 0")
                .map((rs, ctx) -> likers.computeIfAbsent(ContentRef.of(rs.getString(3), rs.getLong(2)), c -> new HashSet<>())
                        .add(rs.getLong(1)))
                .list());
        return likers;
    }

    /** The count rows of MySQL. */
    Map<ContentRef, Long> mysqlCounts() {
        Map<ContentRef, Long> counts = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT content_id, content_type, like_count FROM like_counts")
                .map((rs, ctx) -> counts.put(ContentRef.of(rs.getString(2), rs.getLong(1)), rs.getLong(3)))
                .list());
        return counts;
    }

    /** The event IDs of every event on this harness' topic, read from the start until 3 s pass without one. */
    List<String> eventIds() {
        Properties config = new Properties();
        config.put("bootstrap.servers", TestServices.kafkaBootstrap());
        config.put("group.id", TestServices.uniqueName("ids"));
        config.put("auto.offset.reset", "earliest");
        List<String> ids = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, byte[]>(config,
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                records.forEach(r -> ids.add(LikeEventCodec.decode(r.value()).eventId()));
            }
        }
        return ids;
    }

    long mysqlRecordRows() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM like_records").mapTo(Long.class).one());
    }

    @Override
    public void close() {
        pool.close();
    }
}
