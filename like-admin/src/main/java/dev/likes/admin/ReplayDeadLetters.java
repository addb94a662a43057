package dev.likes.admin;

import dev.likes.events.LikeEventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replay-dlq}: sends the dead letters that decode as events back to the topic, where the consumer applies them
 * as any event (idempotent by version). Letters that still do not decode stay, and are reported. Progress is kept in
 * the consumer group {@code like-admin-replay} (committed after the replayed letters were acknowledged), so a second
 * run goes on after the first; a dry run reads from the same place and commits nothing.
 */
@Command(name = "replay-dlq", mixinStandardHelpOptions = true,
        description = "Sends the dead letters that are valid events back to the topic (after their cause was fixed);"
                + " letters that still do not decode are counted and kept.")
final class ReplayDeadLetters extends AdminCommand {

    /** The consumer group that remembers how far replays went. */
    static final String GROUP = "like-admin-replay";

    @Option(names = "--dry-run", description = "Report what would be replayed; send and commit nothing.")
    boolean dryRun;

    @Option(names = "--max", paramLabel = "N", description = "Replay at most N letters (default: all).")
    long max = Long.MAX_VALUE;

    @Override
    int execute(AdminContext context, Map<String, Object> result) throws Exception {
        if (max < 1) {
            throw new IllegalArgumentException("--max must be at least 1, but was " + max);
        }
        String topic = context.topic();
        String dlq = topic + ".dlq";
        Map<String, Object> consumerConfig = new HashMap<>(context.kafkaClientConfig());
        consumerConfig.put("group.id", GROUP);
        consumerConfig.put("enable.auto.commit", false);
        consumerConfig.put("auto.offset.reset", "earliest");
        Map<String, Object> producerConfig = new HashMap<>(context.kafkaClientConfig());
        producerConfig.put("acks", "all");
        producerConfig.put("enable.idempotence", true);
        long replayable = 0;
        long poison = 0;
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(dlq, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(dlq, p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            long seen = 0;
            while (seen < max && !caughtUp(consumer, ends)) {
                for (ConsumerRecord<byte[], byte[]> letter : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(letter.topic(), letter.partition());
                    if (seen >= max || letter.offset() >= ends.getOrDefault(partition, 0L)) {
                        continue;
                    }
                    seen++;
                    next.put(partition, new OffsetAndMetadata(letter.offset() + 1));
                    if (decodes(letter.value())) {
                        replayable++;
                        if (!dryRun) {
                            sent.add(producer.send(new ProducerRecord<>(topic, letter.key(), letter.value())));
                        }
                    } else {
                        poison++;
                        if (reasons.size() < 20) {
                            reasons.add(partition + "@" + letter.offset() + ": " + reason(letter));
                        }
                    }
                    if (seen % 1_000 == 0) {
                        progress("read " + seen + " dead letters");
                    }
                }
            }
            if (!dryRun) {
                producer.flush();
                for (Future<RecordMetadata> ack : sent) {
                    ack.get(60, TimeUnit.SECONDS);
                }
                if (!next.isEmpty()) {
                    consumer.commitSync(next);
                }
            }
        }
        result.put(dryRun ? "wouldReplay" : "replayed", replayable);
        result.put("stillPoison", poison);
        result.put("poisonReasons", reasons);
        return 0;
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey(), Duration.ofSeconds(30)) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static boolean decodes(byte[] value) {
        if (value == null) {
            return false;
        }
        try {
            LikeEventCodec.decode(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String reason(ConsumerRecord<byte[], byte[]> letter) {
        Header header = letter.headers().lastHeader("like.dlq.reason");
        return header == null ? "(no reason header)" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
