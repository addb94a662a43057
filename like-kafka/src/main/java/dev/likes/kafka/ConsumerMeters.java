package dev.likes.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;

/**
 * The meters of one {@link KafkaLikeConsumer} on a Micrometer registry, removed from it when the consumer closes.
 * Only this class refers to Micrometer, and the consumer loads it only when the host passed a registry.
 */
final class ConsumerMeters {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private ConsumerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the meters; the returned action removes them. */
    static Runnable bind(MeterRegistry registry, Iterable<Tag> tags, KafkaLikeConsumer consumer) {
        ConsumerMeters m = new ConsumerMeters(registry);
        m.meters.add(FunctionCounter.builder("likes.consumer.applied", consumer, KafkaLikeConsumer::appliedEvents)
                .tags(tags).description("events applied to the durable store").register(registry));
        m.meters.add(FunctionCounter.builder("likes.consumer.dead.lettered", consumer,
                        KafkaLikeConsumer::deadLetteredRecords)
                .tags(tags).description("records sent to the dead-letter topic").register(registry));
        m.meters.add(FunctionCounter.builder("likes.consumer.sink.failures", consumer, KafkaLikeConsumer::sinkFailures)
                .tags(tags).description("batches the durable store failed (retried)").register(registry));
        m.meters.add(Gauge.builder("likes.consumer.lag", consumer, KafkaLikeConsumer::lag)
                .tags(tags).description("records behind the end of the assigned partitions").register(registry));
        m.meters.add(FunctionCounter.builder("likes.consumer.loop.failures", consumer, KafkaLikeConsumer::loopFailures)
                .tags(tags).description("failed polls, commits and lag measurements (retried)").register(registry));
        m.meters.add(FunctionCounter.builder("likes.consumer.restarts", consumer, KafkaLikeConsumer::restarts)
                .tags(tags).description("Kafka clients replaced after repeated failures").register(registry));
        m.meters.add(Gauge.builder("likes.consumer.healthy", consumer, c -> c.health().healthy() ? 1 : 0)
                .tags(tags).description("1 while the consumer's last round worked, 0 while it fails or is stopped")
                .register(registry));
        m.meters.add(Gauge.builder("likes.consumer.since.success", consumer,
                        c -> c.health().sinceLastSuccess().toMillis() / 1000.0)
                .tags(tags).baseUnit("seconds")
                .description("time since the consumer's last round that worked: alert on it, not on lag alone")
                .register(registry));
        return m::removeAll;
    }

    private void removeAll() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
    }
}
