package dev.likes.jdbc;

import dev.likes.core.JobLeases;
import dev.likes.core.LikeStoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves old records out of the hot {@code like_records} table into the compressed {@code like_records_archive}
 * table, and copies them to an optional {@link ArchiveSink} (files, object storage): likes whose last change is older
 * than {@link Builder#age} (default 90 days), canceled rows older than {@link Builder#canceledAge} (default 7 days).
 *
 * <p>No answer of the store changes: counts ({@code like_counts} is not touched), {@link JdbiLikeStore#hasLiked},
 * the likers and "my likes" listings and a Redis store's read-through (which copies the listings) all see archived
 * likes, and {@link LikeCountReconciler} counts them. A new like, unlike or event of an archived pair moves it back.
 *
 * <p>Each batch (oldest ids first, {@link Builder#batchSize} rows) is one transaction: the rows are locked, copied to
 * the sink, inserted into the archive and deleted from the hot table, or none of it. A crash or a sink failure rolls
 * the batch back, and the next run moves it again (the sink's copy is replaced), so nothing is lost or duplicated.
 * Time comes from the injected {@link Clock}. It is safe alongside the store.
 *
 * <p>{@link #run()} holds the lease of job {@value #JOB} for the whole run ({@link Builder#leases}; by default
 * {@link JdbiJobLeases} in the same database), so every instance of a host may run it on a schedule: one runs it at a
 * time, the others return at once, and the run of an instance that died goes to another once its lease expired.
 * Thread-safe.
 */
public final class LikeArchiver {

    /** Default age of a like before it is archived. */
    public static final Duration DEFAULT_AGE = Duration.ofDays(90);
    /** Default age of a canceled row before it is archived. */
    public static final Duration DEFAULT_CANCELED_AGE = Duration.ofDays(7);
    /** Default rows per batch. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    /** Default lease time of the job: a batch must end within it. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofMinutes(1);
    /** The name of the job whose lease {@link #run()} holds. */
    public static final String JOB = "archiver";

    private static final Logger log = LoggerFactory.getLogger(LikeArchiver.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration age;
    private final Duration canceledAge;
    private final int batchSize;
    private final @Nullable ArchiveSink sink;
    private final JobLeases leases;
    private final Duration leaseTime;
    private final LongConsumer progress;

    private LikeArchiver(Builder b) {
        this.jdbi = b.jdbi;
        this.clock = b.clock;
        this.age = b.age;
        this.canceledAge = b.canceledAge;
        this.batchSize = b.batchSize;
        this.sink = b.sink;
        JobLeases chosen = b.leases;
        this.leases = chosen == null ? JdbiJobLeases.create(b.jdbi) : chosen;
        this.leaseTime = b.leaseTime;
        this.progress = b.progress;
    }

    /**
     * A builder for the archiver of one database (one shard's primary).
     *
     * @param jdbi the database
     * @param clock the clock that says what is old
     * @return the builder
     */
    public static Builder builder(Jdbi jdbi, Clock clock) {
        return new Builder(jdbi, clock);
    }

    /**
     * Archives everything old enough, batch after batch, if this instance gets the job's lease; renews the lease after
     * each batch and stops if it was lost.
     *
     * @return how many records were moved; 0 when another instance holds the lease
     * @throws IOException if the sink failed (the batch in progress was rolled back; earlier ones stay moved)
     * @throws LikeStoreException if the lease could not be read or written
     */
    public long run() throws IOException {
        Optional<JobLeases.Lease> lease = leases.tryAcquire(JOB, leaseTime);
        if (lease.isEmpty()) {
            log.debug("another instance holds the lease of job {}: not archiving", JOB);
            return 0;
        }
        try (JobLeases.Lease held = lease.get()) {
            long moved = 0;
            int n;
            while ((n = runBatch()) > 0) {
                moved += n;
                progress.accept(moved);
                if (!held.renew()) {
                    log.warn("lost the lease of job {} after {} records: a batch took longer than the lease time {}",
                            JOB, moved, leaseTime);
                    break;
                }
            }
            return moved;
        }
    }

    /**
     * Archives one batch, without the job's lease: for a caller that runs the archiver in one instance only.
     *
     * @return how many records were moved, 0 when nothing is old enough
     * @throws IOException if the sink failed; the batch was rolled back
     */
    public int runBatch() throws IOException {
        Instant now = clock.instant();
        String likedBefore = Times.toSql(now.minus(age));
        String canceledBefore = Times.toSql(now.minus(canceledAge));
        return ArchiveBatch.move(jdbi, likedBefore, canceledBefore, now, batchSize, sink);
    }

    /** Configures a {@link LikeArchiver}. Not thread-safe. */
    public static final class Builder extends ArchiverSettings {

        private Builder(Jdbi jdbi, Clock clock) {
            super(jdbi, clock);
        }

        /**
         * Builds the archiver.
         *
         * @return the archiver
         */
        public LikeArchiver build() {
            return new LikeArchiver(this);
        }
    }
}
