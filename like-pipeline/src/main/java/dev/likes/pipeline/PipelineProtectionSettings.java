package dev.likes.pipeline;

import dev.likes.core.LikeService;
import dev.likes.core.LikeTimeoutException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link LikePipeline.Builder} that protect the hot path: the rate limit, the bound on calls in flight
 * and on degraded changes, the call timeout and the circuit breaker around Redis. Its public setters are
 * {@link LikePipeline.Builder}'s.
 */
abstract sealed class PipelineProtectionSettings extends PipelineQueueSettings permits LikePipeline.Builder {

    double ratePerSecond = 20;
    int rateBurst = 60;
    int maxInFlight = 10_000;
    int maxDegraded = 100_000;
    Duration repairInterval = Duration.ofSeconds(1);
    Duration callTimeout = LikeService.DEFAULT_CALL_TIMEOUT;
    CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(2))
            .permittedNumberOfCallsInHalfOpenState(3)
            .build();
    @Nullable CircuitBreakerRegistry breakerRegistry;

    PipelineProtectionSettings() {}

    /**
     * The per-user rate limit (token bucket in Redis). Default 20 a second, bursts of 60.
     *
     * @param perSecond the average rate, greater than 0
     * @param burst the most at once, at least 1
     * @return this builder
     */
    public LikePipeline.Builder rateLimit(double perSecond, int burst) {
        if (!(perSecond > 0 && perSecond <= 1_000_000)) {
            throw new IllegalArgumentException("rateLimit perSecond must be greater than 0 and at most 1000000,"
                    + " but was " + perSecond);
        }
        if (burst < 1 || burst > 1_000_000) {
            throw new IllegalArgumentException("rateLimit burst must be between 1 and 1000000, but was " + burst);
        }
        this.ratePerSecond = perSecond;
        this.rateBurst = burst;
        return self();
    }

    /**
     * No per-user rate limit (for benchmarks, or when a gateway limits already). Saves a Redis round trip.
     *
     * @return this builder
     */
    public LikePipeline.Builder noRateLimit() {
        this.ratePerSecond = 0;
        return self();
    }

    /**
     * The most likes and unlikes in flight in this process; beyond it calls are shed at once with
     * {@code LikeRejectedException} ({@code OVERLOADED}). Default 10,000.
     *
     * @param max at least 1
     * @return this builder
     */
    public LikePipeline.Builder maxInFlight(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, but was " + max);
        }
        this.maxInFlight = max;
        return self();
    }

    /**
     * The most changes accepted in degraded mode and kept for replay into Redis; beyond it, calls are refused
     * ({@code OVERLOADED}) so a long Redis outage never fills the heap. Default 100,000.
     *
     * @param max at least 1
     * @return this builder
     */
    public LikePipeline.Builder maxDegraded(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxDegraded must be at least 1, but was " + max);
        }
        this.maxDegraded = max;
        return self();
    }

    /**
     * The most time one call of {@link LikePipeline#service()} takes, counted from the call; see
     * {@link LikeService.Builder#callTimeout(Duration)}. A like that runs out of time fails with
     * {@link LikeTimeoutException} and is not answered by the degraded mode: its outcome is unknown.
     * Keep it above the Redis command timeout (1 second by default), so that a call refused by a dead Redis still
     * has time for the degraded mode. Default 2 seconds.
     *
     * @param timeout at least 1 ms
     * @return this builder
     */
    public LikePipeline.Builder callTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "callTimeout must not be null");
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("callTimeout must be at least 1 ms, but was " + timeout);
        }
        this.callTimeout = timeout;
        return self();
    }

    /**
     * How often degraded changes are replayed into Redis once it is back. Default 1 second.
     *
     * @param interval at least 10 ms
     * @return this builder
     */
    public LikePipeline.Builder repairInterval(Duration interval) {
        Objects.requireNonNull(interval, "repairInterval must not be null");
        if (interval.toMillis() < 10) {
            throw new IllegalArgumentException("repairInterval must be at least 10 ms, but was " + interval);
        }
        this.repairInterval = interval;
        return self();
    }

    /**
     * The circuit breaker around Redis (Resilience4j). Default: count-based window of 20 calls, opens at 50%
     * failures (after at least 5 calls), stays open 2 seconds, then lets 3 probes through.
     *
     * @param config the configuration
     * @return this builder
     */
    public LikePipeline.Builder circuitBreaker(CircuitBreakerConfig config) {
        this.breakerConfig = Objects.requireNonNull(config, "circuitBreaker config must not be null");
        return self();
    }

    /**
     * Takes the circuit breaker around Redis from the host's registry: the breaker named
     * {@value LikePipeline#BREAKER_NAME} if the registry holds one (configured by the host, e.g. through
     * Resilience4j's Spring Boot properties), otherwise one created in the registry with the
     * {@link #circuitBreaker(CircuitBreakerConfig) configuration given here} and removed from it on
     * {@link LikePipeline#close()}. Either way the registry's meters and endpoints show it.
     *
     * @param registry the host's registry
     * @return this builder
     */
    public LikePipeline.Builder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
        this.breakerRegistry = Objects.requireNonNull(registry, "circuitBreakerRegistry must not be null");
        return self();
    }
}
