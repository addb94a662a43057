package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.internal.Futures;
import dev.likes.jdbc.DegradedJournal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes accepted while Redis is down and not replayed into it yet: per content, in the order of the calls, with
 * the request IDs among them, their versions from a hybrid clock, and their rows in the {@link DegradedJournal}
 * under this process' lease. Thread-safe.
 */
final class DegradedBacklog {

    private static final Logger log = LoggerFactory.getLogger(DegradedBacklog.class);
    /** How long a journal entry stays this process' after its last renewal: then another process takes it over. */
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final long RENEW_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CLAIM_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int CLAIM_LIMIT = 10_000;

    private final DegradedJournal journal;
    /** MySQL's circuit breaker: the journal is not waited for while MySQL is down. */
    private final BackingStoreBreaker mysqlGuard;
    private final Clock clock;
    private final int max;
    /** This process' name in the journal's leases. */
    private final String owner = "like-" + UUID.randomUUID();
    private final ConcurrentHashMap<ContentRef, Dirty> dirty = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong lastVersion = new AtomicLong();
    /**
     * Request IDs of changes being accepted or accepted in degraded mode and not replayed yet, each with its change's
     * outcome: whether it was a like, once accepted.
     */
    private final ConcurrentHashMap<RequestKey, CompletableFuture<Boolean>> requests = new ConcurrentHashMap<>();
    /** Journal entries replayed whose deletion failed: deleted again by the next upkeep. */
    private final ConcurrentLinkedQueue<DegradedJournal.Entry> unremoved = new ConcurrentLinkedQueue<>();
    private final Object journalLock = new Object();
    private final AtomicBoolean unjournaledWarned = new AtomicBoolean();
    private long lastRenew = System.nanoTime();
    /** When the journal was last asked for entries to take over: the first upkeep asks at once. */
    private long lastClaim = System.nanoTime() - CLAIM_EVERY_NANOS;

    DegradedBacklog(DegradedJournal journal, BackingStoreBreaker mysqlGuard, Clock clock, int max) {
        this.journal = journal;
        this.mysqlGuard = mysqlGuard;
        this.clock = clock;
        this.max = max;
    }

    /** A change's request ID, the key of {@link #claimRequest}. */
    record RequestKey(long userId, ContentRef content, @Nullable String requestId) {
        static RequestKey of(LikeMutation m) {
            return new RequestKey(m.userId(), m.content(), m.requestId());
        }
    }

    // ---- size ----

    int max() {
        return max;
    }

