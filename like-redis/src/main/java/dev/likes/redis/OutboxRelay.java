package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the outbox to the event log. The apply script writes the changes of each batch it applies to its content's
 * outbox stream, as one entry, in the same atomic step as the changes; this class publishes the entry's events and
 * removes the entry only after the publisher acknowledged every one of them, so an acknowledged like is never lost
 * between Redis and the event log, whatever process dies.
 *
 * <p>Two paths. The fast one: as soon as the script returns, the events (already in memory) are published, and once
 * all of an entry's are acknowledged, the entry is removed (removals are batched per content). The sweeper: every
 * {@code sweepInterval}, it visits the contents of the outbox index (a sorted set of contents with a time; never a scan
 * of the keyspace) indexed more than {@code grace} ago, publishes their entries older than that, and drops a content
 * from the index once its outbox is empty. On one Redis node the apply script indexes a content in the step that
 * creates its outbox stream, and the removal that empties the stream deletes it and drops the content from the index
 * in one step, so a stream that exists is always indexed and the index holds little else; on a cluster, where the
 * index lives on another node, each writer registers the content before its script runs. The
 * sweeper covers entries whose fast path failed (the broker was down) or whose process died. Either path may publish
 * an event the other also published, or that a dead process published without removing it: consumers apply events
 * idempotently by version, so a duplicate changes nothing.
 *
 * <p>Memory is bounded: beyond {@code maxInFlight} events in the fast path, entries are left to the sweeper. Thread-safe.
 */
