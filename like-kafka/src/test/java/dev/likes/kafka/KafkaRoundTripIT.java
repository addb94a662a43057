package dev.likes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.events.LikeEventCodec;
import dev.likes.testkit.EventHistory;
import dev.likes.testkit.InMemoryEventSink;
import dev.likes.testservers.TestServices;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Events through a real broker: all of them, in order per content, and poison records set aside. */
class KafkaRoundTripIT {

    @Test
    void everyPublishedEventIsAppliedExactlyOnceInOrderPerContent() throws Exception {
        String topic = Kafka.newTopic(4);
        List<LikeEvent> history = EventHistory.random(10_000, 300, 20, 1);
        Kafka.publishAll(topic, history);

        InMemoryEventSink state = new InMemoryEventSink();
        Map<ContentRef, List<Long>> seen = Collections.synchronizedMap(new HashMap<>());
        LikeEventSink recording = events -> {
            for (LikeEvent e : events) {
                seen.computeIfAbsent(e.content(), c -> new ArrayList<>()).add(e.version());
            }
            return state.apply(events);
        };
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), recording)
                        .topic(topic)
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(2)).until(() -> consumer.appliedEvents() >= history.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.lag() == 0);
            assertThat(consumer.appliedEvents()).isEqualTo(history.size());
        }

        assertThat(state.delivered()).isEqualTo(history.size());
        assertThat(state.applied()).isEqualTo(history.size());
        seen.values().forEach(versions -> assertThat(versions).isSorted().doesNotHaveDuplicates());
        assertFinalState(history, state);
    }

    @Test
    void theConsumersMetersCountItsWorkOnTheHostsRegistryAndLeaveWithIt() throws Exception {
        String topic = Kafka.newTopic(2);
        List<LikeEvent> history = EventHistory.random(500, 50, 10, 3);
        Kafka.publishAll(topic, history);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), new InMemoryEventSink())
                        .topic(topic)
                        .meterRegistry(registry, Tags.of("consumer", "likes"))
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.appliedEvents() >= history.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.lag() == 0);
            assertThat(registry.get("likes.consumer.applied").tags("consumer", "likes").functionCounter().count())
                    .isEqualTo(history.size());
            assertThat(registry.get("likes.consumer.lag").gauge().value()).isZero();
            assertThat(registry.get("likes.consumer.healthy").gauge().value()).isEqualTo(1);
            assertThat(registry.get("likes.consumer.dead.lettered").functionCounter().count()).isZero();
            assertThat(registry.get("likes.consumer.since.success").gauge().getId().getBaseUnit()).isEqualTo("seconds");
        }
        assertThat(registry.getMeters()).as("closing the consumer removes its meters").isEmpty();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAndTheRestIsApplied() throws Exception {
        String topic = Kafka.newTopic(1);
        List<LikeEvent> history = EventHistory.random(100, 10, 2, 2);
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap());
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < history.size(); i++) {
                if (i == 10) {
                    raw.send(new ProducerRecord<>(topic, "post:1", "garbage{".getBytes(StandardCharsets.UTF_8)));
                }
                if (i == 50) {
                    String future = new String(LikeEventCodec.encode(history.get(i)), StandardCharsets.UTF_8)
                            .replace("\"v\":1", "\"v\":99");
                    raw.send(new ProducerRecord<>(topic, "post:2", future.getBytes(StandardCharsets.UTF_8)));
                }
                raw.send(new ProducerRecord<>(topic, history.get(i).content().toString(), LikeEventCodec.encode(history.get(i))));
            }
            raw.flush();
        }

        InMemoryEventSink state = new InMemoryEventSink();
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), state)
                        .topic(topic)
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.appliedEvents() == history.size());
            assertThat(consumer.deadLetteredRecords()).isEqualTo(2);
        }
        assertFinalState(history, state);

        List<ConsumerRecord<String, byte[]>> letters = readAll(topic + ".dlq", 2);
        assertThat(letters).extracting(r -> header(r, "like.dlq.reason"))
                .anySatisfy(reason -> assertThat(reason).startsWith("not JSON"))
                .anySatisfy(reason -> assertThat(reason).contains("unknown schema version 99"));
        assertThat(letters).extracting(r -> header(r, "like.dlq.source")).allMatch(s -> s.startsWith(topic + "-0@"));
    }

    static void assertFinalState(List<LikeEvent> history, InMemoryEventSink state) {
        InMemoryEventSink expected = new InMemoryEventSink();
        expected.apply(history);
        for (LikeEvent e : history) {
            assertThat(state.liked(e.userId(), e.content())).isEqualTo(expected.liked(e.userId(), e.content()));
            assertThat(state.count(e.content())).isEqualTo(expected.count(e.content()));
        }
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, TestServices.uniqueName("reader"));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
