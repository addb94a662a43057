package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady like/unlike load from several threads, with the model of what was acknowledged. Each thread owns its own
 * users, so each (user, content) changes in one thread, in order; a call that fails is retried with the same request
 * ID until it is acknowledged (a client that retries), so the final intent of every pair is known exactly.
 */
final class Load {

    private final LikeService service;
    private final List<ContentRef> contents;
    private final int usersPerThread;
    private final long pauseNanos;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<Map<Pair, Boolean>> models = new ArrayList<>();
    /** Every attempt per pair, in order (one thread writes a pair), for explaining a failed model check. */
    private final Map<Pair, List<String>> history = new ConcurrentHashMap<>();
    /** Failed attempts by exception and the start of its message. */
    private final Map<String, LongAdder> failureKinds = new ConcurrentHashMap<>();
    private final long origin = System.nanoTime();
    private final Map<LikeResult.Status, LongAdder> statuses = new EnumMap<>(LikeResult.Status.class);
    final LongAdder operations = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final AtomicLong unresolved = new AtomicLong();
    /** The slowest single call, in nanoseconds (a call that failed and was retried counts each attempt alone). */
    final AtomicLong slowestCallNanos = new AtomicLong();
    private volatile boolean randomUserIds;
    private volatile int withoutRequestIdPercent;
    private volatile int staleRetryPercent;
    private volatile long giveUpNanos = TimeUnit.SECONDS.toNanos(90);
    /** Stale retries sent, and those a store answered by changing the pair's state (each one a flip: never right). */
    final LongAdder staleRetries = new LongAdder();
    final LongAdder staleRetriesApplied = new LongAdder();
    final LongAdder staleRetriesAccepted = new LongAdder();

    record Pair(long userId, ContentRef content) {}

    Load(LikeService service, int threads, int usersPerThread, List<ContentRef> contents, long pauseMicros, long seed) {
        this.service = service;
        this.contents = List.copyOf(contents);
        this.usersPerThread = usersPerThread;
        this.pauseNanos = TimeUnit.MICROSECONDS.toNanos(pauseMicros);
        for (LikeResult.Status s : LikeResult.Status.values()) {
            statuses.put(s, new LongAdder());
        }
        for (int t = 0; t < threads; t++) {
            Map<Pair, Boolean> model = new HashMap<>();
            models.add(model);
            long firstUser = 1 + (long) t * usersPerThread;
            SplittableRandom random = new SplittableRandom(seed + t);
            Thread thread = new Thread(() -> run(firstUser, model, random), "load-" + t);
            thread.setDaemon(true);
            this.threads.add(thread);
        }
    }

    /**
     * Uses random positive 63-bit user ids (a fixed bijective mix of each thread's user numbers, so each thread still
     * owns its users), as large feeds have, instead of 1..N. Call before {@link #start()}.
     *
     * @return this load
     */
    Load randomUserIds() {
        this.randomUserIds = true;
        return this;
    }

    /**
     * Sends {@code percent} of the operations without a request ID, as clients that do not send one do; a retry of
     * such an operation is a new call. Call before {@link #start()}.
     *
     * @return this load
     */
    Load withoutRequestIds(int percent) {
        this.withoutRequestIdPercent = percent;
        return this;
    }

    /**
     * Makes {@code percent} of the operations stale retries: a client re-sending, with its request ID, one of its last
     * 64 acknowledged operations (one other operations have followed, or not). A stale retry must not change the
     * pair's state, so it leaves the model as it is. Call before {@link #start()}.
     *
     * @return this load
     */
    Load staleRetries(int percent) {
        this.staleRetryPercent = percent;
        return this;
    }

    /**
     * How long a client retries a failed operation before it gives up on it (counted in {@link #unresolved}); 90 s
     * unless set. Call before {@link #start()}.
     *
     * @return this load
     */
    Load giveUpAfter(Duration patience) {
        this.giveUpNanos = patience.toNanos();
        return this;
    }

    /** An acknowledged operation that carried a request ID, kept to be retried stale. */
    private record Sent(long userId, ContentRef content, boolean like, String requestId) {}

    private long userId(long n) {
        if (!randomUserIds) {
            return n;
        }
        long z = n * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        long id = (z ^ (z >>> 31)) >>> 1;
        return id == 0 ? 1 : id;
    }

