package dev.likes.jdbc;

import dev.likes.core.JobLeases;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link LikeArchiver.Builder}: what counts as cold, the batches and the sink. Its public setters are {@link LikeArchiver.Builder}'s.
 */
abstract sealed class ArchiverSettings permits LikeArchiver.Builder {

    final Jdbi jdbi;
    final Clock clock;
    Duration age = LikeArchiver.DEFAULT_AGE;
    Duration canceledAge = LikeArchiver.DEFAULT_CANCELED_AGE;
    int batchSize = LikeArchiver.DEFAULT_BATCH_SIZE;
    @Nullable ArchiveSink sink;
    @Nullable JobLeases leases;
    Duration leaseTime = LikeArchiver.DEFAULT_LEASE_TIME;
    LongConsumer progress = moved -> {};

    ArchiverSettings(Jdbi jdbi, Clock clock) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /* The hierarchy is sealed down to LikeArchiver.Builder: every instance is one. */
    final LikeArchiver.Builder self() {
        return (LikeArchiver.Builder) this;
    }

    /**
     * How old a like's last change must be before it is archived. Default {@link LikeArchiver#DEFAULT_AGE}.
     *
     * @param age at least one day
     * @return this builder
     */
    public LikeArchiver.Builder age(Duration age) {
        this.age = atLeastADay("age", age);
        return self();
    }

    /**
     * How old a canceled row must be before it is archived. Default {@link LikeArchiver#DEFAULT_CANCELED_AGE}.
     *
     * @param age at least one day
     * @return this builder
     */
    public LikeArchiver.Builder canceledAge(Duration age) {
        this.canceledAge = atLeastADay("canceledAge", age);
        return self();
    }

    /**
     * Rows per batch (per transaction). Default {@link LikeArchiver#DEFAULT_BATCH_SIZE}.
     *
     * @param size 1 to 10,000
     * @return this builder
     */
    public LikeArchiver.Builder batchSize(int size) {
        if (size < 1 || size > 10_000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 10000, but was " + size);
        }
        this.batchSize = size;
        return self();
    }

    /**
     * Also copies every batch to {@code sink}, e.g. {@link GzipJsonLinesArchiveSink}.
     *
     * @param sink the sink
     * @return this builder
     */
    public LikeArchiver.Builder sink(ArchiveSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
        return self();
    }

    /**
     * Told, after each batch {@link LikeArchiver#run()} commits, how many records the run has moved so far (for progress
     * output). Default: nothing.
     *
     * @param progress receives the running total, on the thread that runs the archiver
     * @return this builder
     */
    public LikeArchiver.Builder progress(LongConsumer progress) {
        this.progress = Objects.requireNonNull(progress, "progress must not be null");
        return self();
    }

    /**
     * Where the job's lease is held. Default {@link JdbiJobLeases} in the archiver's database.
     *
     * @param leases the leases
     * @return this builder
     */
    public LikeArchiver.Builder leases(JobLeases leases) {
        this.leases = Objects.requireNonNull(leases, "leases must not be null");
        return self();
    }

    /**
     * How long the job's lease lasts without a renewal: longer than a batch takes, sink included. Default
     * {@link LikeArchiver#DEFAULT_LEASE_TIME}.
     *
     * @param leaseTime at least 1 second
     * @return this builder
     */
    public LikeArchiver.Builder leaseTime(Duration leaseTime) {
        Objects.requireNonNull(leaseTime, "leaseTime must not be null");
        if (leaseTime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("leaseTime must be at least 1 second, but was " + leaseTime);
        }
        this.leaseTime = leaseTime;
        return self();
    }

    private static Duration atLeastADay(String name, Duration value) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least 1 day, but was " + value);
        }
        return value;
    }
}
