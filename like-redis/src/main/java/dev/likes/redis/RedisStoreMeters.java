package dev.likes.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;

/**
 * The meters of one {@link RedisLikeStore} on a Micrometer registry, removed from it when the store closes. Only this
 * class refers to Micrometer, and the store loads it only when the host passed a registry.
 */
final class RedisStoreMeters {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private RedisStoreMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the meters; the returned action removes them. */
    static Runnable bind(MeterRegistry registry, Iterable<Tag> tags, RedisStorePolicy policy, boolean outbox) {
        RedisStoreMeters m = new RedisStoreMeters(registry);
        m.add(FunctionCounter.builder("likes.local.cache.requests", policy, RedisStorePolicy::localCountCacheHits)
                .tags(tags).tag("result", "hit")
                .description("count reads asked of the local cache").register(registry));
        m.add(FunctionCounter.builder("likes.local.cache.requests", policy, RedisStorePolicy::localCountCacheMisses)
                .tags(tags).tag("result", "miss")
                .description("count reads asked of the local cache").register(registry));
        m.add(FunctionCounter.builder("likes.backing.store.loads", policy, RedisStorePolicy::backingStoreLoads)
                .tags(tags)
                .description("contents loaded from the backing store into Redis").register(registry));
        if (outbox) {
            m.add(FunctionCounter.builder("likes.outbox.relayed", policy, p -> p.outboxStats().published())
                    .tags(tags).tag("path", "fast")
                    .description("events relayed from the outbox to the event log").register(registry));
            m.add(FunctionCounter.builder("likes.outbox.relayed", policy, p -> p.outboxStats().swept())
                    .tags(tags).tag("path", "sweeper")
                    .description("events relayed from the outbox to the event log").register(registry));
            m.add(FunctionCounter.builder("likes.outbox.failures", policy, p -> p.outboxStats().failures())
                    .tags(tags)
                    .description("outbox publishes that failed (the sweeper retries them)").register(registry));
            m.add(Gauge.builder("likes.outbox.inflight", policy, p -> p.outboxStats().inFlight())
                    .tags(tags)
                    .description("events the outbox fast path is publishing").register(registry));
        }
        return m::removeAll;
    }

    private void add(Meter meter) {
        meters.add(meter);
    }

    private void removeAll() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
    }
}
