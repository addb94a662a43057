package dev.likes.redis;

import dev.likes.core.LikeRejectedException;
import dev.likes.core.internal.Futures;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * How many loads from the backing store run at once: at most {@code maxRunning}; more wait in line, and beyond
 * {@code maxWaiting} waiting a load is refused at once with {@link LikeRejectedException} ({@code OVERLOADED}), so a
 * storm of misses beyond what the backing store serves is shed instead of holding every call until its deadline.
 * Never blocks. Thread-safe.
 */
final class LoadAdmission {

    private final int maxRunning;
    private final int maxWaiting;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();

    LoadAdmission(int maxRunning, int maxWaiting) {
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
    }

    /**
     * Starts {@code load} now if fewer than the limit run, otherwise when one ends.
     *
     * @return a stage completed as the load's stage is, or failed at once if too many wait
     */
    CompletableFuture<Void> admit(Supplier<CompletableFuture<Void>> load) {
        if (waitingCount.incrementAndGet() > maxWaiting) {
            waitingCount.decrementAndGet();
            return CompletableFuture.failedFuture(new LikeRejectedException(LikeRejectedException.Reason.OVERLOADED,
                    Duration.ofMillis(200), "too many contents waiting to be loaded from the backing store (at most "
                            + maxWaiting + "); retry shortly"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.add(() -> {
            waitingCount.decrementAndGet();
            Futures.attempt(load).whenComplete((ok, failure) -> {
                running.decrementAndGet();
                if (failure != null) {
                    done.completeExceptionally(failure);
                } else {
                    done.complete(null);
                }
                startWaiting();
            });
        });
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
                Runnable next = waiting.poll();
                if (next == null) {
                    break;
                }
                running.incrementAndGet();
                next.run();
            }
        } while (wip.decrementAndGet() != 0);
    }
}
