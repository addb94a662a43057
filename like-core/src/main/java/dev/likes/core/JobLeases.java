package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Leases that let one instance at a time run a named background job (the archiver, a reconciler, the request purge)
 * when several instances of a host run it on a schedule: an instance runs the job only while it holds the job's
 * lease, and a lease whose holder died or hung expires after its lease time, so another instance takes the job over.
 *
 * <p>A holder renews its lease between steps of bounded work ({@link Lease#renew()}) and stops when a renewal fails:
 * the lease expired and may belong to another instance. A lease time longer than one step therefore keeps two runs of
 * a job from overlapping, also when a holder hangs between steps. Implementations are thread-safe and decide expiry on
 * one clock (the server's, for shared ones), so the instances' clocks need not agree.
 */
public interface JobLeases {

    /** The rule for job names: they become part of a key or a bound SQL value. */
    Pattern JOB_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /**
     * Takes the lease of {@code job} for {@code leaseTime}, unless another holder's lease has not expired.
     *
     * @param job the job's name, 1 to 64 characters of {@code a-z 0-9 . _ -}, starting with a letter or digit
     * @param leaseTime how long the lease lasts without a renewal, at least 100 ms
     * @return the lease, or empty when another holder has it
     * @throws IllegalArgumentException if the name or the lease time breaks its rule
     * @throws LikeStoreException if the lease could not be read or written
     */
    Optional<Lease> tryAcquire(String job, Duration leaseTime);

    /**
     * Leases held in this process's memory: one holder at a time among the users of this object, on {@code clock}.
     * For tests, and for a host that runs one instance.
     *
     * @param clock the clock that decides expiry
     * @return the leases
     */
    static JobLeases inProcess(Clock clock) {
        return new InProcessJobLeases(Args.notNull("clock", clock));
    }

    /**
     * Checks a job name and a lease time against the rules of {@link #tryAcquire}.
     *
     * @param job the job's name
     * @param leaseTime the lease time
     * @throws IllegalArgumentException if one breaks its rule
     */
    static void check(String job, Duration leaseTime) {
        Args.matches("job", job, JOB_NAME, "1 to 64 characters of a-z 0-9 . _ -, starting with a letter or digit");
        Args.notNull("leaseTime", leaseTime);
        if (leaseTime.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("leaseTime must be at least PT0.1S, but was " + leaseTime);
        }
    }

    /** A lease held; close it when the job ends. Thread-safe. */
    interface Lease extends AutoCloseable {

        /** @return the job's name */
        String job();

        /**
         * Extends the lease by its lease time from now, if this holder still has it.
         *
         * @return {@code false} when the lease was lost (it expired, or was released): the job must stop
         * @throws LikeStoreException if the lease could not be read or written (the job should stop: it may be lost)
         */
        boolean renew();

        /** Releases the lease if this holder still has it, so another instance can take the job at once. */
        @Override
        void close();
    }
}
