package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.jdbc.DegradedJournal;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The changes accepted while Redis is down and not replayed into it yet: per content, in the order of the calls, with
 * the request IDs among them, their versions from a hybrid clock, and their rows in the {@link DegradedJournal}
 * under this process' lease. Thread-safe.
 */
final class DegradedBacklog {


    private final JournalLease lease;
    private final Clock clock;
    private final int max;
    private final ConcurrentHashMap<ContentRef, DegradedContent> dirty = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong lastVersion = new AtomicLong();
    /**
     * Request IDs of changes being accepted or accepted in degraded mode and not replayed yet, each with its change's
     * outcome: whether it was a like, once accepted.
     */
    private final ConcurrentHashMap<RequestKey, CompletableFuture<Boolean>> requests = new ConcurrentHashMap<>();

    DegradedBacklog(Journal journal, BackingStoreBreaker mysqlGuard, Clock clock, int max) {
        this.lease = new JournalLease(journal, mysqlGuard, clock);
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

    @Nullable DegradedContent of(ContentRef content) {
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
    DegradedContent enqueue(DegradedChange pending) {
        while (true) {
            DegradedContent d = dirty.computeIfAbsent(pending.mutation().content(), c -> new DegradedContent());
            synchronized (d) {
                if (!d.retired) {
                    d.pending.addLast(pending);
                    return d;
                }
            }
        }
    }

    /** Takes an emptied content's backlog out; a change enqueued afterwards starts a new one. Holds d's lock. */
    void retire(ContentRef content, DegradedContent d) {
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

    /** See {@link JournalLease#append}. */
    CompletableFuture<DegradedJournal.@Nullable Entry> journal(LikeMutation replay) {
        return lease.append(replay);
    }

    /** See {@link JournalLease#forget}. */
    void forget(List<DegradedJournal.Entry> entries) {
        lease.forget(entries);
    }

    /**
     * The journal's upkeep, from the repair thread (see {@link JournalLease#keep}); a change taken over from a process
     * that stopped joins its content's backlog as if this process had accepted it.
     */
    void keepJournal() {
        lease.keep(this::adopt);
    }

    private void adopt(DegradedJournal.Entry entry) {
        size.incrementAndGet();
        LikeMutation m = entry.mutation();
        if (m.requestId() != null) {
            requests.putIfAbsent(RequestKey.of(m), CompletableFuture.completedFuture(m.action() == LikeAction.LIKE));
        }
        enqueue(DegradedChange.accepted(m, entry));
    }

    /** See {@link JournalLease#release}. */
    void releaseJournal() {
        lease.release();
    }
}