    Load start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void run(long firstUser, Map<Pair, Boolean> model, SplittableRandom random) {
        Sent[] recent = new Sent[64];
        int sent = 0;
        while (running.get()) {
            if (sent > 0 && random.nextInt(100) < staleRetryPercent) {
                retryStale(recent[random.nextInt(Math.min(sent, recent.length))]);
                continue;
            }
            long user = userId(firstUser + random.nextInt(usersPerThread));
            ContentRef content = contents.get(random.nextInt(contents.size()));
            boolean like = random.nextInt(10) < 7;
            String requestId = random.nextInt(100) < withoutRequestIdPercent
                    ? null
                    : Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
            long deadline = System.nanoTime() + giveUpNanos;
            while (true) {
                long started = System.nanoTime();
                try {
                    LikeResult r = like ? service.like(user, content, requestId) : service.unlike(user, content, requestId);
                    slowestCallNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                    statuses.get(r.status()).increment();
                    record(user, content, like, requestId, started, r.status().toString());
                    model.put(new Pair(user, content), like);
                    if (requestId != null) {
                        recent[sent++ % recent.length] = new Sent(user, content, like, requestId);
                    }
                    break;
                } catch (LikeException e) {
                    slowestCallNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                    failedAttempts.increment();
                    record(user, content, like, requestId, started, e.getClass().getSimpleName());
                    String message = String.valueOf(e.getMessage());
                    failureKinds.computeIfAbsent(e.getClass().getSimpleName() + ": "
                            + message.substring(0, Math.min(60, message.length())), k -> new LongAdder()).increment();
                    if (System.nanoTime() > deadline) {
                        unresolved.incrementAndGet();
                        return;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
            operations.increment();
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
        }
    }

    /** Sends a stale retry once; a failure is not retried (the client gave up on it long ago). */
    private void retryStale(Sent old) {
        staleRetries.increment();
        long started = System.nanoTime();
        try {
            LikeResult r = old.like()
                    ? service.like(old.userId(), old.content(), old.requestId())
                    : service.unlike(old.userId(), old.content(), old.requestId());
            record(old.userId(), old.content(), old.like(), old.requestId(), started, "stale retry " + r.status());
            if (r.status() == LikeResult.Status.APPLIED) {
                staleRetriesApplied.increment();
            } else if (r.status() == LikeResult.Status.ACCEPTED) {
                staleRetriesAccepted.increment();
            }
        } catch (LikeException e) {
            failedAttempts.increment();
            record(old.userId(), old.content(), old.like(), old.requestId(), started,
                    "stale retry " + e.getClass().getSimpleName());
        } finally {
            slowestCallNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        }
        if (pauseNanos > 0) {
            LockSupport.parkNanos(pauseNanos);
        }
    }

    /** Stops the threads after their current operation (and its retries) and waits for them. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(2));
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop within 2 minutes");
            }
        }
    }

    /** Who should like what, from the acknowledged operations. Call after {@link #stop()}. */
    Map<ContentRef, Set<Long>> expected() {
        Map<ContentRef, Set<Long>> likers = new HashMap<>();
        for (Map<Pair, Boolean> model : models) {
            model.forEach((pair, liked) -> {
                if (liked) {
                    likers.computeIfAbsent(pair.content(), c -> new HashSet<>()).add(pair.userId());
                }
            });
        }
        return likers;
    }

    private void record(long user, ContentRef content, boolean like, String requestId, long started, String outcome) {
        long now = System.nanoTime();
        history.computeIfAbsent(new Pair(user, content), k -> new ArrayList<>())
                .add(String.format("%s %s request=%s at %d ms, took %d ms: %s", like ? "like" : "unlike",
                        content, requestId, TimeUnit.NANOSECONDS.toMillis(started - origin),
                        TimeUnit.NANOSECONDS.toMillis(now - started), outcome));
    }

    /** The attempts made on a pair, in order, with their outcomes. */
    List<String> history(long userId, ContentRef content) {
        return history.getOrDefault(new Pair(userId, content), List.of());
    }

    /** Failed attempts by kind, most first. */
    String failureKinds() {
        StringBuilder out = new StringBuilder();
        failureKinds.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .limit(5).forEach(e -> out.append('[').append(e.getValue().sum()).append(' ').append(e.getKey())
                        .append("] "));
        return out.toString();
    }

    long count(LikeResult.Status status) {
        return statuses.get(status).sum();
    }

    long acknowledged() {
        return statuses.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
