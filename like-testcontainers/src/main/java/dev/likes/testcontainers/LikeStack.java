package dev.likes.testcontainers;

import java.util.List;
import java.util.stream.Stream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.mysql.MySQLContainer;

/**
 * Redis, MySQL and Kafka, started together as {@link LikeContainers} makes them, with the pipeline's topics created:
 * what a host's integration test needs to run a whole pipeline.
 *
 * <pre>{@code
 * try (LikeStack stack = LikeStack.start()) {
 *     RedisClient redis = RedisClient.create(stack.redisUri());
 *     Jdbi jdbi = Jdbi.create(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
 *     // ... build the pipeline on stack.kafkaBootstrapServers()
 * }
 * }</pre>
 *
 * <p>The getters are thread-safe; {@link #close()} stops and removes the three containers.
 */
public final class LikeStack implements AutoCloseable {

    /** The topics {@link #start()} creates: the pipeline's default topic and its dead-letter topic. */
    public static final List<String> TOPICS = List.of("like-events", "like-events.dlq");

    private final GenericContainer<?> redis;
    private final MySQLContainer mysql;
    private final KafkaContainer kafka;

    private LikeStack(GenericContainer<?> redis, MySQLContainer mysql, KafkaContainer kafka) {
        this.redis = redis;
        this.mysql = mysql;
        this.kafka = kafka;
    }

    /**
     * Starts the three containers in parallel and creates {@link #TOPICS}; stops what started if one fails.
     *
     * @return the running stack
     * @throws RuntimeException if a container does not start (no Docker engine, an image that cannot be pulled)
     */
    public static LikeStack start() {
        LikeStack stack = new LikeStack(LikeContainers.redis(), LikeContainers.mysql(), LikeContainers.kafka());
        try {
            Startables.deepStart(Stream.of(stack.redis, stack.mysql, stack.kafka)).join();
            LikeContainers.createTopics(stack.kafka, TOPICS.toArray(String[]::new));
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Redis.
     *
     * @return a URI such as {@code redis://localhost:32768}
     */
    public String redisUri() {
        return LikeContainers.redisUri(redis);
    }

    /**
     * MySQL's database {@value LikeContainers#DATABASE}.
     *
     * @return a JDBC URL
     */
    public String jdbcUrl() {
        return mysql.getJdbcUrl();
    }

    /**
     * The MySQL user, who may create databases.
     *
     * @return {@value LikeContainers#USER}
     */
    public String jdbcUser() {
        return mysql.getUsername();
    }

    /**
     * The MySQL user's password.
     *
     * @return {@value LikeContainers#PASSWORD}
     */
    public String jdbcPassword() {
        return mysql.getPassword();
    }

    /**
     * Kafka.
     *
     * @return a bootstrap address such as {@code localhost:32770}
     */
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    /** Stops and removes the three containers. */
    @Override
    public void close() {
        kafka.stop();
        mysql.stop();
        redis.stop();
    }
}
