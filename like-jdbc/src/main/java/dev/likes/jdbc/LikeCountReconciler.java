package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.JobLeases;
import dev.likes.core.LikeStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles MySQL alone ({@code LikeReconciler} of like-pipeline also compares Redis with it): recomputes
 * {@code like_counts} from the records (the rows not canceled in {@code like_records} and in
 * {@code like_records_archive}: archived likes count), for one content or for all, reports every drift it finds and,
 * if asked, repairs it. A repair locks the content's count row and then its records, so it cannot race with likes or
 * event batches of that content. "All" walks the contents that exist in batches, so memory stays bounded on a large
 * table. Thread-safe; run it on the primary.
 *
 * <p>{@link #reconcileAll} holds the lease of job {@value #JOB} while it runs (by default {@link JdbiJobLeases} in the
 * same database, lease time {@link #LEASE_TIME}, renewed after each batch), so every instance of a host may run it on a
 * schedule: one at a time does the work.
 */
public final class LikeCountReconciler {

    /** Contents per step of {@link #reconcileAll}. */
    private static final int BATCH = 1_000;

    /** The name of the job whose lease {@link #reconcileAll} holds. */
    public static final String JOB = "count-reconciler";
    /** How long the job's lease lasts without a renewal. */
    public static final Duration LEASE_TIME = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(LikeCountReconciler.class);

    private final Jdbi jdbi;
    private final JobLeases leases;

    /**
     * A reconciler of one database (one shard), whose job lease is in that database.
     *
     * @param jdbi the primary
     */
    public LikeCountReconciler(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi must not be null");
        this.leases = JdbiJobLeases.create(jdbi);
    }

    /**
     * A reconciler of one database (one shard), whose job lease is in {@code leases}.
     *
     * @param jdbi the primary
     * @param leases where the lease of job {@value #JOB} is held
     */
    public LikeCountReconciler(Jdbi jdbi, JobLeases leases) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi must not be null");
        this.leases = Objects.requireNonNull(leases, "leases must not be null");
    }

    /** A content whose stored count differed from its records. */
    public record Drift(ContentRef content, long stored, long actual) {}

    /** What a run found. */
    public record Report(long contentsChecked, List<Drift> drifts, boolean repaired) {}

    /**
     * Checks one content.
     *
     * @param content the content
     * @param repair whether to set the stored count to the recomputed one
     * @return the report
     */
    public Report reconcile(ContentRef content, boolean repair) {
        Objects.requireNonNull(content, "content must not be null");
        List<Drift> drifts = new ArrayList<>();
        long stored = jdbi.withHandle(h -> Recount.storedCount(h, content).orElse(0L));
        long actual = jdbi.withHandle(h -> Recount.actualCount(h, content, false));
        if (stored != actual) {
            drifts.add(repair ? repair(content) : new Drift(content, stored, actual));
        }
        return new Report(1, drifts, repair);
    }

    /**
     * Checks every content: those with a count row, a record or an archived record, if this instance gets the job's
     * lease. Walks them in order of (content_id, content_type), {@value #BATCH} at a time, so its time grows with the
     * contents that exist, whatever their ids, and its memory stays bounded; stops early if the lease was lost.
     *
     * @param repair whether to repair what drifted
     * @return the report; no content checked when another instance holds the lease
     * @throws LikeStoreException if the lease could not be read or written
     */
    public Report reconcileAll(boolean repair) {
        Optional<JobLeases.Lease> lease = leases.tryAcquire(JOB, LEASE_TIME);
        if (lease.isEmpty()) {
            log.debug("another instance holds the lease of job {}: not reconciling", JOB);
            return new Report(0, List.of(), repair);
        }
        try (JobLeases.Lease held = lease.get()) {
            return reconcileAll(repair, held);
        }
    }

    private Report reconcileAll(boolean repair, JobLeases.Lease held) {
        List<Drift> drifts = new ArrayList<>();
        long checked = 0;
        ContentRef after = null;
        while (true) {
            ContentRef from = after;
            List<ContentRef> batch = jdbi.withHandle(h -> Recount.nextContents(h, from, BATCH));
            if (batch.isEmpty()) {
                break;
            }
            Map<ContentRef, Long> stored = new HashMap<>();
            Map<ContentRef, Long> actual = new HashMap<>();
            jdbi.useHandle(h -> Recount.counts(h, batch, stored, actual));
            checked += batch.size();
            for (ContentRef content : batch) {
                long s = stored.getOrDefault(content, 0L);
                long a = actual.getOrDefault(content, 0L);
                if (s != a) {
                    drifts.add(repair ? repair(content) : new Drift(content, s, a));
                }
            }
            after = batch.get(batch.size() - 1);
            if (!held.renew()) {
                log.warn("lost the lease of job {} after {} contents: a batch took longer than {}", JOB, checked,
                        LEASE_TIME);
                break;
            }
        }
        return new Report(checked, drifts, repair);
    }

    /** Recounts under the content's locks and stores the true count; returns what it found before. */
    private Drift repair(ContentRef content) {
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> Recount.repair(h, content));
    }

    /**
     * The content's live records, archived ones included: the count {@code like_counts} should hold.
     *
     * @param content the content
     * @return the number of users liking it
     */
    public long liveRecords(ContentRef content) {
        Objects.requireNonNull(content, "content must not be null");
        return jdbi.withHandle(h -> Recount.actualCount(h, content, false));
    }
}
