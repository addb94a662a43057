package dev.likes.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka clients of a consumer's loop: their configuration, and closing them from the loop's thread, which close()
 * may have interrupted.
 */
final class KafkaClients {

    private static final Logger log = LoggerFactory.getLogger(KafkaClients.class);

    private KafkaClients() {}

    /** The dead-letter producer's configuration: see {@link KafkaDeadLetters#producerConfig}. */
    static Map<String, Object> deadLetterConfig(KafkaConsumerSettings s) {
        return KafkaDeadLetters.producerConfig(s.properties, s.deadLetterProperties, s.bootstrapServers);
    }

    /** The consumer's configuration: the library's defaults, then the host's properties, then what it must have. */
    static Map<String, Object> consumerConfig(KafkaConsumerSettings s) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a crashed host's partitions move to a live consumer after 10 s instead of Kafka's 45 s
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        config.putAll(s.properties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, s.maxBatch);
        return config;
    }

    /*
     * close(Duration) is deprecated from kafka-clients 4.1 on in favour of close(CloseOptions), which 3.x lacks;
     * Spring Boot 3.5 manages kafka-clients 3.9, so the consumer closes through the method both lines have.
     * close() interrupts the loop's thread to end its waits; a Kafka client closed with the flag set fails its
     * coordinator's close (logged as errors) and does not leave the group, so the other members wait for the session
     * timeout before they take its partitions. The flag is cleared for the client's close and set again after it.
     */
    @SuppressWarnings("deprecation")
    static void closeWithin(KafkaConsumer<String, byte[]> consumer, Duration timeout) {
        boolean interrupted = Thread.interrupted();
        try {
            consumer.close(timeout);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void close(String what, Runnable close) {
        for (int attempt = 1; ; attempt++) {
            Thread.interrupted();
            try {
                close.run();
                return;
            } catch (InterruptException e) {
                if (attempt == 2) {
                    log.warn("closing the Kafka {} was interrupted twice; giving up", what);
                    return;
                }
            } catch (RuntimeException e) {
                log.warn("closing the Kafka {} failed", what, e);
                return;
            }
        }
    }
}
