package dev.likes.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What reads like events from a queue and applies them to a {@link LikeEventSink}: the Kafka and the RabbitMQ
 * consumers implement it, so that a host (its health probe, its meters) watches either the same way.
 *
 * <p>A consumer runs on a thread of its own from {@link #start()} to {@link #close()}; it never stops on its own, and
 * reports failures through {@link #health()}. Every accessor may be called from any thread.
 */
public interface LikeEventConsumer extends AutoCloseable {

    /**
     * Starts consuming on the consumer's own thread.
     *
     * @return this consumer
     * @throws IllegalStateException if it was started before
     */
    LikeEventConsumer start();

    /**
     * Whether the consumer was started and not closed.
     *
     * @return true while it consumes or retries
     */
    boolean isRunning();

    /**
     * The consumer's health, for a probe the host polls.
     *
     * @return a snapshot
     */
    Health health();

    /**
     * Events the sink applied (redeliveries included), since start.
     *
     * @return the count
     */
    long appliedEvents();

    /**
     * Records set aside as poison (dead-lettered), since start.
     *
     * @return the count
     */
    long deadLetteredRecords();

    /**
     * Failed sink calls (each retried), since start.
     *
     * @return the count
     */
    long sinkFailures();

    /**
     * Failed rounds other than sink failures (polls, acknowledgements, dead letters, measurements), each retried,
     * since start.
     *
     * @return the count
     */
    long loopFailures();

    /**
     * How often the client was replaced after it failed, since start.
     *
     * @return the count
     */
    long restarts();

    /**
     * Events waiting to be applied, as last measured.
     *
     * @return the lag, or -1 before the first measurement
     */
    long lag();

    /** Stops consuming; a batch in flight is abandoned without acknowledging it. Idempotent. */
    @Override
    void close();

    /** A snapshot of a consumer's health. */
    interface Health {

        /**
         * Whether the consumer was started and not closed.
         *
         * @return true while it runs
         */
        boolean running();

        /**
         * Whether it runs and its last round worked.
         *
         * @return true when healthy
         */
        boolean healthy();

        /**
         * How long ago a round last worked.
         *
         * @return the time
         */
        Duration sinceLastSuccess();

        /**
         * Failed rounds since the last one that worked.
         *
         * @return the count
         */
        int failuresInARow();

        /**
         * The last failure, escaped and cut short.
         *
         * @return it, or {@code null} when healthy
         */
        @Nullable String lastFailure();
    }
}
