package dev.likes.events;

import dev.likes.core.LikeEventConsumer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The meters of a {@link LikeEventConsumer} on a Micrometer registry: {@code likes.consumer.applied},
 * {@code likes.consumer.dead.lettered}, {@code likes.consumer.sink.failures}, {@code likes.consumer.loop.failures},
 * {@code likes.consumer.restarts} (function counters), {@code likes.consumer.lag}, {@code likes.consumer.healthy} and
 * {@code likes.consumer.since.success} (gauges). Micrometer is an optional dependency: only this class refers to it,
 * and a consumer loads it only when the host passed a registry.
 */
public final class ConsumerMeters {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private ConsumerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers the meters, each reading the consumer that {@code consumer} finds in {@code state} when it is read.
     * The registry holds {@code state} weakly, as Micrometer does: the caller keeps it reachable.
     *
     * @param registry the registry
     * @param tags tags added to every meter
     * @param state what the meters read from, e.g. the consumer itself
     * @param consumer finds the consumer in {@code state}
     * @param <S> the type of the state
     * @return removes the meters from the registry
     */
    public static <S> Runnable bind(MeterRegistry registry, Iterable<Tag> tags, S state,
            Function<S, ? extends LikeEventConsumer> consumer) {
        Objects.requireNonNull(consumer, "consumer must not be null");
        ConsumerMeters m = new ConsumerMeters(Objects.requireNonNull(registry, "registry must not be null"));
        m.counter("likes.consumer.applied", "events applied to the durable store", tags, state,
                s -> consumer.apply(s).appliedEvents());
        m.counter("likes.consumer.dead.lettered", "records set aside as poison (dead-lettered)", tags, state,
                s -> consumer.apply(s).deadLetteredRecords());
        m.counter("likes.consumer.sink.failures", "batches the durable store failed (retried)", tags, state,
                s -> consumer.apply(s).sinkFailures());
        m.counter("likes.consumer.loop.failures", "failed polls, acknowledgements and lag measurements (retried)",
                tags, state, s -> consumer.apply(s).loopFailures());
        m.counter("likes.consumer.restarts", "queue clients replaced after they failed", tags, state,
                s -> consumer.apply(s).restarts());
        m.meters.add(Gauge.builder("likes.consumer.lag", state, s -> consumer.apply(s).lag())
                .tags(tags).description("events waiting to be applied").register(registry));
        m.meters.add(Gauge.builder("likes.consumer.healthy", state, s -> consumer.apply(s).health().healthy() ? 1 : 0)
                .tags(tags).description("1 while the consumer's last round worked, 0 while it fails or is stopped")
                .register(registry));
        m.meters.add(Gauge.builder("likes.consumer.since.success", state,
                        s -> consumer.apply(s).health().sinceLastSuccess().toMillis() / 1000.0)
                .tags(tags).baseUnit("seconds")
                .description("time since the consumer's last round that worked: alert on it, not on lag alone")
                .register(registry));
        return m::removeAll;
    }

    private <S> void counter(String name, String description, Iterable<Tag> tags, S state,
            ToDoubleFunction<S> count) {
        meters.add(FunctionCounter.builder(name, state, count).tags(tags).description(description)
                .register(registry));
    }

    private void removeAll() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
    }
}
