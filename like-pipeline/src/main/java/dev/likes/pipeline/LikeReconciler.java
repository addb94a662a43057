package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.JobLeases;
import dev.likes.core.LikeStoreException;
import dev.likes.jdbc.LikeCountReconciler;
import dev.likes.redis.RedisLikeStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and repairs drift across the pipeline's tiers: between Redis and MySQL (repaired by evicting the content from
 * Redis, which reloads it from MySQL on its next access), and, as {@link LikeCountReconciler} does for
 * MySQL alone, between a content's {@code like_counts} row and its records, archived ones included (repaired from the
 * records, the history being the truth).
 *
 * <p>Run it when the pipeline is drained (no outbox backlog, no consumer lag): while events are in flight, Redis is
 * legitimately ahead of MySQL, and a content whose outbox still holds events is never evicted. Reads MySQL on the
 * primaries. Thread-safe; blocking (an operations tool, not a request path).
 *
 * <p>{@link #reconcileCached} holds the lease of job {@value #JOB} while it runs (in {@code like_job_leases} of the
 * first primary, renewed every {@value #LEASE_STEP} contents), so every instance of a host may run it on a schedule:
 * one at a time does the work.
 */
public final class LikeReconciler {

    private static final Logger log = LoggerFactory.getLogger(LikeReconciler.class);

    /** Contents with more likers than this are compared by count only. */
    public static final int DEFAULT_DEEP_LIMIT = 100_000;

    /** The name of the job whose lease {@link #reconcileCached} holds. */
    public static final String JOB = "cache-reconciler";
    /** How long the job's lease lasts without a renewal. */
    public static final Duration LEASE_TIME = Duration.ofMinutes(1);

    private static final int LEASE_STEP = 100;

    private final RedisLikeStore redis;
    private final List<Jdbi> primaries;
    private final CacheCheck cache;
    private final JobLeases leases;

    LikeReconciler(RedisLikeStore redis, List<Jdbi> primaries, int deepLimit, JobLeases leases) {
        this.redis = redis;
        this.primaries = List.copyOf(primaries);
        this.cache = new CacheCheck(redis, this.primaries, deepLimit);
        this.leases = leases;
    }

    /**
     * One content whose Redis copy differed from MySQL.
     *
     * @param content the content
     * @param redisCount the count Redis held
     * @param mysqlCount the number of liking records in MySQL, archived ones included
     * @param usersDiffering how many users were liking in one and not the other (0 when compared by count only)
     * @param repaired whether it was evicted from Redis
     */
    public record CacheDrift(ContentRef content, long redisCount, long mysqlCount, int usersDiffering, boolean repaired) {}

    /**
     * What a reconciliation found.
     *
     * @param contentsChecked how many contents were compared
     * @param countRowDrifts {@code like_counts} rows that differed from the records (repaired if asked)
     * @param cacheDrifts contents whose Redis copy differed from MySQL
     */
    public record Report(long contentsChecked, List<LikeCountReconciler.Drift> countRowDrifts, List<CacheDrift> cacheDrifts) {

        /**
         * Copies the lists.
         *
         * @param contentsChecked see the record component of that name
         * @param countRowDrifts see the record component of that name
         * @param cacheDrifts see the record component of that name
         */
        public Report {
            countRowDrifts = List.copyOf(countRowDrifts);
            cacheDrifts = List.copyOf(cacheDrifts);
        }

        /**
         * Whether nothing drifted.
         *
         * @return {@code true} if both lists are empty
         */
        public boolean clean() {
            return countRowDrifts.isEmpty() && cacheDrifts.isEmpty();
        }
    }

    /**
     * Reconciles every content Redis holds (a SCAN of its meta keys), if this instance gets the job's lease; stops
     * early if the lease was lost.
     *
     * @param repair whether to repair what drifted, or only report it
     * @return the report; no content checked when another instance holds the lease
     * @throws LikeStoreException if the lease could not be read or written
     */
    public Report reconcileCached(boolean repair) {
        Optional<JobLeases.Lease> lease = leases.tryAcquire(JOB, LEASE_TIME);
        if (lease.isEmpty()) {
            log.debug("another instance holds the lease of job {}: not reconciling", JOB);
            return new Report(0, List.of(), List.of());
        }
        try (JobLeases.Lease held = lease.get()) {
            List<ContentRef> contents = List.copyOf(redis.policy().cachedContents().toCompletableFuture().join());
            List<LikeCountReconciler.Drift> rowDrifts = new ArrayList<>();
            List<CacheDrift> cacheDrifts = new ArrayList<>();
            long checked = 0;
            for (int from = 0; from < contents.size(); from += LEASE_STEP) {
                Report part = check(contents.subList(from, Math.min(contents.size(), from + LEASE_STEP)), repair);
                checked += part.contentsChecked();
                rowDrifts.addAll(part.countRowDrifts());
                cacheDrifts.addAll(part.cacheDrifts());
                if (!held.renew()) {
                    log.warn("lost the lease of job {} after {} contents: a step took longer than {}", JOB, checked,
                            LEASE_TIME);
                    break;
                }
            }
            return logged(new Report(checked, rowDrifts, cacheDrifts), repair);
        }
    }

    /**
     * Reconciles the given contents.
     *
     * @param contents the contents
     * @param repair whether to repair what drifted, or only report it
     * @return the report
     */
    public Report reconcile(Collection<ContentRef> contents, boolean repair) {
        Objects.requireNonNull(contents, "contents must not be null");
        return logged(check(contents, repair), repair);
    }

    private static Report logged(Report report, boolean repair) {
        if (!report.clean()) {
            log.warn("reconciliation of {} contents found {} count-row drifts and {} Redis drifts{}",
                    report.contentsChecked(), report.countRowDrifts().size(), report.cacheDrifts().size(),
                    repair ? ", repaired" : "");
        }
        return report;
    }

    private Report check(Collection<ContentRef> contents, boolean repair) {
        List<LikeCountReconciler.Drift> rowDrifts = new ArrayList<>();
        List<CacheDrift> cacheDrifts = new ArrayList<>();
        for (ContentRef content : new HashSet<>(contents)) {
            Objects.requireNonNull(content, "contents must not hold null");
            for (Jdbi jdbi : primaries) {
                rowDrifts.addAll(new LikeCountReconciler(jdbi).reconcile(content, repair).drifts());
            }
            CacheDrift drift = cache.compare(content, repair);
            if (drift != null) {
                cacheDrifts.add(drift);
            }
        }
        return new Report(contents.size(), rowDrifts, cacheDrifts);
    }
}
