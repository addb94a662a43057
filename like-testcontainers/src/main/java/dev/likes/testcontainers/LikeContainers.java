package dev.likes.testcontainers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Makes the containers of the servers a like pipeline runs on, configured as the project's {@code docker-compose.yml}
 * and {@code scripts/services.sh} configure them (a test of the project checks that the three agree): a Redis that
 * writes every change to its append-only file before it answers and refuses writes when full, a MySQL 8.4 with the
 * database {@value #DATABASE} and a user who may create databases, a single-node KRaft Kafka with
 * {@value #PARTITIONS} partitions per topic.
 *
 * <p>Each method returns a new, unstarted container: the caller starts, uses and closes it, or hands it to JUnit's
 * Testcontainers extension. {@link LikeStack} starts the three together. The images are pinned: {@value #REDIS_IMAGE},
 * {@value #MYSQL_IMAGE}, {@value #KAFKA_IMAGE}. Thread-safe (no state).
 */
public final class LikeContainers {

    /** The Redis image. */
    public static final String REDIS_IMAGE = "redis:7.2";
    /** The MySQL image. */
    public static final String MYSQL_IMAGE = "mysql:8.4";
    /** The Kafka image (KRaft, no ZooKeeper). */
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    /** The RabbitMQ image: the 3.10 line, as Debian's rabbitmq-server; enable its consistent-hash exchange plugin. */
    public static final String RABBITMQ_IMAGE = "rabbitmq:3.10.25-alpine";
    /** The database the MySQL container creates. */
    public static final String DATABASE = "like_test";
    /** The MySQL user, who may create databases. */
    public static final String USER = "like";
    /** The MySQL user's password: a throwaway container's, never a real secret. */
    public static final String PASSWORD = "like-test-only";
    /** The partitions of each topic the Kafka container creates. */
    public static final int PARTITIONS = 4;
    /** The port Redis listens on inside its container. */
    public static final int REDIS_PORT = 6379;

    /**
     * The settings Redis runs with, as {@code redis-server} arguments: {@code appendfsync always}, so a like Redis
     * acknowledged survives a crash of Redis (the outbox holds events there), and {@code noeviction}, so a full Redis
     * refuses writes instead of dropping keys that hold unrelayed events.
     */
    public static final List<String> REDIS_ARGS = List.of("--appendonly", "yes", "--appendfsync", "always",
            "--maxmemory-policy", "noeviction", "--lazyfree-lazy-expire", "yes");

    /** The settings MySQL runs with, as {@code mysqld} arguments. */
    public static final List<String> MYSQL_ARGS = List.of("--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci");

    /** The SQL the MySQL container runs once, when its data directory is new (a classpath resource). */
    public static final String MYSQL_INIT_RESOURCE = "dev/likes/testcontainers/mysql-init.sql";

    private LikeContainers() {}

    /**
     * A Redis container; its URI, once started, is {@link #redisUri(GenericContainer)}.
     *
     * @return a new, unstarted container
     */
    @SuppressWarnings("resource")
    public static GenericContainer<?> redis() {
        List<String> command = new ArrayList<>();
        command.add("redis-server");
        command.addAll(REDIS_ARGS);
        return new GenericContainer<>(DockerImageName.parse(REDIS_IMAGE))
                .withExposedPorts(REDIS_PORT)
                .withCommand(command.toArray(String[]::new))
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));
    }

    /**
     * The URI of a started Redis container.
     *
     * @param redis a container made by {@link #redis()}, started
     * @return a URI such as {@code redis://localhost:32768}
     */
    public static String redisUri(GenericContainer<?> redis) {
        Objects.requireNonNull(redis, "redis");
        return "redis://" + redis.getHost() + ':' + redis.getMappedPort(REDIS_PORT);
    }

    /**
     * A MySQL container with the database {@value #DATABASE} and the user {@value #USER}, who may create databases;
     * its endpoint, once started, is {@code getJdbcUrl()}, {@code getUsername()} and {@code getPassword()}. Starting
     * it needs a MySQL JDBC driver on the classpath (Testcontainers connects to know when it is up).
     *
     * @return a new, unstarted container
     */
    @SuppressWarnings("resource")
    public static MySQLContainer mysql() {
        return new MySQLContainer(DockerImageName.parse(MYSQL_IMAGE))
                .withDatabaseName(DATABASE)
                .withUsername(USER)
                .withPassword(PASSWORD)
                .withCopyFileToContainer(MountableFile.forClasspathResource(MYSQL_INIT_RESOURCE),
                        "/docker-entrypoint-initdb.d/10-like.sql")
                .withCommand(MYSQL_ARGS.toArray(String[]::new));
    }

    /**
     * A single-node KRaft Kafka container whose topics have {@value #PARTITIONS} partitions; its bootstrap address,
     * once started, is {@code getBootstrapServers()}. Create the pipeline's topics with
     * {@link #createTopics(KafkaContainer, String...)}.
     *
     * @return a new, unstarted container
     */
    @SuppressWarnings("resource")
    public static KafkaContainer kafka() {
        return new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                .withEnv("KAFKA_NUM_PARTITIONS", Integer.toString(PARTITIONS));
    }

    /**
     * Creates topics of {@value #PARTITIONS} partitions in a started Kafka container, unless they exist: for the
     * pipeline, its topic and the dead-letter topic ({@code like-events} and {@code like-events.dlq} by default).
     *
     * @param kafka a container made by {@link #kafka()}, started
     * @param topics the topic names
     * @throws IllegalStateException if Kafka refuses one
     */
    public static void createTopics(KafkaContainer kafka, String... topics) {
        Objects.requireNonNull(kafka, "kafka");
        for (String topic : topics) {
            Objects.requireNonNull(topic, "topics");
            try {
                // the broker listener answers inside the container under the container's own host name
                Container.ExecResult result = kafka.execInContainer("/opt/kafka/bin/kafka-topics.sh",
                        "--bootstrap-server", "localhost:9093", "--create", "--if-not-exists", "--topic", topic,
                        "--partitions", Integer.toString(PARTITIONS), "--replication-factor", "1");
                if (result.getExitCode() != 0) {
                    throw new IllegalStateException("could not create topic " + topic + ": " + result.getStderr());
                }
            } catch (IOException e) {
                throw new IllegalStateException("could not create topic " + topic, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + topic, e);
            }
        }
    }
}
