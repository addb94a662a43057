package dev.likes.kafka;

import dev.likes.testsupport.TestServices;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Test helper: topics of the test's own, with their dead-letter topics. */
final class Kafka {

    private Kafka() {}

    static String newTopic(int partitions) {
        String topic = TestServices.uniqueName("likes");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap()))) {
            LikeTopics.createIfAbsent(admin, topic, partitions, (short) 1, LikeTopics.DEFAULT_RETENTION);
            LikeTopics.createIfAbsent(admin, topic + ".dlq", 1, (short) 1, LikeTopics.DEFAULT_RETENTION);
        }
        return topic;
    }
}
