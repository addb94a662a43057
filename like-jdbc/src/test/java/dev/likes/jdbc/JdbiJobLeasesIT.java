package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.JobLeases;
import dev.likes.testkit.JobLeasesCompatibilityKit;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbiJobLeases} against the kit on a real MariaDB: each instance reaches the database through connections of
 * its own (one per operation, as a separate process would).
 */
class JdbiJobLeasesIT extends JobLeasesCompatibilityKit {

    private static final JdbcEndpoint DATABASE = withSchema(TestServices.freshDatabase());

    private static JdbcEndpoint withSchema(JdbcEndpoint endpoint) {
        JdbiLikeStore.createSchema(connect(endpoint));
        return endpoint;
    }

    private static Jdbi connect(JdbcEndpoint endpoint) {
        return Jdbi.create(endpoint.url(), endpoint.user(), endpoint.password());
    }

    @Override
    protected JobLeases instance() {
        return JdbiJobLeases.create(connect(DATABASE));
    }

    /**
     * A deadlock made on purpose: another transaction deletes the job's row, a second one (heavier: it wrote other
     * rows first) and the lease's insert both wait for it, and when the delete commits InnoDB rolls back the lighter
     * of the two waiters, the lease's statement. The statement runs again and takes the lease once the other
     * transaction ends, instead of failing the caller.
     */
    @Test
    void aLeaseStatementChosenAsADeadlockVictimRunsAgain() throws Exception {
        String job = TestServices.uniqueName("victim");
        JobLeases leases = instance();
        leases.tryAcquire(job, Duration.ofSeconds(1)).orElseThrow(); // the row exists; its holder is gone
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection deleting = DATABASE.connect(); Connection heavy = DATABASE.connect()) {
            deleting.setAutoCommit(false);
            heavy.setAutoCommit(false);
            try (Statement s = deleting.createStatement()) {
                s.executeUpdate("DELETE FROM like_job_leases WHERE job = '" + job + "'");
            }
            try (Statement s = heavy.createStatement()) {
                for (int i = 0; i < 20; i++) {
                    s.executeUpdate("INSERT INTO like_job_leases (job, holder, expires_at) VALUES ('" + job + "-"
                            + i + "', 'h', NOW(6))");
                }
            }
            Future<Optional<JobLeases.Lease>> taking = pool.submit(() -> leases.tryAcquire(job, Duration.ofSeconds(5)));
            Thread.sleep(300); // the lease's insert waits for the delete
            Future<Integer> heavyInsert = pool.submit(() -> {
                try (Statement s = heavy.createStatement()) {
                    return s.executeUpdate("INSERT IGNORE INTO like_job_leases (job, holder, expires_at)"
                            + " VALUES ('" + job + "', 'heavy', NOW(6) + INTERVAL 1 HOUR)");
                }
            });
            Thread.sleep(300); // and so does the heavy one
            deleting.commit();
            assertThat(heavyInsert.get(30, TimeUnit.SECONDS)).as("the heavier transaction won the row").isEqualTo(1);
            heavy.rollback(); // it gives the row up: the lease's statement, run again, takes it
            assertThat(taking.get(30, TimeUnit.SECONDS)).as("the lease, taken after its statement ran again")
                    .isPresent();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Eight instances take, renew and release (or leave to expire) one job's lease as fast as they can for 3 s:
     * InnoDB may pick deadlock victims among their statements (an insert racing a delete or a takeover of the same
     * row), and each victim's statement runs again instead of failing the caller.
     */
    @Test
    void instancesRacingForOneLeaseNeverFailOnADeadlock() throws Exception {
        String job = TestServices.uniqueName("race");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> runs = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            for (int i = 0; i < 8; i++) {
                JobLeases leases = instance();
                boolean releases = i % 2 == 0; // the others let their lease expire, to be taken over
                runs.add(pool.submit(() -> {
                    int held = 0;
                    while (System.nanoTime() < until) {
                        Optional<JobLeases.Lease> lease = leases.tryAcquire(job, Duration.ofMillis(100));
                        if (lease.isPresent()) {
                            held++;
                            lease.get().renew();
                            if (releases) {
                                lease.get().close();
                            }
                        }
                    }
                    return held;
                }));
            }
            int held = 0;
            for (Future<Integer> run : runs) {
                held += run.get(30, TimeUnit.SECONDS); // a LikeStoreException of any instance fails the test here
            }
            assertThat(held).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
