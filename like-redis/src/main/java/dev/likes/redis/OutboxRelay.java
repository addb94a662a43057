package dev.likes.redis;

import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the outbox to the event log. The apply script writes the changes of each call to its shard's outbox stream,
 * as one entry, in the same atomic step as the changes; this class publishes the entry's events and removes the entry
 * only after the publisher acknowledged every one of them, so an acknowledged like is never lost between Redis and
 * the event log, whatever process dies.
 *
 * <p>Two paths. The fast one: as soon as the script returns, the events (already in memory) are published, and once
 * all of an entry's are acknowledged, the entry is removed (removals are batched: one call for every shard on one
 * Redis node, one call per shard on a cluster). The sweeper ({@link OutboxSweeper}) relays, under a lease per shard,
 * the entries older than {@code grace} that the fast path left: its publish failed, or its process died. Either path
 * may publish an event the other also published, or that a dead process published without removing it: consumers
 * apply events idempotently by version, so a duplicate changes nothing.
 *
 * <p>Memory is bounded: beyond {@code maxInFlight} events in the fast path, entries are left to the sweeper.
 * Thread-safe.
 */
final class OutboxRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final EventPublisher publisher;
    private final int maxInFlight;
    private final OutboxRemovals removals;
    private final OutboxSweeper sweeper;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder published = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private volatile boolean closed;

    /**
     * @param singleNode whether Redis is one node (not a cluster): removals of several shards then go in one call
     */
    OutboxRelay(Redis redis, Keys keys, EventPublisher publisher, Duration sweepInterval, Duration grace,
            int maxInFlight, boolean singleNode) {
        this.removals = new OutboxRemovals(redis, keys, singleNode);
        this.publisher = publisher;
        this.maxInFlight = maxInFlight;
        this.sweeper = new OutboxSweeper(redis, keys, publisher, grace, sweepInterval, this::remove, failures);
    }

    /**
     * The fast path: publishes the events of the entry the script just wrote, and removes the entry once every one of
     * them is acknowledged. Never blocks.
     */
    void relay(int shard, String entryId, List<LikeEvent> events) {
        int n = events.size();
        if (closed || inFlight.addAndGet(n) > maxInFlight) {
            inFlight.addAndGet(-n);
            skipped.add(n);
            return; // the sweeper publishes them
        }
        AtomicInteger pending = new AtomicInteger(n);
        AtomicBoolean failed = new AtomicBoolean();
        for (LikeEvent event : events) {
            CompletableFuture<Void> sent;
            try {
                sent = publisher.publish(event).toCompletableFuture();
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((ok, failure) -> {
                inFlight.decrementAndGet();
                if (failure != null) {
                    failures.increment();
                    failed.set(true);
                    log.debug("event {} not relayed now, the sweeper will retry: {}", event.eventId(), failure.toString());
                } else {
                    published.increment();
                }
                if (pending.decrementAndGet() == 0 && !failed.get()) {
                    removals.add(shard, entryId);
                }
            });
        }
    }

    /** See {@link OutboxRemovals#remove}. */
    CompletableFuture<Long> remove(Map<Integer, List<String>> byShard) {
        return removals.remove(byShard);
    }

    long published() {
        return published.sum();
    }

    long swept() {
        return sweeper.swept();
    }

    /**
     * Sweeps now: see {@link OutboxSweeper#sweep()}.
     *
     * @return a stage completed with the number of events relayed
     */
    CompletableFuture<Long> sweep() {
        return sweeper.sweep();
    }

    /** The events in every shard's outbox stream, not yet acknowledged by the event log. */
    CompletableFuture<Long> backlog() {
        return sweeper.backlog();
    }

    /** The backlog of each shard. */
    CompletableFuture<Map<Integer, Long>> backlogByShard() {
        return sweeper.backlogByShard();
    }

    long failures() {
        return failures.sum();
    }

    long skipped() {
        return skipped.sum();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Stops the sweeper and waits up to {@code wait} for the fast path's publishes in flight and their removals. */
    void close(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while ((inFlight.get() > 0 || removals.busy()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        sweeper.close(deadline, wait);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

}
