package dev.likes.spring.boot.autoconfigure;

import java.time.Duration;

/**
 * The {@code like.circuit-breaker.*} properties: the circuit breaker around Redis (unless the host's
 * CircuitBreakerRegistry holds one named like-redis).
 *
 * <p>Mutable bean, bound once at start-up by Spring; not for concurrent mutation.
 */
public class LikeCircuitBreakerProperties {

    /** The failure rate, in percent, at which the breaker opens. */
    private float failureRateThreshold = 50;

    /** How many of the last calls the failure rate is measured over. */
    private int slidingWindowSize = 20;

    /** How many calls the window needs before the breaker can open. */
    private int minimumNumberOfCalls = 5;

    /** How long the breaker stays open before it lets probes through. */
    private Duration waitDurationInOpenState = Duration.ofSeconds(2);

    /** How many probes a half-open breaker lets through. */
    private int permittedNumberOfCallsInHalfOpenState = 3;

    /** @return the failure rate threshold */
    public float getFailureRateThreshold() {
        return failureRateThreshold;
    }

    /** @param failureRateThreshold the failure rate threshold */
    public void setFailureRateThreshold(float failureRateThreshold) {
        this.failureRateThreshold = failureRateThreshold;
    }

    /** @return the window size */
    public int getSlidingWindowSize() {
        return slidingWindowSize;
    }

    /** @param slidingWindowSize the window size */
    public void setSlidingWindowSize(int slidingWindowSize) {
        this.slidingWindowSize = slidingWindowSize;
    }

    /** @return the minimum number of calls */
    public int getMinimumNumberOfCalls() {
        return minimumNumberOfCalls;
    }

    /** @param minimumNumberOfCalls the minimum number of calls */
    public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
        this.minimumNumberOfCalls = minimumNumberOfCalls;
    }

    /** @return the time open */
    public Duration getWaitDurationInOpenState() {
        return waitDurationInOpenState;
    }

    /** @param waitDurationInOpenState the time open */
    public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
        this.waitDurationInOpenState = waitDurationInOpenState;
    }

    /** @return the number of probes */
    public int getPermittedNumberOfCallsInHalfOpenState() {
        return permittedNumberOfCallsInHalfOpenState;
    }

    /** @param permittedNumberOfCallsInHalfOpenState the number of probes */
    public void setPermittedNumberOfCallsInHalfOpenState(int permittedNumberOfCallsInHalfOpenState) {
        this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
    }
}
