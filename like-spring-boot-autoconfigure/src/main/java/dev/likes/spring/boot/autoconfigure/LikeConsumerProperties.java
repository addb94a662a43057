package dev.likes.spring.boot.autoconfigure;

import java.time.Duration;

/**
 * The {@code like.consumer.*} properties: the consumer that writes the events into MySQL.
 *
 * <p>Mutable bean, bound once at start-up by Spring; not for concurrent mutation.
 */
public class LikeConsumerProperties {

    /** The most events the consumer hands to MySQL in one batch. */
    private int maxBatch = 1_000;

    /** How long one batch may take in MySQL before it is retried. */
    private Duration sinkTimeout = Duration.ofSeconds(30);

    /** The first wait after a failed batch or poll; it doubles up to backoff-max. */
    private Duration backoffInitial = Duration.ofMillis(100);

    /** The longest wait between retries. */
    private Duration backoffMax = Duration.ofSeconds(10);

    /** The longest record value a dead letter carries; a longer one is cut. */
    private int deadLetterMaxBytes = 256 * 1024;

    /** @return the batch size */
    public int getMaxBatch() {
        return maxBatch;
    }

    /** @param maxBatch the batch size */
    public void setMaxBatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /** @return the sink timeout */
    public Duration getSinkTimeout() {
        return sinkTimeout;
    }

    /** @param sinkTimeout the sink timeout */
    public void setSinkTimeout(Duration sinkTimeout) {
        this.sinkTimeout = sinkTimeout;
    }

    /** @return the first backoff */
    public Duration getBackoffInitial() {
        return backoffInitial;
    }

    /** @param backoffInitial the first backoff */
    public void setBackoffInitial(Duration backoffInitial) {
        this.backoffInitial = backoffInitial;
    }

    /** @return the longest backoff */
    public Duration getBackoffMax() {
        return backoffMax;
    }

    /** @param backoffMax the longest backoff */
    public void setBackoffMax(Duration backoffMax) {
        this.backoffMax = backoffMax;
    }

    /** @return the dead-letter value limit */
    public int getDeadLetterMaxBytes() {
        return deadLetterMaxBytes;
    }

    /** @param deadLetterMaxBytes the dead-letter value limit */
    public void setDeadLetterMaxBytes(int deadLetterMaxBytes) {
        this.deadLetterMaxBytes = deadLetterMaxBytes;
    }
}
