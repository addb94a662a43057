package dev.likes.events;

import dev.likes.core.LikeEventConsumer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle every queue module's consumer shares: one thread of the consumer's own runs {@link #run()} from
 * {@link #start()} until {@link #close()}, the figures of {@link ConsumerStats} answer the counters of
 * {@link LikeEventConsumer}, and failures are retried after a jittered exponential backoff.
 *
 * <p>A subclass implements {@link #run()}, which loops while {@link #running()} holds and never returns on its own,
 * and {@link #close()}, which ends the loop through {@link #stopThread(Runnable)} and then releases its clients.
 * Every public method may be called from any thread.
 */
public abstract class AbstractLikeEventConsumer implements LikeEventConsumer {

    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private final ConsumerStats stats = new ConsumerStats();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final String threadName;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private volatile @Nullable Thread thread;

    /**
     * A consumer not yet started.
     *
     * @param threadName the name of the consumer's thread
     * @param initialBackoff the wait after a first failure
     * @param maxBackoff the longest wait after failures in a row
     */
    protected AbstractLikeEventConsumer(String threadName, Duration initialBackoff, Duration maxBackoff) {
        this.threadName = Objects.requireNonNull(threadName, "threadName must not be null");
        this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff must not be null");
        this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff must not be null");
    }

    /**
     * Starts consuming on the consumer's own thread.
     *
     * @return this consumer
     * @throws IllegalStateException if it was started or closed before
     */
    @Override
    public LikeEventConsumer start() {
        synchronized (started) {
            if (!started.compareAndSet(false, true)) {
                throw new IllegalStateException("the consumer was started or closed before");
            }
            running.set(true);
            Thread t = new Thread(this::run, threadName);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
        return this;
    }

    /**
     * The consumer's loop, on its own thread: consumes while {@link #running()} holds, retries every failure, and
     * returns only once {@link #close()} was called.
     */
    protected abstract void run();

    /**
     * Whether the consumer was started and not closed. It stays running through broker outages and failures, which
     * {@link #health()} reports.
     *
     * @return true while it consumes or retries
     */
    @Override
    public final boolean isRunning() {
        Thread t = thread;
        return running.get() && t != null && t.isAlive();
    }

    @Override
    public final long appliedEvents() {
        return stats.appliedEvents();
    }

    @Override
    public final long deadLetteredRecords() {
        return stats.deadLetteredRecords();
    }

    @Override
    public final long sinkFailures() {
        return stats.sinkFailures();
    }

    @Override
    public final long loopFailures() {
        return stats.loopFailures();
    }

    @Override
    public final long restarts() {
        return stats.restarts();
    }

    /**
     * What the consumer counted.
     *
     * @return its figures
     */
    protected final ConsumerStats stats() {
        return stats;
    }

    /**
     * Whether the loop should go on: started and {@link #close()} not yet called.
     *
     * @return true until close
     */
    protected final boolean running() {
        return running.get();
    }

    /**
     * Whether the last round worked, while running.
     *
     * @return running and no failure since the last round that worked
     */
    protected final boolean healthy() {
        return isRunning() && stats.failuresInARow() == 0;
    }

    /**
     * The wait after {@code failures} failures in a row: see {@link ConsumerStats#backoffMillis}.
     *
     * @param failures failures in a row
     * @return milliseconds
     */
    protected final long backoffMillis(int failures) {
        return ConsumerStats.backoffMillis(failures, initialBackoff, maxBackoff);
    }

    /**
     * Ends the loop: {@link #running()} turns false, {@code wake} breaks a wait of the client's, the thread is
     * interrupted and waited for (30 seconds at most). Idempotent.
     *
     * @param wake wakes the client the loop may be waiting in
     * @return false if the consumer was never started (nothing ran; a later {@link #start()} fails)
     */
    protected final boolean stopThread(Runnable wake) {
        synchronized (started) {
            if (started.compareAndSet(false, true)) {
                return false;
            }
            running.set(false);
        }
        wake.run();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }
}
