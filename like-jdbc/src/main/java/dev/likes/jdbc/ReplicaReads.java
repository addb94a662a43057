package dev.likes.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.likes.core.ContentRef;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the reads of a shard with a replica go: to the replica, except a user's own reads while the replica lacks
 * that user's latest write, and every read while the replica is unreachable. Thread-safe.
 */
final class ReplicaReads {

    /*
     * Read-your-writes without GTIDs or server-specific functions: every write the store commits on a shard's primary
     * (a like or unlike of its own, or a sink batch) leaves a mark (user, shard) -> (content, version of the user's
     * record after the commit). A replica applies the primary's transactions in commit order (MariaDB's parallel
     * replication commits in order, as does MySQL with replica_preserve_commit_order, its default), so a replica whose
     * copy of that record has reached that version holds every earlier write of the user on the shard too. A user's
     * read first asks the replica for that version (one primary-key lookup in the hot table and one in the archive);
     * if it is there the mark is dropped and the read runs on the replica, in the same connection, so it sees at least
     * what the check saw; if not, the read runs on the primary. Users without a mark read the replica at once.
     *
     * Marks live in this process only (a bounded Caffeine cache, expiring after the window): a user whose requests
     * reach another process, or who wrote longer than the window ago while the replica lagged more than that, reads
     * the replica as it is. Two concurrent writes of one user on one shard may leave the mark of the earlier commit;
     * the check then proves only that one.
     *
     * An unreachable replica (a connection failure, a socket or query timeout) sends the shard's reads to the primary
     * for retryAfter; then one read probes the replica again while the others still go to the primary.
     */

    private static final Logger log = LoggerFactory.getLogger(ReplicaReads.class);
    private static final String CAUGHT_UP = "SELECT GREATEST("
            + "COALESCE((SELECT version FROM like_records"
            + " WHERE user_id = ? AND content_id = ? AND content_type = ?), -1),"
            + " COALESCE((SELECT version FROM like_records_archive"
            + " WHERE user_id = ? AND content_id = ? AND content_type = ?), -1))";

    private final List<JdbiShard> shards;
    private final Cache<Key, Mark> marks;
    private final AtomicLongArray downUntil;
    private final long retryAfterNanos;
    private final LongAdder primaryForWriter = new LongAdder();
    private final LongAdder primaryForOutage = new LongAdder();

    private record Key(long userId, int shard) {}

    private record Mark(ContentRef content, long version) {}

    ReplicaReads(List<JdbiShard> shards, Duration window, long maxWriters, Duration retryAfter) {
        this.shards = shards;
        this.marks = Caffeine.newBuilder().maximumSize(maxWriters).expireAfterWrite(window).build();
        this.downUntil = new AtomicLongArray(shards.size());
        this.retryAfterNanos = retryAfter.toNanos();
    }

    /** Whether any shard has a replica (without one, marks are not kept). */
    boolean any() {
        return shards.stream().anyMatch(s -> s.replica() != null);
    }

    /** Records that {@code userId}'s record of {@code content} on {@code shard} has {@code version} on the primary. */
    void wrote(int shard, long userId, ContentRef content, long version) {
        if (shards.get(shard).replica() != null) {
            marks.put(new Key(userId, shard), new Mark(content, version));
        }
    }

    /**
     * Runs a read on the shard: on its replica when it has one that is reachable and, for a user's read
     * ({@code userId} not null), holds that user's latest write; otherwise on the primary.
     */
    <T> T read(int shard, @Nullable Long userId, HandleCallback<T, RuntimeException> work) {
        JdbiShard target = shards.get(shard);
        Jdbi replica = target.replica();
        if (replica == null) {
            return target.primary().withHandle(work);
        }
        long until = downUntil.get(shard);
        boolean probe = until != 0;
        if (probe && (System.nanoTime() - until < 0
                || !downUntil.compareAndSet(shard, until, System.nanoTime() + retryAfterNanos))) {
            primaryForOutage.increment();
            return target.primary().withHandle(work);
        }
        Key key = new Key(userId == null ? 0 : userId, shard);
        Mark mark = userId == null ? null : marks.getIfPresent(key);
        @Nullable Object[] answer = new Object[1];
        try {
            boolean done = replica.withHandle(handle -> {
                if (mark != null) {
                    long seen = handle.createQuery(CAUGHT_UP)
                            .bind(0, key.userId()).bind(1, mark.content().id()).bind(2, mark.content().type())
                            .bind(3, key.userId()).bind(4, mark.content().id()).bind(5, mark.content().type())
                            .mapTo(Long.class)
                            .one();
                    if (seen < mark.version()) {
                        return false;
                    }
                    marks.asMap().remove(key, mark);
                }
                answer[0] = work.withHandle(handle);
                return true;
            });
            if (probe) {
                downUntil.set(shard, 0);
                log.info("the replica of shard {} answers again: its reads go to it", shard);
            }
            if (done) {
                @SuppressWarnings("unchecked")
                T result = (T) answer[0];
                return result;
            }
            primaryForWriter.increment();
        } catch (JdbiException e) {
            if (!unreachable(e)) {
                throw e;
            }
            long previous = downUntil.getAndSet(shard, System.nanoTime() + retryAfterNanos);
            if (previous == 0) { // once per outage, not once per read that was already on its way
                log.warn("the replica of shard {} failed ({}): its reads go to the primary for {} ms", shard,
                        e.getCause() == null ? e.getClass().getSimpleName() : e.getCause().getClass().getSimpleName(),
                        retryAfterNanos / 1_000_000);
            }
            primaryForOutage.increment();
        }
        return target.primary().withHandle(work);
    }

    /** Reads that went to a primary because the replica lacked the reader's own latest write. */
    long primaryReadsForWriters() {
        return primaryForWriter.sum();
    }

    /** Reads that went to a primary because the replica was unreachable. */
    long primaryReadsForOutages() {
        return primaryForOutage.sum();
    }

    /** A failure of the connection or of the server's answering, not of the statement. */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof SQLTimeoutException || t instanceof ConnectException
                    || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
