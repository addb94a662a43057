package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.JobLeases;
import dev.likes.core.LikeStoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
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
        try {
            return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, handle -> move(handle, likedBefore, canceledBefore, now));
        } catch (SinkFailure e) {
            throw e.io;
        }
    }

    private int move(Handle handle, String likedBefore, String canceledBefore, Instant now) {
        List<ArchivedLike> batch = handle.createQuery("SELECT id, user_id, content_id, content_type, created_at,"
                        + " updated_at, is_canceled, version FROM like_records"
                        + " WHERE (is_canceled = 0 AND updated_at < ?) OR (is_canceled = 1 AND updated_at < ?)"
                        + " ORDER BY id LIMIT ? FOR UPDATE")
                .bind(0, likedBefore)
                .bind(1, canceledBefore)
                .bind(2, batchSize)
                .map((rs, ctx) -> new ArchivedLike(
                        rs.getLong(1),
                        rs.getLong(2),
                        ContentRef.of(rs.getString(4), rs.getLong(3)),
                        Times.fromSql(rs.getObject(5, LocalDateTime.class)),
                        Times.fromSql(rs.getObject(6, LocalDateTime.class)),
                        rs.getBoolean(7),
                        rs.getLong(8)))
                .list();
        if (batch.isEmpty()) {
            return 0;
        }
        if (sink != null) {
            Map<LocalDate, List<ArchivedLike>> byDay = batch.stream().collect(Collectors.groupingBy(
                    r -> LocalDate.ofInstant(r.updatedAt(), ZoneOffset.UTC), LinkedHashMap::new, Collectors.toList()));
            for (List<ArchivedLike> day : byDay.values()) {
                try {
                    sink.write(day);
                } catch (IOException e) {
                    throw new SinkFailure(e);
                }
            }
        }
        StringBuilder ids = new StringBuilder();
        EventApplier.placeholders(ids, batch.size(), "?");
        var copy = handle.createUpdate("INSERT INTO like_records_archive (id, user_id, content_id, content_type,"
                + " created_at, updated_at, is_canceled, version, archived_at)"
                + " SELECT id, user_id, content_id, content_type, created_at, updated_at, is_canceled, version, ?"
                + " FROM like_records WHERE id IN (" + ids + ")");
        copy.bind(0, Times.toSql(now));
        var delete = handle.createUpdate("DELETE FROM like_records WHERE id IN (" + ids + ")");
        for (int i = 0; i < batch.size(); i++) {
            long id = batch.get(i).id();
            copy.bind(i + 1, id);
            delete.bind(i, id);
        }
        copy.execute();
        delete.execute();
        return batch.size();
    }

    /** Carries a sink's IOException out of the transaction callback, which rolls back. */
    private static final class SinkFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient IOException io;

        SinkFailure(IOException io) {
            super(io);
            this.io = io;
        }
    }

    /** Configures a {@link LikeArchiver}. Not thread-safe. */
    public static final class Builder {

        private final Jdbi jdbi;
        private final Clock clock;
        private Duration age = DEFAULT_AGE;
        private Duration canceledAge = DEFAULT_CANCELED_AGE;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private @Nullable ArchiveSink sink;
        private @Nullable JobLeases leases;
        private Duration leaseTime = DEFAULT_LEASE_TIME;
        private LongConsumer progress = moved -> {};

        private Builder(Jdbi jdbi, Clock clock) {
            this.jdbi = Objects.requireNonNull(jdbi, "jdbi must not be null");
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
        }

        /**
         * How old a like's last change must be before it is archived. Default {@link #DEFAULT_AGE}.
         *
         * @param age at least one day
         * @return this builder
         */
        public Builder age(Duration age) {
            this.age = atLeastADay("age", age);
            return this;
        }

        /**
         * How old a canceled row must be before it is archived. Default {@link #DEFAULT_CANCELED_AGE}.
         *
         * @param age at least one day
         * @return this builder
         */
        public Builder canceledAge(Duration age) {
            this.canceledAge = atLeastADay("canceledAge", age);
            return this;
        }

        /**
         * Rows per batch (per transaction). Default {@link #DEFAULT_BATCH_SIZE}.
         *
         * @param size 1 to 10,000
         * @return this builder
         */
        public Builder batchSize(int size) {
            if (size < 1 || size > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000, but was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * Also copies every batch to {@code sink}, e.g. {@link GzipJsonLinesArchiveSink}.
         *
         * @param sink the sink
         * @return this builder
         */
        public Builder sink(ArchiveSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink must not be null");
            return this;
        }

        /**
         * Told, after each batch {@link #run()} commits, how many records the run has moved so far (for progress
         * output). Default: nothing.
         *
         * @param progress receives the running total, on the thread that runs the archiver
         * @return this builder
         */
        public Builder progress(LongConsumer progress) {
            this.progress = Objects.requireNonNull(progress, "progress must not be null");
            return this;
        }

        /**
         * Where the job's lease is held. Default {@link JdbiJobLeases} in the archiver's database.
         *
         * @param leases the leases
         * @return this builder
         */
        public Builder leases(JobLeases leases) {
            this.leases = Objects.requireNonNull(leases, "leases must not be null");
            return this;
        }

        /**
         * How long the job's lease lasts without a renewal: longer than a batch takes, sink included. Default
         * {@link #DEFAULT_LEASE_TIME}.
         *
         * @param leaseTime at least 1 second
         * @return this builder
         */
        public Builder leaseTime(Duration leaseTime) {
            Objects.requireNonNull(leaseTime, "leaseTime must not be null");
            if (leaseTime.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("leaseTime must be at least 1 second, but was " + leaseTime);
            }
            this.leaseTime = leaseTime;
            return this;
        }

        private static Duration atLeastADay(String name, Duration value) {
            Objects.requireNonNull(value, name + " must not be null");
            if (value.compareTo(Duration.ofDays(1)) < 0) {
                throw new IllegalArgumentException(name + " must be at least 1 day, but was " + value);
            }
            return value;
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
