package dev.likes.redis;

import dev.likes.core.LikeRejectedException;
import dev.likes.core.internal.Futures;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How many loads from the backing store run at once: at most {@code maxRunning}; more wait in line. A load is refused
 * with {@link LikeRejectedException} ({@code OVERLOADED}) at once when {@code maxWaiting} already wait, and when its
 * turn comes after it waited longer than {@code maxWait}: a storm of misses beyond what the backing store serves is
 * shed with a definite answer (nothing was written), instead of holding calls past their deadline, where their
 * outcome would be unknown. Never blocks. Thread-safe.
 */
final class LoadAdmission {

    private static final Duration RETRY_AFTER = Duration.ofMillis(200);

    private final int maxRunning;
    private final int maxWaiting;
    private final long maxWaitNanos;
    private final LongSupplier nanoTime;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();

    /**
     * @param maxWait the longest a load waits for its turn; one that waited longer is refused when its turn comes
     * @param nanoTime the monotonic clock, {@code System::nanoTime} but in tests
     */
    LoadAdmission(int maxRunning, int maxWaiting, Duration maxWait, LongSupplier nanoTime) {
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Starts {@code load} now if fewer than the limit run, otherwise when one ends.
     *
     * @return a stage completed as the load's stage is, or failed with {@code OVERLOADED} (the load not started) if
     *     too many wait or it waited too long
     */
    CompletableFuture<Void> admit(Supplier<CompletableFuture<Void>> load) {
        if (waitingCount.incrementAndGet() > maxWaiting) {
            waitingCount.decrementAndGet();
            return CompletableFuture.failedFuture(new LikeRejectedException(LikeRejectedException.Reason.OVERLOADED,
                    RETRY_AFTER, "too many contents waiting to be loaded from the backing store (at most "
                            + maxWaiting + "); retry shortly"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.add(new Waiting(nanoTime.getAsLong(), load, done));
        startWaiting();
        return done;
    }

    /** Starts waiting loads while fewer than the limit run; one thread at a time, the others leave it the work. */
    private void startWaiting() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            while (running.get() < maxRunning) {
                Waiting next = waiting.poll();
                if (next == null) {
                    break;
                }
                waitingCount.decrementAndGet();
                long waited = nanoTime.getAsLong() - next.since;
                if (waited > maxWaitNanos) {
                    next.done.completeExceptionally(new LikeRejectedException(
                            LikeRejectedException.Reason.OVERLOADED, RETRY_AFTER, "waited "
                                    + TimeUnit.NANOSECONDS.toMillis(waited) + " ms for a load from the backing store"
                                    + " (at most " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms, "
                                    + maxRunning + " at a time); retry shortly"));
                    continue;
                }
                running.incrementAndGet();
                start(next);
            }
        } while (wip.decrementAndGet() != 0);
    }

    private void start(Waiting next) {
        Futures.attempt(next.load).whenComplete((ok, failure) -> {
            running.decrementAndGet();
            if (failure != null) {
                next.done.completeExceptionally(failure);
            } else {
                next.done.complete(null);
            }
            startWaiting();
        });
    }

    private record Waiting(long since, Supplier<CompletableFuture<Void>> load, CompletableFuture<Void> done) {}
}
