package dev.likes.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.JobLeases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link JobLeases} must pass. To run an implementation against it, write a test class that
 * extends this one and implements {@link #instance()}, which stands for one more instance of the host (its own
 * connection) on the same shared state; override {@link #elapse(Duration)} when the implementation's clock is not the
 * wall clock. Job names are unique per test, so implementations may share state between tests.
 */
public abstract class JobLeasesCompatibilityKit {

    private final String job = "kit-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

    /**
     * One more instance of the host: its leases share state with those of every other call in this test.
     *
     * @return the leases of that instance
     */
    protected abstract JobLeases instance();

    /**
     * Lets {@code time} pass on the implementation's clock; sleeps by default.
     *
     * @param time how long
     * @throws InterruptedException if interrupted while sleeping
     */
    protected void elapse(Duration time) throws InterruptedException {
        Thread.sleep(time.toMillis());
    }

    @Test
    @DisplayName("one holder at a time; a release hands the job over at once")
    void oneHolderAtATime() {
        JobLeases a = instance();
        JobLeases b = instance();
        Optional<JobLeases.Lease> held = a.tryAcquire(job, Duration.ofMinutes(1));
        assertThat(held).isPresent();
        assertThat(held.get().job()).isEqualTo(job);
        assertThat(b.tryAcquire(job, Duration.ofMinutes(1))).as("another instance, while held").isEmpty();
        assertThat(a.tryAcquire(job, Duration.ofMinutes(1))).as("the same instance, while held").isEmpty();
        held.get().close();
        Optional<JobLeases.Lease> next = b.tryAcquire(job, Duration.ofMinutes(1));
        assertThat(next).as("after the release").isPresent();
        assertThat(held.get().renew()).as("a released lease cannot be renewed").isFalse();
        next.get().close();
    }

    @Test
    @DisplayName("jobs are independent")
    void jobsAreIndependent() {
        try (JobLeases.Lease one = instance().tryAcquire(job, Duration.ofMinutes(1)).orElseThrow();
                JobLeases.Lease other = instance().tryAcquire(job + ".other", Duration.ofMinutes(1)).orElseThrow()) {
            assertThat(one.job()).isNotEqualTo(other.job());
        }
    }

    @Test
    @DisplayName("a dead holder's lease expires; the holder cannot renew it or release its successor's")
    void aDeadHoldersLeaseExpires() throws InterruptedException {
        JobLeases.Lease dead = instance().tryAcquire(job, Duration.ofMillis(300)).orElseThrow();
        JobLeases b = instance();
        assertThat(b.tryAcquire(job, Duration.ofMillis(300))).isEmpty();
        elapse(Duration.ofMillis(700));
        JobLeases.Lease successor = b.tryAcquire(job, Duration.ofMinutes(1)).orElseThrow();
        assertThat(dead.renew()).as("the lost lease").isFalse();
        dead.close();
        assertThat(instance().tryAcquire(job, Duration.ofMinutes(1))).as("the successor still holds it").isEmpty();
        assertThat(successor.renew()).isTrue();
        successor.close();
    }

    @Test
    @DisplayName("renewals keep a lease past its lease time")
    void renewalsKeepALease() throws InterruptedException {
        JobLeases.Lease held = instance().tryAcquire(job, Duration.ofMillis(600)).orElseThrow();
        for (int i = 0; i < 4; i++) {
            elapse(Duration.ofMillis(250));
            assertThat(held.renew()).as("renewal %d", i).isTrue();
        }
        assertThat(instance().tryAcquire(job, Duration.ofMillis(600))).as("a second after it was taken").isEmpty();
        held.close();
    }

    @Test
    @DisplayName("bad names and lease times are refused, naming the argument")
    @SuppressWarnings("NullAway") // passes null on purpose
    void badArgumentsAreRefused() {
        JobLeases leases = instance();
        for (String bad : new String[] {"", "Archiver", "a b", "{s:1}", "x".repeat(65), "-a"}) {
            assertThatThrownBy(() -> leases.tryAcquire(bad, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("job must be");
        }
        assertThatThrownBy(() -> leases.tryAcquire(job, Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("leaseTime must be at least");
        assertThatThrownBy(() -> leases.tryAcquire(null, Duration.ofSeconds(1)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("job must not be null");
    }

    @Test
    @DisplayName("three instances racing for one job never run it at once, and each gets turns")
    void threeInstancesNeverRunAtOnce() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> turns = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (int i = 0; i < 3; i++) {
                JobLeases leases = instance();
                turns.add(pool.submit(() -> {
                    int mine = 0;
                    while (System.nanoTime() < end) {
                        Optional<JobLeases.Lease> lease = leases.tryAcquire(job, Duration.ofSeconds(5));
                        if (lease.isEmpty()) {
                            Thread.sleep(1);
                            continue;
                        }
                        try (JobLeases.Lease held = lease.get()) {
                            if (running.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            mine++;
                            for (int step = 0; step < 3; step++) {
                                Thread.sleep(2);
                                if (!held.renew()) {
                                    break;
                                }
                            }
                            running.decrementAndGet();
                        }
                        Thread.sleep(3); // the others' turn
                    }
                    return mine;
                }));
            }
            int total = 0;
            for (Future<Integer> f : turns) {
                int mine = f.get(30, TimeUnit.SECONDS);
                assertThat(mine).as("turns of one instance").isPositive();
                total += mine;
            }
            assertThat(total).isGreaterThan(10);
            assertThat(overlaps).as("runs that overlapped another").hasValue(0);
        } finally {
            pool.shutdownNow();
        }
    }
}
