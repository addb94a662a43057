package dev.likes.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;

/**
 * The stack starts and is configured as {@link LikeContainers} says: Redis with {@code appendfsync always} and
 * {@code noeviction}, a MySQL user who may create databases, Kafka with both topics of {@link LikeStack#TOPICS}.
 * Runs where a Docker engine is; this is the one test of the project that needs Docker rather than the servers of
 * {@code scripts/services.sh}, and docs/building.md says where it ran.
 */
@EnabledIf("dockerAvailable")
class LikeStackIT {

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Test
    void theStackRunsWithTheSettingsOfLikeContainers() throws Exception {
        try (LikeStack stack = LikeStack.start()) {
            RedisClient client = RedisClient.create(stack.redisUri());
            try (StatefulRedisConnection<String, String> redis = client.connect()) {
                assertThat(redis.sync().configGet("appendfsync")).containsEntry("appendfsync", "always");
                assertThat(redis.sync().configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");
            } finally {
                client.shutdown();
            }
            try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
                    Statement s = c.createStatement()) {
                s.executeUpdate("CREATE DATABASE like_stack_it CHARACTER SET utf8mb4");
                try (ResultSet rs = s.executeQuery("SELECT @@character_set_server")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("utf8mb4");
                }
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.kafkaBootstrapServers()))) {
                Map<String, TopicDescription> topics = admin.describeTopics(Set.copyOf(LikeStack.TOPICS))
                        .allTopicNames().get();
                assertThat(topics).hasSize(2);
                topics.values().forEach(t -> assertThat(t.partitions()).hasSize(LikeContainers.PARTITIONS));
            }
        }
    }
}
