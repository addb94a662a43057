package dev.likes.kafka;

import static dev.likes.kafka.KafkaRoundTripIT.assertFinalState;
import static dev.likes.kafka.KafkaRoundTripIT.header;
import static dev.likes.kafka.KafkaRoundTripIT.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import dev.likes.events.LikeEventCodec;
import dev.likes.testkit.EventHistory;
import dev.likes.testkit.InMemoryEventSink;
import dev.likes.testservers.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The poison of the production shape among valid events on the same partitions: each costs one dead letter, never the
 * partition, and every valid event behind it is applied.
 */
class KafkaPoisonIT {

    private static final long UNSTORABLE_USER = 666;

    @Test
    void eachPoisonRecordIsSetAsideAloneAndThePartitionMovesOn() throws Exception {
        String topic = Kafka.newTopic(2);
        List<LikeEvent> history = EventHistory.random(3_000, 50, 8, 11);
        LikeEvent template = history.get(0);
        String valid = new String(LikeEventCodec.encode(template), StandardCharsets.UTF_8);
        byte[] huge = new byte[1_048_000];
        Arrays.fill(huge, (byte) 'x');
        LikeEvent unstorable = new LikeEvent("poison-db", null, UNSTORABLE_USER, template.content(), template.action(),
                template.occurredAt(), 1, 1);
        List<byte[]> poison = List.of(
                "null".getBytes(StandardCharsets.UTF_8),
                "not json \u001b[31m".getBytes(StandardCharsets.UTF_8),
                "{\"v\":1,\"shape\":\"wrong\"}".getBytes(StandardCharsets.UTF_8),
                valid.replace(template.occurredAt().toString(), "+10000-01-01T00:00:00Z").getBytes(StandardCharsets.UTF_8),
                valid.replace("\"v\":1", "\"v\":1.9").getBytes(StandardCharsets.UTF_8),
                huge,
                LikeEventCodec.encode(unstorable));
        int tombstones = 1;

        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        List<Future<?>> acks = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            int every = history.size() / (poison.size() + tombstones + 1);
            int next = 0;
            for (int i = 0; i < history.size(); i++) {
                LikeEvent event = history.get(i);
                String key = event.content().type() + ':' + event.content().id();
                if (i > 0 && i % every == 0 && next <= poison.size()) {
                    byte[] value = next < poison.size() ? poison.get(next) : null; // the last is a tombstone
                    acks.add(producer.send(new ProducerRecord<>(topic, key, value)));
                    next++;
                }
                acks.add(producer.send(new ProducerRecord<>(topic, key, LikeEventCodec.encode(event))));
            }
            for (Future<?> ack : acks) {
                ack.get(1, TimeUnit.MINUTES);
            }
        }

        InMemoryEventSink state = new InMemoryEventSink();
        // a database that refuses one event's data, as MySQL refuses a value it cannot store, failing its whole batch
        LikeEventSink database = events -> events.stream().anyMatch(e -> e.userId() == UNSTORABLE_USER)
                ? CompletableFuture.failedFuture(new UnstorableEventException("Data truncation for user 666", null))
                : state.apply(events);
        int letters = poison.size() + tombstones;
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), database)
                        .topic(topic)
                        .maxBatch(400)
                        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> state.applied() == history.size() && consumer.deadLetteredRecords() == letters);
            assertThat(consumer.sinkFailures()).isZero(); // an unstorable event is split out, not retried
            assertThat(consumer.isRunning()).isTrue();
        }
        assertFinalState(history, state);

        List<ConsumerRecord<String, byte[]>> dead = readAll(topic + ".dlq", letters);
        assertThat(dead).hasSize(letters);
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, "like.dlq.source")).startsWith(topic + "-");
            assertThat(header(r, "like.dlq.reason")).isNotBlank().hasSizeLessThan(1_200).doesNotContain("\u001b");
        });
        assertThat(dead).extracting(r -> header(r, "like.dlq.reason"))
                .anyMatch(reason -> reason.contains("occurredAt"))
                .anyMatch(reason -> reason.contains("schema version"))
                .anyMatch(reason -> reason.contains("the sink cannot store it") && reason.contains("Data truncation"))
                .anyMatch(reason -> reason.contains("no value"));
        ConsumerRecord<String, byte[]> cut = dead.stream()
                .filter(r -> r.headers().lastHeader("like.dlq.original.size") != null)
                .findFirst()
                .orElseThrow();
        assertThat(header(cut, "like.dlq.original.size")).isEqualTo(Integer.toString(huge.length));
        assertThat(cut.value()).hasSize(KafkaLikeConsumer.DEFAULT_DEAD_LETTER_MAX_BYTES);
    }
}
