package dev.likes.pipeline;

import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeEventSink;
import dev.likes.core.LikeStoreException;
import dev.likes.kafka.KafkaEventPublisher;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.kafka.LikeTopics;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/** The pipeline on Kafka: a topic and its dead-letter topic, a consumer group. */
final class KafkaEventQueue implements EventQueue {

    private final String bootstrap;
    private final Map<String, Object> clientProperties;
    private final Map<String, Object> adminConfig;
    private final String topic;
    private final String group;
    private final int createPartitions;
    private final short createReplication;
    private final Consumer<KafkaEventPublisher.Builder> publisherCustomizer;
    private final Consumer<KafkaLikeConsumer.Builder> consumerCustomizer;

    KafkaEventQueue(String bootstrap, Map<String, Object> clientProperties, Map<String, Object> adminProperties,
            String topic, String group, int createPartitions, short createReplication,
            Consumer<KafkaEventPublisher.Builder> publisherCustomizer,
            Consumer<KafkaLikeConsumer.Builder> consumerCustomizer) {
        this.bootstrap = bootstrap;
        this.clientProperties = Map.copyOf(clientProperties);
        this.adminConfig = Map.copyOf(Preflight.adminConfig(bootstrap, clientProperties, adminProperties));
        this.topic = topic;
        this.group = group;
        this.createPartitions = createPartitions;
        this.createReplication = createReplication;
        this.publisherCustomizer = publisherCustomizer;
        this.consumerCustomizer = consumerCustomizer;
    }

    @Override
    public void prepare() {
        try (Admin admin = Admin.create(adminConfig)) {
            if (createPartitions > 0) {
                LikeTopics.createIfAbsent(admin, topic, createPartitions, createReplication, LikeTopics.DEFAULT_RETENTION);
                // the consumer's dead-letter topic (its default name): poison is kept as long as the events
                LikeTopics.createIfAbsent(admin, topic + ".dlq", 1, createReplication, LikeTopics.DEFAULT_RETENTION);
            } else {
                Preflight.topic(admin, topic, topic + ".dlq");
            }
        }
    }

    @Override
    public EventPublisher openPublisher() {
        KafkaEventPublisher.Builder builder = KafkaEventPublisher.builder(bootstrap).topic(topic);
        clientProperties.forEach(builder::producerProperty);
        publisherCustomizer.accept(builder);
        return builder.build();
    }

    @Override
    public LikeEventConsumer newConsumer(LikeEventSink sink) {
        KafkaLikeConsumer.Builder builder = KafkaLikeConsumer.builder(bootstrap, group, sink).topic(topic);
        clientProperties.forEach(builder::consumerProperty);
        consumerCustomizer.accept(builder);
        return builder.build();
    }

    /** Reads the topic's end offsets, then waits until the consumer group committed at least those. */
    @Override
    public void awaitConsumed(long deadline) throws InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(adminConfig)) {
            TopicDescription description = Objects.requireNonNull(
                    get(admin.describeTopics(List.of(topic)).allTopicNames(), deadline).get(topic), topic);
            Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    get(admin.listOffsets(latest).all(), deadline);
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), deadline);
                boolean caughtUp = ends.entrySet().stream().allMatch(end -> {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    return end.getValue().offset() == 0 || at != null && at.offset() >= end.getValue().offset();
                });
                if (caughtUp) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new TimeoutException("consumer group " + group + " has not applied the events of " + topic
                            + " published before the call");
                }
                Thread.sleep(200);
            }
        }
    }

    private static <T> T get(KafkaFuture<T> future, long deadline) throws InterruptedException, TimeoutException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new LikeStoreException("Kafka failed: " + cause, cause);
        }
    }
}
