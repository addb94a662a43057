package dev.likes.events;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The hand-off between the threads that publish events and the one thread of a queue module's publisher that talks
 * to its broker: a caller never blocks on the broker, at most {@code maxPending} sends wait, and the sender thread
 * hands them to {@code send} one at a time in the order they were offered, taking many per wake-up. Thread-safe.
 *
 * @param <T> what a send carries
 */
public final class PendingSends<T> {

    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final int maxPending;
    private final String broker;
    private final Thread sender;
    private volatile boolean parked;
    private volatile boolean closing;

    /**
     * Starts the sender thread.
     *
     * @param threadName the sender thread's name
     * @param broker the broker's name, for the refusal's message
     * @param maxPending sends that may wait at most, at least 1
     * @param send called on the sender thread with each send, in order; it completes or fails the send itself and
     *     throws nothing (a throw ends the sender thread)
     */
    public PendingSends(String threadName, String broker, int maxPending, Consumer<? super T> send) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, but was " + maxPending);
        }
        this.maxPending = maxPending;
        this.broker = Objects.requireNonNull(broker, "broker must not be null");
        Objects.requireNonNull(send, "send must not be null");
        this.sender = new Thread(() -> sendLoop(send), Objects.requireNonNull(threadName, "threadName"));
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /**
     * Queues {@code item} for the sender thread, unless the publisher is closing or {@code maxPending} sends wait.
     *
     * @param item the send
     * @return {@code null} if queued; else what the caller's send fails with: an {@link IllegalStateException} once
     *     closing, a {@link RejectedExecutionException} when full
     */
    public @Nullable RuntimeException offer(T item) {
        if (closing) {
            return new IllegalStateException("the publisher is closed");
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            return new RejectedExecutionException(maxPending + " events already wait to be sent to " + broker
                    + "; is the broker reachable?");
        }
        queue.add(item);
        if (parked) {
            LockSupport.unpark(sender);
        }
        return null;
    }

    /**
     * Takes every waiting send out of the queue, each given to {@code fail}: when the broker is unreachable and each
     * would wait as long again.
     *
     * @param fail fails one send
     */
    public void drain(Consumer<? super T> fail) {
        T queued;
        while ((queued = queue.poll()) != null) {
            pending.decrementAndGet();
            fail.accept(queued);
        }
    }

    /**
     * Whether the calling thread is the sender thread.
     *
     * @return true on the sender thread
     */
    public boolean onSenderThread() {
        return Thread.currentThread() == sender;
    }

    /**
     * Whether {@link #close(Duration)} was called.
     *
     * @return true once closing
     */
    public boolean closing() {
        return closing;
    }

    /**
     * Refuses new sends, lets the sender thread hand over what waits, and waits for it at most {@code timeout}.
     * Idempotent.
     *
     * @param timeout how long to wait for the sender thread
     */
    public void close(Duration timeout) {
        closing = true;
        LockSupport.unpark(sender);
        try {
            sender.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendLoop(Consumer<? super T> send) {
        while (true) {
            T item = queue.poll();
            if (item == null) {
                if (closing) {
                    return;
                }
                parked = true;
                if (queue.isEmpty() && !closing) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
                parked = false;
                continue;
            }
            pending.decrementAndGet();
            send.accept(item);
        }
    }
}
