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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's second path: every {@code sweepInterval}, it visits each shard's stream, publishes its entries older
 * than {@code grace}, and removes them once the publisher acknowledged them. A shard is swept by one process at a
 * time, under a lease in Redis renewed page by page, so several processes share the sweeping without each
 * republishing the same backlog. It covers entries whose fast path ({@link OutboxRelay#relay}) failed (the broker was
 * down) or whose process died. Thread-safe.
 */
final class OutboxSweeper {

    private static final Logger log = LoggerFactory.getLogger(OutboxSweeper.class);
    private static final int SWEEP_BATCH = 1_000;
    private static final long LEASE_MILLIS = 30_000;

    private final Redis redis;
    private final Keys keys;
    private final EventPublisher publisher;
    private final Duration grace;
    private final Function<Map<Integer, List<String>>, CompletableFuture<Long>> remove;
    private final LongAdder failures;
    private final String token = UUID.randomUUID().toString();
    private final Redis.Script lease = Redis.Script.load("lease", ScriptOutputType.INTEGER);
    private final ScheduledExecutorService sweeper;
    private final AtomicBoolean sweepFailing = new AtomicBoolean();
    private final LongAdder swept = new LongAdder();
    private CompletableFuture<Long> lastSweep = CompletableFuture.completedFuture(0L);
    private volatile boolean closed;

    /**
     * Starts sweeping at once, then every {@code sweepInterval}.
     *
     * @param remove removes entries of the shards' streams (the relay's removal)
     * @param failures where failed publishes are counted
     */
    OutboxSweeper(Redis redis, Keys keys, EventPublisher publisher, Duration grace, Duration sweepInterval,
            Function<Map<Integer, List<String>>, CompletableFuture<Long>> remove, LongAdder failures) {
        this.redis = redis;
        this.keys = keys;
        this.publisher = publisher;
        this.grace = grace;
        this.remove = remove;
        this.failures = failures;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "like-outbox-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, 0, sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
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
                                : remove.apply(Map.of(shard, done));
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

    /**
     * Counts the events in every shard's outbox stream, a page of entries per call: the backlog not yet acknowledged.
     */
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

    long swept() {
        return swept.sum();
    }

    /** Stops sweeping, and waits until {@code deadline} (at least a second) for a sweep that runs to end. */
    void close(long deadline, Duration wait) {
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
}
