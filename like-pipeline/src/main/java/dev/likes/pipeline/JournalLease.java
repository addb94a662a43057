package dev.likes.pipeline;

import dev.likes.core.LikeMutation;
import dev.likes.core.internal.Futures;
import dev.likes.jdbc.DegradedJournal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process' rows in the {@link DegradedJournal}: written under a lease that the upkeep renews, deleted once
 * replayed, and taken over from processes whose lease ran out. While MySQL's breaker is open the journal is not
 * waited for: a change then waits in memory only. Thread-safe.
 */
final class JournalLease {

    private static final Logger log = LoggerFactory.getLogger(JournalLease.class);
    /** How long a journal entry stays this process' after its last renewal: then another process takes it over. */
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final long RENEW_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CLAIM_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int CLAIM_LIMIT = 10_000;

    private final Journal journal;
    /** MySQL's circuit breaker: the journal is not waited for while MySQL is down. */
    private final BackingStoreBreaker mysqlGuard;
    private final Clock clock;
    /** This process' name in the journal's leases. */
    private final String owner = "like-" + UUID.randomUUID();
    /** Journal entries replayed whose deletion failed: deleted again by the next upkeep. */
    private final ConcurrentLinkedQueue<DegradedJournal.Entry> unremoved = new ConcurrentLinkedQueue<>();
    private final Object journalLock = new Object();
    private final AtomicBoolean unjournaledWarned = new AtomicBoolean();
    private long lastRenew = System.nanoTime();
    /** When the journal was last asked for entries to take over: the first upkeep asks at once. */
    private long lastClaim = System.nanoTime() - CLAIM_EVERY_NANOS;

    JournalLease(Journal journal, BackingStoreBreaker mysqlGuard, Clock clock) {
        this.journal = journal;
        this.mysqlGuard = mysqlGuard;
        this.clock = clock;
    }

    /**
     * Writes the change to the journal under this process' lease; a journal that cannot be written is logged once
     * (the change then waits in memory only) and completes the stage with {@code null}.
     */
    CompletableFuture<DegradedJournal.@Nullable Entry> append(LikeMutation replay) {
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
     * The upkeep, from the repair thread: renews this process' leases, retries deletions that failed, and takes over
     * the entries of processes that died (or closed) before replaying them, handing each to {@code adopt}.
     */
    void keep(Consumer<DegradedJournal.Entry> adopt) {
        long now = System.nanoTime();
        synchronized (journalLock) {
            try {
                keep(now, adopt);
            } catch (RuntimeException e) {
                log.debug("journal upkeep failed, tried again at the next repair: {}", e.toString());
            }
        }
    }

    private void keep(long now, Consumer<DegradedJournal.Entry> adopt) {
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
        claimed.forEach(adopt);
        if (!claimed.isEmpty()) {
            log.info("took over {} degraded changes of processes that stopped before replaying them", claimed.size());
        }
    }

    /**
     * Lets another process take over this one's journal entries at once (a graceful shutdown): the changes not
     * replayed yet are replayed by the next process that claims them.
     */
    void release() {
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
}
