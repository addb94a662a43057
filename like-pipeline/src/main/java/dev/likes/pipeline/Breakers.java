package dev.likes.pipeline;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Deque;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pipeline's two circuit breakers, each logging its transitions. */
final class Breakers {

    private static final Logger log = LoggerFactory.getLogger(Breakers.class);

    private Breakers() {}

    /**
     * Redis' breaker: the one named {@link LikePipeline#BREAKER_NAME} in the host's registry when it holds one; else
     * one of the pipeline's, put in the host's registry (for its meters and endpoints) and taken out again on close.
     */
    static CircuitBreaker redis(CircuitBreakerConfig config, @Nullable CircuitBreakerRegistry registry,
            Deque<AutoCloseable> opened) {
        CircuitBreaker breaker;
        if (registry == null) {
            breaker = CircuitBreaker.of(LikePipeline.BREAKER_NAME, config);
        } else {
            Optional<CircuitBreaker> hosts = registry.find(LikePipeline.BREAKER_NAME);
            if (hosts.isPresent()) {
                breaker = hosts.get();
            } else {
                breaker = registry.circuitBreaker(LikePipeline.BREAKER_NAME, config);
                opened.push(() -> registry.remove(LikePipeline.BREAKER_NAME));
            }
        }
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                log.warn("Redis circuit breaker {}: likes are now accepted in degraded mode", e.getStateTransition());
            } else {
                log.info("Redis circuit breaker {}", e.getStateTransition());
            }
        });
        return breaker;
    }

    /** The breaker in front of MySQL's reads for Redis' loads. */
    static CircuitBreaker mysql() {
        CircuitBreaker breaker = CircuitBreaker.of(LikePipeline.MYSQL_BREAKER_NAME, CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(3)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5))
                .permittedNumberOfCallsInHalfOpenState(2)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                log.warn("MySQL circuit breaker {}: likes on contents Redis must load are accepted in degraded mode",
                        e.getStateTransition());
            } else {
                log.info("MySQL circuit breaker {}", e.getStateTransition());
            }
        });
        return breaker;
    }
}
