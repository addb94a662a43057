package dev.likes.kafka;

import dev.likes.events.ConsumerStats;
import dev.likes.events.SafeText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntToLongFunction;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records set aside to the dead-letter topic: the reason in the header {@code like.dlq.reason}, the origin
 * ({@code topic-partition@offset}) in {@code like.dlq.source}; a value longer than the limit is cut to it (header
 * {@code like.dlq.original.size} gives its size), and one the broker still refuses as too large goes without its value.
 * Used from the consumer's thread only.
 */
final class KafkaDeadLetters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaDeadLetters.class);
    private static final int MAX_REASON = 1_000;
    /** Security and connection settings of the consumer that its dead-letter producer shares. */
    private static final List<String> SHARED_PREFIXES = List.of("security.", "sasl.", "ssl.", "client.dns.lookup",
            "socket.connection.setup.timeout.", "reconnect.backoff.", "retry.backoff.", "connections.max.idle.ms",
            "metadata.max.age.ms", "send.buffer.bytes", "receive.buffer.bytes");

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final int maxBytes;
    private final Duration timeout;
    private final ConsumerStats stats;
    private final BooleanSupplier running;
    private final IntToLongFunction backoff;

    /**
     * The dead-letter producer's settings: the consumer's security and connection settings, then the host's
     * dead-letter properties, then what delivery needs ({@code acks=all}, idempotence).
     */
    static Map<String, Object> producerConfig(Map<String, Object> consumerProperties,
            Map<String, Object> deadLetterProperties, String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        consumerProperties.forEach((name, value) -> {
            if (SHARED_PREFIXES.stream().anyMatch(name::startsWith)) {
                config.put(name, value);
            }
        });
        config.putAll(deadLetterProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }

    KafkaDeadLetters(Map<String, Object> producerConfig, String topic, int maxBytes, Duration timeout,
            ConsumerStats stats, BooleanSupplier running, IntToLongFunction backoff) {
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.stats = stats;
        this.running = running;
        this.backoff = backoff;
    }

    /**
     * Sends the record's dead letter, again after a pause ({@code pause}, which keeps the consumer in its group) while
     * the broker fails.
     *
     * @return true once sent; false if the consumer stopped first
     */
    boolean send(ConsumerRecord<String, byte[]> record, @Nullable String why, LongConsumer pause) {
        String source = record.topic() + '-' + record.partition() + '@' + record.offset();
        String reason = why == null ? "" : SafeText.of(why.length() > MAX_REASON ? why.substring(0, MAX_REASON) : why);
        byte[] value = record.value();
        boolean cut = value != null && value.length > maxBytes;
        boolean withoutValue = false;
        int failures = 0;
        while (running.getAsBoolean()) {
            byte[] sent = withoutValue ? null : cut ? Arrays.copyOf(value, maxBytes) : value;
            ProducerRecord<String, byte[]> letter = new ProducerRecord<>(topic, record.key(), sent);
            letter.headers().add("like.dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
            letter.headers().add("like.dlq.source", source.getBytes(StandardCharsets.UTF_8));
            if (cut || withoutValue) {
                letter.headers().add("like.dlq.original.size",
                        Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
            }
            try {
                producer.send(letter).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                stats.deadLettered();
                log.warn("record {} set aside ({}): sent to {}", source, reason, topic);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RecordTooLargeException && !withoutValue) {
                    log.warn("the dead letter of record {} is too large for the broker: sending it without its value",
                            source);
                    withoutValue = true;
                    continue;
                }
                long wait = backoff.applyAsLong(++failures);
                log.warn("could not dead-letter record {} ({}); retrying in {} ms", source,
                        SafeText.of(String.valueOf(e.getCause())), wait);
                pause.accept(wait);
            } catch (TimeoutException e) {
                long wait = backoff.applyAsLong(++failures);
                log.warn("could not dead-letter record {} (no answer in {}); retrying in {} ms", source, timeout, wait);
                pause.accept(wait);
            }
        }
        return false;
    }

    /** Closes the producer, waiting up to {@code timeout} for letters in flight. */
    void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
