package dev.likes.kafka;

import java.time.Duration;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing the Kafka clients of a consumer's loop from that loop's thread, which close() may have interrupted. */
final class KafkaClients {

    private static final Logger log = LoggerFactory.getLogger(KafkaLikeConsumer.class);

    private KafkaClients() {}

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