final class OutboxRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int SWEEP_BATCH = 1_000;
    private static final int SWEEP_CONTENTS = 10_000;

    private final Redis redis;
    private final Keys keys;
    private final EventPublisher publisher;
    private final Duration grace;
    private final int maxInFlight;
    private final boolean oneNode;
    private final Redis.Script ack = Redis.Script.load("outbox-ack", ScriptOutputType.INTEGER);
    private final Redis.Script ackMany = Redis.Script.load("outbox-ack-many", ScriptOutputType.INTEGER);
    private final Redis.Script register = Redis.Script.load("outbox-register", ScriptOutputType.INTEGER);
    private final Redis.Script due = Redis.Script.load("outbox-due", ScriptOutputType.MULTI);
    private final Redis.Script forget = Redis.Script.load("outbox-forget", ScriptOutputType.INTEGER);
    private final Redis.Script count = Redis.Script.load("outbox-count", ScriptOutputType.INTEGER);
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
     * @param oneNode whether Redis is one node (not a cluster): removals of several contents then go in one call
     */
    OutboxRelay(Redis redis, Keys keys, EventPublisher publisher, Duration sweepInterval, Duration grace,
            int maxInFlight, boolean oneNode) {
        this.oneNode = oneNode;
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
    void relay(ContentRef content, String entryId, List<LikeEvent> events) {
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
                    acks.add(new Ack(content, entryId));
                    flushAcks();
                }
            });
        }
    }

    /**
     * Removes acknowledged entries, one round of calls at a time: one call for all contents on one Redis node, one
     * call per content on a cluster.
     */
    private void flushAcks() {
        if (!acking.compareAndSet(false, true)) {
            return;
        }
        Map<ContentRef, List<String>> byContent = new HashMap<>();
        Ack next;
        int n = 0;
        while (n < 10_000 && (next = acks.poll()) != null) {
            byContent.computeIfAbsent(next.content, c -> new ArrayList<>()).add(next.entryId);
            n++;
        }
        if (byContent.isEmpty()) {
            acking.set(false);
            if (!acks.isEmpty()) {
                flushAcks();
            }
            return;
        }
        List<CompletableFuture<Long>> calls = new ArrayList<>(byContent.size());
        if (oneNode) {
            calls.add(removeMany(byContent));
        } else {
            byContent.forEach((content, ids) -> calls.add(remove(content, ids)));
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

    /**
     * Removes entries of several contents in one call, and drops a content whose stream it empties from the outbox
     * index: on one Redis node only, where the apply script indexes a content when it creates the stream.
     */
    private CompletableFuture<Long> removeMany(Map<ContentRef, List<String>> byContent) {
        String[] scriptKeys = new String[1 + byContent.size()];
        scriptKeys[0] = keys.outboxIndex();
        List<String> counts = new ArrayList<>(byContent.size());
        List<String> members = new ArrayList<>(byContent.size());
        List<String> ids = new ArrayList<>();
        int i = 1;
        for (Map.Entry<ContentRef, List<String>> e : byContent.entrySet()) {
            scriptKeys[i++] = keys.outbox(e.getKey());
            counts.add(Integer.toString(e.getValue().size()));
            members.add(e.getKey().toString());
            ids.addAll(e.getValue());
        }
        List<String> args = new ArrayList<>(counts.size() * 2 + ids.size());
        args.addAll(counts);
        args.addAll(members);
        args.addAll(ids);
        return redis.script(ackMany, scriptKeys, args.toArray(new String[0]));
    }

    private CompletableFuture<Long> remove(ContentRef content, List<String> ids) {
        return redis.script(ack, new String[] {keys.outbox(content)}, ids.toArray(new String[0]));
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
     * Publishes every outbox entry older than the grace period and removes what the publisher acknowledged. Sweeps
     * run one after another: a sweep asked for while one runs starts when it ends.
     *
     * @return a stage completed with the number of entries relayed
     */
    synchronized CompletableFuture<Long> sweep() {
        CompletableFuture<Long> next = lastSweep.handle((n, failure) -> null).thenCompose(ignored -> sweepDue())
                .whenComplete((n, failure) -> {
                    if (n != null && n > 0) {
                        log.info("outbox sweep relayed {} events", n);
                    }
                });
        lastSweep = next;
        return next;
    }

    /** One pass over the indexed contents registered before the cutoff (at most {@link #SWEEP_CONTENTS}). */
    private CompletableFuture<Long> sweepDue() {
        return redis.<List<Object>>script(due, new String[] {keys.outboxIndex()}, Long.toString(grace.toMillis()),
                Integer.toString(SWEEP_CONTENTS)).thenCompose(reply -> {
                    String cutoff = String.valueOf(reply.get(0));
                    CompletableFuture<Long> chain = CompletableFuture.completedFuture(0L);
                    for (Object member : reply.subList(1, reply.size())) {
                        String text = String.valueOf(member);
                        ContentRef content;
                        try {
                            content = ContentRef.parse(text);
                        } catch (IllegalArgumentException e) {
                            log.warn("outbox index member {} is not a content; removed", text);
                            chain = chain.thenCompose(n -> forget(text, cutoff).thenApply(x -> n));
                            continue;
                        }
                        chain = chain.thenCompose(n -> drain(content, cutoff).thenCompose(m -> forgetIfEmpty(content, cutoff)
                                .thenApply(x -> n + m)));
                    }
                    return chain;
                });
    }

    private CompletableFuture<Long> forgetIfEmpty(ContentRef content, String cutoff) {
        String key = keys.outbox(content);
        return redis.call("XLEN outbox", c -> c.xlen(key))
                .thenCompose(n -> n == 0 ? forget(content.toString(), cutoff) : CompletableFuture.completedFuture(0L));
    }

    private CompletableFuture<Long> forget(String member, String cutoff) {
        return redis.script(forget, new String[] {keys.outboxIndex()}, member, cutoff);
    }

    /** Registers a content in the outbox index before its apply script runs; see {@code outbox-register.lua}. */
    CompletableFuture<Long> register(ContentRef content) {
        return redis.script(register, new String[] {keys.outboxIndex()}, content.toString());
    }

    /** Relays one content's entries older than {@code cutoff} (ms), a batch at a time. */
    private CompletableFuture<Long> drain(ContentRef content, String cutoff) {
        String key = keys.outbox(content);
        Range<String> range = Range.create("-", Long.toString((long) Double.parseDouble(cutoff)));
        return redis.call("XRANGE outbox", c -> c.xrange(key, range, Limit.from(SWEEP_BATCH))).thenCompose(entries -> {
            if (entries.isEmpty() || closed) {
                return CompletableFuture.completedFuture(0L);
            }
            List<String> ids = new ArrayList<>(entries.size());
            List<CompletableFuture<Void>> sends = new ArrayList<>(entries.size());
            long[] events = {0};
            for (StreamMessage<String, String> entry : entries) {
                List<LikeEvent> decoded = OutboxEvents.decode(content, entry.getBody());
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
                                : remove(content, done);
                        return removed.thenCompose(n -> {
                            swept.add(relayed);
                            if (failure != null) {
                                failures.increment();
                                return CompletableFuture.failedFuture(failure);
                            }
                            return entries.size() < SWEEP_BATCH
                                    ? CompletableFuture.completedFuture(relayed)
                                    : drain(content, cutoff).thenApply(m -> m + relayed);
                        });
                    });
        });
    }

    /** Counts the events in the outbox streams of every indexed content: the backlog not yet acknowledged. */
    CompletableFuture<Long> backlog() {
        String index = keys.outboxIndex();
        return redis.call("ZRANGE outbox index", c -> c.zrange(index, 0, -1)).thenCompose(members -> {
            List<CompletableFuture<Long>> lengths = new ArrayList<>();
            for (String member : members) {
                try {
                    String key = keys.outbox(ContentRef.parse(member));
                    lengths.add(redis.script(count, new String[] {key}));
                } catch (IllegalArgumentException e) {
                    // not a content: the sweeper removes it
                }
            }
            return CompletableFuture.allOf(lengths.toArray(new CompletableFuture<?>[0])).thenApply(ok -> {
                long n = 0;
                for (CompletableFuture<Long> length : lengths) {
                    n += length.join();
                }
                return n;
            });
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private record Ack(ContentRef content, String entryId) {}
}
