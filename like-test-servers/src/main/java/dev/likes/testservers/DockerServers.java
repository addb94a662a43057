package dev.likes.testservers;

import dev.likes.testcontainers.LikeContainers;
import dev.likes.testcontainers.LikeStack;
import java.util.List;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mysql.MySQLContainer;

/**
 * The Testcontainers way to the test servers, for machines with a Docker engine and no {@code LIKE_TEST_*}
 * variables: Redis, MySQL and Kafka as {@link LikeContainers} makes them, a Redis Cluster, and RabbitMQ with the
 * consistent-hash exchange plugin. Each container starts
 * on first use, once per JVM.
 *
 * <p>The Redis Cluster runs three servers in one container that announce {@code 127.0.0.1}, on the fixed host ports
 * {@value #CLUSTER_FIRST_PORT} to {@value #CLUSTER_FIRST_PORT}+2 (a cluster tells clients its nodes' own addresses,
 * so they must be reachable as announced).
 */
final class DockerServers {

    static final int CLUSTER_FIRST_PORT = 27001;

    private static volatile Optional<DockerServers> instance;

    private GenericContainer<?> redis;
    private GenericContainer<?> cluster;
    private MySQLContainer mysql;
    private KafkaContainer kafka;
    private GenericContainer<?> rabbitMq;

    private DockerServers() {}

    static Optional<DockerServers> instance() {
        if (instance == null) {
            synchronized (DockerServers.class) {
                if (instance == null) {
                    instance = DockerClientFactory.instance().isDockerAvailable()
                            ? Optional.of(new DockerServers())
                            : Optional.empty();
                }
            }
        }
        return instance;
    }

    synchronized String redisUri() {
        if (redis == null) {
            redis = LikeContainers.redis();
            redis.start();
        }
        return LikeContainers.redisUri(redis);
    }

    @SuppressWarnings({"deprecation", "resource"})
    synchronized List<String> redisClusterUris() {
        int a = CLUSTER_FIRST_PORT;
        int b = a + 1;
        int c = a + 2;
        if (cluster == null) {
            String node = "redis-server --port %d --cluster-enabled yes --cluster-config-file nodes-%d.conf"
                    + " --cluster-announce-ip 127.0.0.1 --save '' --appendonly no --daemonize yes;";
            String script = String.format(node, a, a) + String.format(node, b, b) + String.format(node, c, c)
                    + "sleep 1; redis-cli --cluster create 127.0.0.1:" + a + " 127.0.0.1:" + b + " 127.0.0.1:" + c
                    + " --cluster-replicas 0 --cluster-yes; echo CLUSTER-READY; tail -f /dev/null";
            cluster = new FixedHostPortGenericContainer<>(LikeContainers.REDIS_IMAGE)
                    .withFixedExposedPort(a, a)
                    .withFixedExposedPort(b, b)
                    .withFixedExposedPort(c, c)
                    .withCommand("sh", "-c", script)
                    .waitingFor(Wait.forLogMessage(".*CLUSTER-READY.*", 1));
            cluster.start();
        }
        return List.of("redis://127.0.0.1:" + a, "redis://127.0.0.1:" + b, "redis://127.0.0.1:" + c);
    }

    synchronized JdbcEndpoint jdbc() {
        if (mysql == null) {
            mysql = LikeContainers.mysql();
            mysql.start();
        }
        return new JdbcEndpoint(mysql.getJdbcUrl(), mysql.getUsername(), mysql.getPassword());
    }

    synchronized String kafkaBootstrap() {
        if (kafka == null) {
            kafka = LikeContainers.kafka();
            kafka.start();
            LikeContainers.createTopics(kafka, LikeStack.TOPICS.toArray(String[]::new));
        }
        return kafka.getBootstrapServers();
    }

    @SuppressWarnings("resource")
    synchronized String rabbitMqUri() {
        if (rabbitMq == null) {
            rabbitMq = new GenericContainer<>(LikeContainers.RABBITMQ_IMAGE)
                    .withExposedPorts(5672)
                    .withEnv("RABBITMQ_DEFAULT_USER", "like")
                    .withEnv("RABBITMQ_DEFAULT_PASS", "like-test-only")
                    .withCommand("sh", "-c", "rabbitmq-plugins enable --offline rabbitmq_consistent_hash_exchange"
                            + " && exec docker-entrypoint.sh rabbitmq-server")
                    .waitingFor(Wait.forLogMessage(".*Server startup complete.*", 1));
            rabbitMq.start();
        }
        return "amqp://like:like-test-only@" + rabbitMq.getHost() + ":" + rabbitMq.getMappedPort(5672);
    }
}
