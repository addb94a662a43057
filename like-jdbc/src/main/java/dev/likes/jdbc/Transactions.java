package dev.likes.jdbc;

import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** Transactions run again after a deadlock, and what a database failure says: a data error, its root message. */
final class Transactions {

    private static final int DEADLOCK_RETRIES = 5;

    private Transactions() {}

    /*
     * A deadlock or a lock wait timeout rolls the whole transaction back, so running it again is safe. The pause
     * before the next attempt is random and grows with the attempts, so that two transactions that deadlocked do not
     * meet again at once.
     */
    static <T> T run(Jdbi jdbi, HandleCallback<T, RuntimeException> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, work);
            } catch (JdbiException e) {
                if (attempt >= DEADLOCK_RETRIES || !retryable(e)) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                        ThreadLocalRandom.current().nextLong(1, 1L + 4L * attempt)));
            }
        }
    }

    /** A failure caused by the data itself (SQLSTATE class 22, "data exception"): sending it again fails again. */
    static boolean dataError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    private static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && ("40001".equals(sql.getSQLState()) || sql.getErrorCode() == 1213
                            || sql.getErrorCode() == 1205)) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
