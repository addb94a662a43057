package dev.likes.pipeline;

import dev.likes.core.LikeAction;
import dev.likes.core.LikeRejectedException;
import dev.likes.events.ConsumerMeters;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's meters on a Micrometer registry. Only this class refers to Micrometer, and it is loaded only when
 * the host app passed a registry, so an app without Micrometer on its class path never needs it.
 *
 * <ul>
 *   <li>{@code likes.mutations} (timer with a percentile histogram from 100 µs to 10 s; tags {@code action},
 *       {@code status}: APPLIED, UNCHANGED, DUPLICATE_REQUEST, ACCEPTED for degraded, REJECTED, TIMED_OUT for an
 *       unknown outcome, FAILED)
 *   <li>{@code likes.rejections} (counter; tag {@code reason}: RATE_LIMITED, OVERLOADED)
 *   <li>{@code likes.reads.fallback} (counter), {@code likes.degraded.backlog} (gauge), {@code likes.degraded.replayed}
 *       (counter), {@code likes.degraded.corrected} (counter: stale retries corrected at their replay)
 *   <li>{@code likes.redis.circuit.state}, {@code likes.mysql.circuit.state} (gauges: 0 closed, 1 open, 2 half open,
 *       3 other)
 *   <li>{@code likes.outbox.backlog} (gauge, sampled by the pipeline); the Redis store registers its own meters
 *       ({@code likes.local.cache.requests}, {@code likes.backing.store.loads}, {@code likes.outbox.relayed},
 *       {@code likes.outbox.failures}, {@code likes.outbox.inflight}: see {@code RedisLikeStore.Builder.meterRegistry})
 *   <li>{@code likes.consumer.applied}, {@code likes.consumer.dead.lettered}, {@code likes.consumer.sink.failures},
 *       {@code likes.consumer.loop.failures}, {@code likes.consumer.restarts}, {@code likes.consumer.replaced} (function
 *       counters),
 *       {@code likes.consumer.lag}, {@code likes.consumer.healthy}, {@code likes.consumer.since.success} (gauges)
 * </ul>
 */
final class MicrometerMetrics implements PipelineMetrics {

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<LikeRejectedException.Reason, Counter> rejections = new EnumMap<>(LikeRejectedException.Reason.class);
    private final Counter fallbackReads;
    private final Counter replayed;
    private final Counter corrected;

    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final List<Runnable> removals = new CopyOnWriteArrayList<>();

    MicrometerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (LikeRejectedException.Reason reason : LikeRejectedException.Reason.values()) {
            rejections.put(reason, keep(Counter.builder("likes.rejections").tag("reason", reason.name())
                    .description("likes and unlikes refused before anything was written").register(this.registry)));
        }
        this.fallbackReads = keep(Counter.builder("likes.reads.fallback")
                .description("reads answered by the local cache or the durable store because Redis could not")
                .register(this.registry));
        this.replayed = keep(Counter.builder("likes.degraded.replayed")
                .description("changes accepted in degraded mode and replayed into Redis").register(this.registry));
        this.corrected = keep(Counter.builder("likes.degraded.corrected")
                .description("degraded changes found at their replay to be stale retries, and corrected")
                .register(this.registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Takes this pipeline's meters out of the registry, which may outlive the pipeline. */
    void removeAll() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
        removals.forEach(Runnable::run);
        removals.clear();
    }

    @Override
    public void mutation(LikeAction action, String status, long nanos) {
        timers.computeIfAbsent(action.name() + '/' + status, k -> keep(Timer.builder("likes.mutations")
                        .tag("action", action.name().toLowerCase(Locale.ROOT))
                        .tag("status", status)
                        .description("likes and unlikes, by outcome")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(100_000))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry)))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rejected(LikeRejectedException.Reason reason) {
        Objects.requireNonNull(rejections.get(reason), "every reason has its counter").increment();
    }

    @Override
    public void fallbackRead() {
        fallbackReads.increment();
    }

    @Override
    public void replayed() {
        replayed.increment();
    }

    @Override
    public void corrected(int events) {
        corrected.increment(events);
    }

    void bindStore(ResilientLikeStore store, CircuitBreaker breaker, CircuitBreaker mysqlBreaker,
            AtomicLong outboxBacklog) {
        keep(Gauge.builder("likes.mysql.circuit.state", mysqlBreaker, MicrometerMetrics::stateOf)
                .description("the circuit breaker in front of MySQL's reads for Redis' loads: 0 closed, 1 open,"
                        + " 2 half open, 3 other").register(registry));
        keep(Gauge.builder("likes.degraded.backlog", store, s -> s.degradedBacklog())
                .description("changes accepted in degraded mode, not yet replayed into Redis").register(registry));
        keep(Gauge.builder("likes.redis.circuit.state", breaker, MicrometerMetrics::stateOf)
                .description("the Redis circuit breaker: 0 closed, 1 open, 2 half open, 3 other").register(registry));
        keep(Gauge.builder("likes.outbox.backlog", outboxBacklog, AtomicLong::get)
                .description("outbox entries not yet acknowledged by the event log (sampled)").register(registry));
    }

    private static int stateOf(CircuitBreaker breaker) {
        return switch (breaker.getState()) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }

    void bindConsumer(ConsumerSupervisor consumers) {
        // the pipeline holds the supervisor, so these weakly referenced meters keep reading the consumer running now
        Runnable remove = ConsumerMeters.bind(registry, Tags.empty(), consumers, ConsumerSupervisor::current);
        removals.add(remove);
        keep(FunctionCounter.builder("likes.consumer.replaced", consumers, ConsumerSupervisor::replacements)
                .description("stopped consumers the pipeline replaced").register(registry));
    }
}
