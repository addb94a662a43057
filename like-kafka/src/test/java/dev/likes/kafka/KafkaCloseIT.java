package dev.likes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.testkit.EventHistory;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Closing a consumer while the sink is still applying a batch leaves the batch uncommitted for the next owner. */
class KafkaCloseIT {

    @Test
    void aBatchTheSinkHasNotFinishedWhenTheConsumerClosesIsNotCommitted() throws Exception {
        String topic = Kafka.newTopic(1);
        List<LikeEvent> history = EventHistory.randomIds(200, 20, 4, 5);
        Kafka.publishAll(topic, history);
        String group = TestServices.uniqueName("g");
        CompletableFuture<Void> stuck = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        LikeEventSink slow = events -> {
            calls.incrementAndGet();
            return stuck; // still applying when the consumer closes
        };
        KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(TestServices.kafkaBootstrap(), group, slow)
                .topic(topic)
                .sinkTimeout(Duration.ofSeconds(1))
                .build()
                .start();
        try {
            // past the sink timeout: the consumer waits for the call to end before it tries again
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.sinkFailures() >= 1);
        } finally {
            consumer.close();
        }
        stuck.complete(null); // the call ends after the consumer closed: its batch must still be read again

        assertThat(calls.get()).isEqualTo(1);
        assertThat(consumer.appliedEvents()).isZero();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestServices.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            OffsetAndMetadata offset = committed.get(new TopicPartition(topic, 0));
            assertThat(offset == null ? 0 : offset.offset()).as("committed offset").isZero();
        }
    }
}