    /** Takes a place for one more change; false (and nothing taken) when {@link #max()} are waiting already. */
    boolean reserve() {
        if (size.incrementAndGet() > max) {
            size.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back the place of a change that left the backlog. */
    void left() {
        size.decrementAndGet();
    }

    int size() {
        return size.get();
    }

    // ---- contents ----

    @Nullable Dirty of(ContentRef content) {
        return dirty.get(content);
    }

    boolean has(ContentRef content) {
        return dirty.containsKey(content);
    }

    boolean isEmpty() {
        return dirty.isEmpty();
    }

    Set<ContentRef> contents() {
        return dirty.keySet();
    }

    /** Adds a change to its content's backlog, after the ones already there. */
    Dirty enqueue(Pending pending) {
        while (true) {
            Dirty d = dirty.computeIfAbsent(pending.mutation().content(), c -> new Dirty());
            synchronized (d) {
                if (!d.retired) {
                    d.pending.addLast(pending);
                    return d;
                }
            }
        }
    }

    /** Takes an emptied content's backlog out; a change enqueued afterwards starts a new one. Holds d's lock. */
    void retire(ContentRef content, Dirty d) {
        d.retired = true;
        dirty.remove(content, d);
    }

    // ---- request IDs ----

    /** Registers the outcome of a change with a request ID; returns the one registered before for it, if any. */
    @Nullable CompletableFuture<Boolean> claimRequest(RequestKey key, CompletableFuture<Boolean> outcome) {
        return requests.putIfAbsent(key, outcome);
    }

    void dropRequest(RequestKey key, CompletableFuture<Boolean> outcome) {
        requests.remove(key, outcome);
    }

    /** Redis holds the request ID from now on (or it was found used): a retry asks Redis or the durable side. */
    void settled(RequestKey key) {
        requests.remove(key);
    }

    // ---- versions ----

    /** A hybrid clock: microseconds of wall time, strictly increasing, as Redis' versions are. */
    long nextVersion() {
        long now = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        return lastVersion.updateAndGet(last -> Math.max(last + 1, now));
    }

    /** The next version of the hybrid clock that is also above {@code floor}. */
    long nextVersionAbove(long floor) {
        return lastVersion.updateAndGet(
                last -> Math.max(Math.max(last + 1, floor), TimeUnit.MILLISECONDS.toMicros(clock.millis())));
    }

    // ---- journal ----

    /**
     * Writes the change to the journal under this process' lease; a journal that cannot be written is logged once
     * (the change then waits in memory only) and completes the stage with {@code null}.
     */
    CompletableFuture<DegradedJournal.@Nullable Entry> journal(LikeMutation replay) {
        Instant leaseEnd = clock.instant().plus(LEASE);
        return Futures.attempt(() -> mysqlGuard.guard(() -> journal.append(replay, owner, leaseEnd)))
                .handle((entry, failure) -> {
                    if (failure != null && unjournaledWarned.compareAndSet(false, true)) {
                        log.warn("the journal of degraded changes cannot be written ({}): changes accepted now wait"
                                + " for their replay into Redis in this process' memory only",
                                Futures.unwrap(failure).toString());
                    } else if (failure == null) {
                        unjournaledWarned.set(false);
                    }
                    return failure == null ? entry : null;
                });
    }

    /** Deletes journal entries (replayed, or refused); those that cannot be deleted now are retried by the upkeep. */
    void forget(List<DegradedJournal.Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Futures.attempt(() -> journal.remove(entries)).whenComplete((ok, failure) -> {
            if (failure != null) {
                unremoved.addAll(entries);
            }
        });
    }

    /**
     * The journal's upkeep, from the repair thread: renews this process' leases, retries deletions that failed, and
     * takes over the entries of processes that died (or closed) before replaying them. A claimed change joins its
     * content's backlog as if this process had accepted it.
     */
    void keepJournal() {
        long now = System.nanoTime();
        synchronized (journalLock) {
            try {
                keepJournal(now);
            } catch (RuntimeException e) {
                log.debug("journal upkeep failed, tried again at the next repair: {}", e.toString());
            }
        }
    }

    private void keepJournal(long now) {
        if (now - lastRenew >= RENEW_EVERY_NANOS) {
            lastRenew = now;
            journal.renew(owner, clock.instant().plus(LEASE)).toCompletableFuture().join();
        }
        List<DegradedJournal.Entry> retry = new ArrayList<>();
        for (DegradedJournal.Entry e; (e = unremoved.poll()) != null; ) {
            retry.add(e);
        }
        forget(retry);
        if (now - lastClaim < CLAIM_EVERY_NANOS) {
            return;
        }
        lastClaim = now;
        Instant at = clock.instant();
        List<DegradedJournal.Entry> claimed =
                journal.claimExpired(owner, at, at.plus(LEASE), CLAIM_LIMIT).toCompletableFuture().join();
        for (DegradedJournal.Entry entry : claimed) {
            size.incrementAndGet();
            LikeMutation m = entry.mutation();
            if (m.requestId() != null) {
                requests.putIfAbsent(RequestKey.of(m),
                        CompletableFuture.completedFuture(m.action() == LikeAction.LIKE));
            }
            enqueue(Pending.accepted(m, entry));
        }
        if (!claimed.isEmpty()) {
            log.info("took over {} degraded changes of processes that stopped before replaying them", claimed.size());
        }
    }

    /**
     * Lets another process take over this one's journal entries at once (a graceful shutdown): the changes not
     * replayed yet are replayed by the next process that claims them.
     */
    void releaseJournal() {
        try {
            journal.release(owner, clock.instant()).toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("could not release this process' degraded changes; another process takes them over when their"
                    + " lease ends ({} s): {}", LEASE.toSeconds(), e.toString());
        }
    }

    /**
     * A change waiting for its replay, with its journal entry (null if the journal could not be written), and whether
     * it was accepted: a change is replayed only once its acceptance has completed (it was journaled and published).
     */
    static final class Pending {
        private final LikeMutation mutation;
        private volatile DegradedJournal.@Nullable Entry entry;
        final CompletableFuture<Boolean> accepted = new CompletableFuture<>();

        Pending(LikeMutation mutation) {
            this.mutation = mutation;
        }

        /** A change accepted already: one taken over from the journal. */
        static Pending accepted(LikeMutation mutation, DegradedJournal.Entry entry) {
            Pending p = new Pending(mutation);
            p.entry = entry;
            p.accepted.complete(true);
            return p;
        }

        DegradedJournal.@Nullable Entry entry() {
            return entry;
        }

        void journaled(DegradedJournal.@Nullable Entry entry) {
            this.entry = entry;
        }

        LikeMutation mutation() {
            return mutation;
        }
    }

    /** A content's changes accepted while Redis was down, oldest first, and the replay running now. */
    static final class Dirty {
        final Deque<Pending> pending = new ArrayDeque<>();
        @Nullable CompletableFuture<Boolean> repairing;
        boolean retired;
    }
}
