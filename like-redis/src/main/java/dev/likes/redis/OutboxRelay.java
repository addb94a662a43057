package dev.likes.redis;

import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEvent;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * Redis node, one call per shard on a cluster). The sweeper: every {@code sweepInterval}, it visits each shard's
 * stream, publishes its entries older than {@code grace}, and removes them once acknowledged. A shard is swept by one
 * process at a time, under a lease in Redis renewed page by page, so several processes share the sweeping without each
 * republishing the same backlog. The sweeper covers entries whose fast path failed (the broker was down) or whose
 * process died. Either path may publish an event the other also published, or that a dead process published without
 * removing it: consumers apply events idempotently by version, so a duplicate changes nothing.
 *
 * <p>Memory is bounded: beyond {@code maxInFlight} events in the fast path, entries are left to the sweeper. Thread-safe.
 */
final class OutboxRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int SWEEP_BATCH = 1_000;
    private static final long LEASE_MILLIS = 30_000;

    private final Redis redis;
    private final Keys keys;
    private final EventPublisher publisher;
    private final Duration grace;
    private final int maxInFlight;
    private final boolean singleNode;
    private final String token = UUID.randomUUID().toString();
    private final Redis.Script ack = Redis.Script.load("outbox-ack", ScriptOutputType.INTEGER);
    private final Redis.Script lease = Redis.Script.load("lease", ScriptOutputType.INTEGER);
    private final ScheduledExecutorService sweeper;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean acking = new AtomicBoolean();
    private CompletableFuture<Long> lastSweep = CompletableFuture.completedFuture(0L);
    private final AtomicBoolean sweepFailing = new AtomicBoolean();
    private final LongAdder published = new LongAdder();
    private final LongAdder swept = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private volatile boolean closed;

    /**
     * @param singleNode whether Redis is one node (not a cluster): removals of several shards then go in one call
     */
    OutboxRelay(Redis redis, Keys keys, EventPublisher publisher, Duration sweepInterval, Duration grace,
            int maxInFlight, boolean singleNode) {
        this.singleNode = singleNode;
        this.redis = redis;
        this.keys = keys;
        this.publisher = publisher;
        this.grace = grace;
        this.maxInFlight = maxInFlight;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "like-outbox-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = sweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, 0, period, TimeUnit.MILLISECONDS);
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
                    acks.add(new Ack(shard, entryId));
                    flushAcks();
                }
            });
        }
    }

    /** Removes acknowledged entries, one round of calls at a time. */
    private void flushAcks() {
        if (!acking.compareAndSet(false, true)) {
            return;
        }
        Map<Integer, List<String>> byShard = new TreeMap<>();
        Ack next;
        int n = 0;
        while (n < 10_000 && (next = acks.poll()) != null) {
            byShard.computeIfAbsent(next.shard, c -> new ArrayList<>()).add(next.entryId);
            n++;
        }
        if (byShard.isEmpty()) {
            acking.set(false);
            if (!acks.isEmpty()) {
                flushAcks();
            }
            return;
        }
        List<CompletableFuture<Long>> calls = new ArrayList<>(byShard.size());
        if (singleNode) {
            calls.add(remove(byShard));
        } else {
            byShard.forEach((shard, ids) -> calls.add(remove(Map.of(shard, ids))));
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.debug("outbox entries not removed now, the sweeper will see them again: {}", failure.toString());
            }
            acking.set(false);
            if (!acks.isEmpty()) {
                flushAcks();
            }
        });
    }

    /** Removes entries of the shards' streams in one call (of one shard on a cluster). */
    private CompletableFuture<Long> remove(Map<Integer, List<String>> byShard) {
        String[] scriptKeys = new String[byShard.size()];
        List<String> args = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Integer, List<String>> e : byShard.entrySet()) {
            scriptKeys[i++] = keys.outbox(e.getKey());
            args.add(Integer.toString(e.getValue().size()));
        }
        byShard.values().forEach(args::addAll);
        return redis.script(ack, scriptKeys, args.toArray(new String[0]));
    }

    private void sweepQuietly() {
        try {
            sweep().get();
            if (sweepFailing.compareAndSet(true, false)) {
                log.info("outbox sweeps work again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Object why = e.getCause() == null ? e : e.getCause().toString();
            if (closed) {
                return;
            }
            if (sweepFailing.compareAndSet(false, true)) {
                log.warn("outbox sweep failed; retrying every period, quietly until one works: {}", why);
            } else {
                log.debug("outbox sweep failed again: {}", why);
            }
        }
    }

    /**
     * Publishes every outbox entry older than the grace period, in each shard whose lease this process gets, and
     * removes what the publisher acknowledged. Sweeps run one after another: a sweep asked for while one runs starts
     * when it ends.
     *
     * @return a stage completed with the number of events relayed
     */
    synchronized CompletableFuture<Long> sweep() {
        CompletableFuture<Long> next = lastSweep.handle((n, failure) -> null).thenCompose(ignored -> sweepAll())
                .whenComplete((n, failure) -> {
                    if (n != null && n > 0) {
                        log.info("outbox sweep relayed {} events", n);
                    }
                });
        lastSweep = next;
        return next;
    }

    private CompletableFuture<Long> sweepAll() {
        return redis.call("TIME", c -> c.time()).thenCompose(time -> {
            long nowMillis = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            String cutoff = Long.toString(nowMillis - grace.toMillis());
            CompletableFuture<Long> chain = CompletableFuture.completedFuture(0L);
            for (int shard = 0; shard < keys.shards(); shard++) {
                int s = shard;
                chain = chain.thenCompose(n -> sweepShard(s, cutoff).thenApply(m -> n + m));
            }
            return chain;
        });
    }

    /** Sweeps one shard if this process gets its lease; releases the lease after, also when the sweep failed. */
    private CompletableFuture<Long> sweepShard(int shard, String cutoff) {
        if (closed) {
            return CompletableFuture.completedFuture(0L);
        }
        return takeLease(shard).thenCompose(held -> {
            if (!held) {
                return CompletableFuture.completedFuture(0L);
            }
            CompletableFuture<Long> drained = drain(shard, cutoff);
            return drained.handle((n, failure) -> failure)
                    .thenCompose(failure -> redis.<Long>script(lease, new String[] {keys.sweepLease(shard)}, token, "0")
                            .handle((released, ignored) -> failure))
                    .thenCompose(failure -> failure != null ? CompletableFuture.<Long>failedFuture(failure) : drained);
        });
    }

    private CompletableFuture<Boolean> takeLease(int shard) {
        return redis.<Long>script(lease, new String[] {keys.sweepLease(shard)}, token, Long.toString(LEASE_MILLIS))
                .thenApply(held -> held == 1);
    }

    /** Relays one shard's entries up to {@code cutoff} (ms), a page at a time, renewing the lease before each page. */
    private CompletableFuture<Long> drain(int shard, String cutoff) {
        String key = keys.outbox(shard);
        Range<String> range = Range.create("-", cutoff);
        return redis.call("XRANGE outbox", c -> c.xrange(key, range, Limit.from(SWEEP_BATCH))).thenCompose(entries -> {
            if (entries.isEmpty() || closed) {
                return CompletableFuture.completedFuture(0L);
            }
            List<String> ids = new ArrayList<>(entries.size());
            List<CompletableFuture<Void>> sends = new ArrayList<>(entries.size());
            long[] events = {0};
            for (StreamMessage<String, String> entry : entries) {
                List<LikeEvent> decoded = OutboxEvents.decode(entry.getBody());
                if (decoded == null) {
                    log.warn("outbox entry {} of {} is malformed and is removed: {}", entry.getId(), key, entry.getBody());
                    ids.add(entry.getId());
                    continue;
                }
                String id = entry.getId();
                CompletableFuture<?>[] published = new CompletableFuture<?>[decoded.size()];
                for (int i = 0; i < published.length; i++) {
                    published[i] = publisher.publish(decoded.get(i)).toCompletableFuture();
                }
                int count = decoded.size();
                sends.add(CompletableFuture.allOf(published).thenRun(() -> {
                    synchronized (ids) {
                        ids.add(id);
                        events[0] += count;
                    }
                }));
            }
            return CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]))
                    .handle((ok, failure) -> failure)
                    .thenCompose(failure -> {
                        List<String> done;
                        long relayed;
                        synchronized (ids) {
                            done = new ArrayList<>(ids);
                            relayed = events[0];
                        }
                        CompletableFuture<Long> removed = done.isEmpty()
                                ? CompletableFuture.completedFuture(0L)
                                : remove(Map.of(shard, done));
                        return removed.thenCompose(n -> {
                            swept.add(relayed);
                            if (failure != null) {
                                failures.increment();
                                return CompletableFuture.failedFuture(failure);
                            }
                            if (entries.size() < SWEEP_BATCH) {
                                return CompletableFuture.completedFuture(relayed);
                            }
                            return takeLease(shard).thenCompose(held -> held
                                    ? drain(shard, cutoff).thenApply(m -> m + relayed)
                                    : CompletableFuture.completedFuture(relayed));
                        });
                    });
        });
    }

    /** Counts the events in every shard's outbox stream, a page of entries per call: the backlog not yet acknowledged. */
    CompletableFuture<Long> backlog() {
        return backlogByShard().thenApply(byShard -> byShard.values().stream().mapToLong(Long::longValue).sum());
    }

    /** The backlog of each shard, shard by shard. */
    CompletableFuture<Map<Integer, Long>> backlogByShard() {
        Map<Integer, Long> byShard = new TreeMap<>();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int shard = 0; shard < keys.shards(); shard++) {
            int s = shard;
            String key = keys.outbox(shard);
            chain = chain.thenCompose(done -> count(key, "-").thenAccept(n -> byShard.put(s, n)));
        }
        return chain.thenApply(done -> Collections.unmodifiableMap(byShard));
    }

    private CompletableFuture<Long> count(String key, String from) {
        Range<String> range = Range.create(from, "+");
        return redis.call("XRANGE outbox", c -> c.xrange(key, range, Limit.from(SWEEP_BATCH))).thenCompose(entries -> {
            long n = 0;
            for (StreamMessage<String, String> entry : entries) {
                n += OutboxEvents.size(entry.getBody());
            }
            if (entries.size() < SWEEP_BATCH) {
                return CompletableFuture.completedFuture(n);
            }
            long counted = n;
            String last = entries.get(entries.size() - 1).getId();
            return count(key, "(" + last).thenApply(m -> m + counted);
        });
    }

    long published() {
        return published.sum();
    }

    long swept() {
        return swept.sum();
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
        while ((inFlight.get() > 0 || !acks.isEmpty() || acking.get()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
            // a sweep runs on the client's threads: let it see `closed` and release the lease it holds
            CompletableFuture<Long> running;
            synchronized (this) {
                running = lastSweep;
            }
            long left = Math.max(0, deadline - System.nanoTime());
            running.handle((n, failure) -> null).get(Math.max(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("outbox sweep still running at close; its lease expires by itself", e);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private record Ack(int shard, String entryId) {}
}
