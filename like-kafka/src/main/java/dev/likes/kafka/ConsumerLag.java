package dev.likes.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of a consumer's assigned partitions not yet applied: measured on the consumer loop's thread, read from
 * any thread.
 */
final class ConsumerLag {

    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private volatile long lag = -1;
    private long lastNanos;

    /** The lag as last measured, or -1 before the first measurement. */
    long value() {
        return lag;
    }

    /**
     * Measures the lag every few seconds: from the last fetches while records flow, from the broker when idle (so an
     * unreachable broker shows as a failure, and the health probe says so, even when nothing is to be read).
     */
    void measure(KafkaConsumer<?, ?> client, boolean idle) {
        if (System.nanoTime() - lastNanos < EVERY_NANOS) {
            return;
        }
        lastNanos = System.nanoTime();
        Set<TopicPartition> assignment = client.assignment();
        if (assignment.isEmpty()) {
            // nothing assigned (other members hold every partition, or the group is gone with the broker): ask the
            // broker something all the same, so that its absence shows as a failure
            client.listTopics(TIMEOUT);
            lag = 0;
            return;
        }
        long total = 0;
        if (idle) {
            for (Map.Entry<TopicPartition, Long> end : client.endOffsets(assignment, TIMEOUT).entrySet()) {
                total += Math.max(0, end.getValue() - client.position(end.getKey(), TIMEOUT));
            }
        } else {
            for (TopicPartition partition : assignment) {
                OptionalLong known = client.currentLag(partition);
                if (known.isEmpty()) {
                    return; // not fetched yet: measured on a later round
                }
                total += known.getAsLong();
            }
        }
        lag = total;
    }
}
