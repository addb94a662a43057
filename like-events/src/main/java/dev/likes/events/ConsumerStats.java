package dev.likes.events;

import dev.likes.core.UnstorableEventException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What a queue consumer counts and how it backs off, the same for every queue module: events applied, dead letters,
 * failed sink calls and loop rounds, client replacements, and the run of failures its health probe reports. The
 * consumer's own thread records; any thread reads. Thread-safe.
 */
public final class ConsumerStats {

    private final LongAdder applied = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder sinkFailures = new LongAdder();
    private final LongAdder loopFailures = new LongAdder();
    private final LongAdder restarts = new LongAdder();
    private volatile long lastSuccessNanos = System.nanoTime();
    private volatile int failuresInARow;
    private volatile @Nullable String lastFailure;

    /**
     * Counts events the sink applied.
     *
     * @param events how many
     */
    public void applied(long events) {
        applied.add(events);
    }

    /** Counts a record sent to the dead letters. */
    public void deadLettered() {
        deadLettered.increment();
    }

    /** Counts a failed sink call. */
    public void sinkFailed() {
        sinkFailures.increment();
    }

    /** Counts a failed round of the loop other than a sink call. */
    public void loopFailed() {
        loopFailures.increment();
    }

    /** Counts a replaced client. */
    public void restarted() {
        restarts.increment();
    }

    /** A round worked: the run of failures ends. */
    public void succeeded() {
        lastSuccessNanos = System.nanoTime();
        failuresInARow = 0;
    }

    /**
     * A round failed: the run of failures grows and {@code failure} is kept, escaped and cut short.
     *
     * @param failure what failed
     */
    public void failed(Throwable failure) {
        failuresInARow++;
        lastFailure = SafeText.of(failure.toString());
    }

    /** @return events applied since start */
    public long appliedEvents() {
        return applied.sum();
    }

    /** @return records dead-lettered since start */
    public long deadLetteredRecords() {
        return deadLettered.sum();
    }

    /** @return failed sink calls since start */
    public long sinkFailures() {
        return sinkFailures.sum();
    }

    /** @return failed loop rounds since start */
    public long loopFailures() {
        return loopFailures.sum();
    }

    /** @return replaced clients since start */
    public long restarts() {
        return restarts.sum();
    }

    /** @return failed rounds since the last one that worked */
    public int failuresInARow() {
        return failuresInARow;
    }

    /** @return how long ago a round last worked */
    public Duration sinceLastSuccess() {
        return Duration.ofNanos(System.nanoTime() - lastSuccessNanos);
    }

    /** @return the last failure, or {@code null} while the run of failures is empty */
    public @Nullable String lastFailure() {
        return failuresInARow == 0 ? null : lastFailure;
    }

    /**
     * The wait after {@code failures} failures in a row: from {@code initial}, doubling, capped at {@code max}, with
     * full jitter in its upper half.
     *
     * @param failures at least 1 (less counts as 1)
     * @param initial the first wait
     * @param max the longest wait
     * @return milliseconds to wait
     */
    public static long backoffMillis(int failures, Duration initial, Duration max) {
        long base = initial.toMillis() << Math.min(Math.max(0, failures - 1), 20);
        long capped = Math.min(base, max.toMillis());
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /**
     * Waits between tries, keeping an interrupt for the caller to see.
     *
     * @param millis how long
     */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The {@link UnstorableEventException} in {@code failure}'s chain of causes: the sink says an event of the batch
     * can never be stored, and the consumer splits the batch to set it aside.
     *
     * @param failure a sink call's failure
     * @return the exception, or {@code null} if the failure may pass on a retry
     */
    public static @Nullable UnstorableEventException unstorable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnstorableEventException u) {
                return u;
            }
        }
        return null;
    }
}
