package dev.likes.jdbc;

import dev.likes.core.JobLeases;
import dev.likes.core.LikeStoreException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * {@link JobLeases} in the database's {@code like_job_leases} table (migration {@code V6__like_job_leases.sql}): one
 * row per job, its holder and when the lease expires, on the database's clock ({@code NOW(6)}), so the instances'
 * clocks need not agree. Each operation is one statement: taking a lease inserts the row or takes it over once
 * expired, a renewal moves the expiry only while the caller holds it and it has not expired, a release deletes the
 * caller's row. Thread-safe; it opens a connection per operation from the {@link Jdbi} it is given and closes nothing
 * else.
 */
public final class JdbiJobLeases implements JobLeases {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** How many times a statement chosen as a deadlock victim runs before the call fails. */
    private static final int DEADLOCK_ATTEMPTS = 5;

    private final Jdbi jdbi;

    private JdbiJobLeases(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Leases in {@code jdbi}'s database, which must hold the {@code like_job_leases} table
     * ({@link JdbiLikeStore#createSchema} creates it).
     *
     * @param jdbi the database (a primary: leases are writes)
     * @return the leases
     */
    public static JdbiJobLeases create(Jdbi jdbi) {
        return new JdbiJobLeases(Objects.requireNonNull(jdbi, "jdbi must not be null"));
    }

    @Override
    public Optional<Lease> tryAcquire(String job, Duration leaseTime) {
        JobLeases.check(job, leaseTime);
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String holder = HexFormat.of().formatHex(bytes);
        long micros = leaseTime.toNanos() / 1_000;
        boolean taken = sql(job, () -> jdbi.withHandle(h -> {
            int inserted = h.createUpdate("INSERT IGNORE INTO like_job_leases (job, holder, expires_at)"
                            + " VALUES (?, ?, NOW(6) + INTERVAL ? MICROSECOND)")
                    .bind(0, job)
                    .bind(1, holder)
                    .bind(2, micros)
                    .execute();
            return inserted == 1
                    || h.createUpdate("UPDATE like_job_leases SET holder = ?, expires_at = NOW(6) + INTERVAL ?"
                                    + " MICROSECOND WHERE job = ? AND expires_at <= NOW(6)")
                            .bind(0, holder)
                            .bind(1, micros)
                            .bind(2, job)
                            .execute() == 1;
        }));
        return taken ? Optional.of(new Held(job, holder, micros)) : Optional.empty();
    }

    private final class Held implements Lease {

        private final String job;
        private final String holder;
        private final long micros;

        Held(String job, String holder, long micros) {
            this.job = job;
            this.holder = holder;
            this.micros = micros;
        }

        @Override
        public String job() {
            return job;
        }

        @Override
        public boolean renew() {
            return sql(job, () -> jdbi.withHandle(h -> h.createUpdate("UPDATE like_job_leases"
                            + " SET expires_at = NOW(6) + INTERVAL ? MICROSECOND"
                            + " WHERE job = ? AND holder = ? AND expires_at > NOW(6)")
                    .bind(0, micros)
                    .bind(1, job)
                    .bind(2, holder)
                    .execute() == 1));
        }

        @Override
        public void close() {
            sql(job, () -> jdbi.withHandle(h -> h.createUpdate("DELETE FROM like_job_leases WHERE job = ? AND holder = ?")
                    .bind(0, job)
                    .bind(1, holder)
                    .execute()));
        }
    }

    /**
     * Runs a lease statement (each is a transaction of its own, and each is conditional, so running it again is
     * safe); one that InnoDB chose as a deadlock victim (instances racing for the same lease) runs again.
     */
    private static <T> T sql(String job, Supplier<T> statement) {
        for (int attempt = 1; ; attempt++) {
            try {
                return statement.get();
            } catch (JdbiException e) {
                if (attempt >= DEADLOCK_ATTEMPTS || !deadlock(e)) {
                    throw new LikeStoreException("could not read or write the lease of job " + job
                            + " in like_job_leases", e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1 + RANDOM.nextInt(10 * attempt)));
            }
        }
    }

    /** Whether the statement was rolled back as a deadlock victim (SQLState 40001, MySQL error 1213). */
    private static boolean deadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || sql.getErrorCode() == 1213)) {
                return true;
            }
        }
        return false;
    }
}
