package dev.likes.kafka;

import dev.likes.core.LikeEvent;
import dev.likes.testservers.TestServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    /** Publishes every event through a {@link KafkaEventPublisher} and waits for all acknowledgements. */
    static void publishAll(String topic, List<LikeEvent> history) throws Exception {
        try (KafkaEventPublisher publisher = KafkaEventPublisher.builder(TestServices.kafkaBootstrap()).topic(topic).build()) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (LikeEvent event : history) {
                acks.add(publisher.publish(event).toCompletableFuture());
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
        }
    }
}
