package dev.likes.jdbc;

import dev.likes.core.LikeStoreException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link JdbiLikeStore.Builder}: pools, timeouts, request IDs and replica reads. Its public setters are
 * {@link JdbiLikeStore.Builder}'s.
 */
abstract sealed class JdbiStoreSettings permits JdbiLikeStore.Builder {

    final List<JdbiShard> shards;
    @Nullable Executor executor;
    int threads = JdbiLikeStore.DEFAULT_THREADS;
    Duration requestIdTtl = JdbiLikeStore.DEFAULT_REQUEST_ID_TTL;
    Duration queryTimeout = JdbiLikeStore.DEFAULT_QUERY_TIMEOUT;
    int shardQueue = JdbiLikeStore.DEFAULT_SHARD_QUEUE;
    Duration readYourWritesWindow = JdbiLikeStore.DEFAULT_READ_YOUR_WRITES_WINDOW;
    long readYourWritesUsers = JdbiLikeStore.DEFAULT_READ_YOUR_WRITES_USERS;
    Duration replicaRetryAfter = JdbiLikeStore.DEFAULT_REPLICA_RETRY_AFTER;

    JdbiStoreSettings(List<JdbiShard> shards) {
        this.shards = shards;
    }

    /* The hierarchy is sealed down to JdbiLikeStore.Builder: every instance is one. */
    final JdbiLikeStore.Builder self() {
        return (JdbiLikeStore.Builder) this;
    }

    /**
     * Runs the blocking database work on {@code executor} instead of the store's own pool.
     *
     * @param executor an executor the host owns
     * @return this builder
     */
    public JdbiLikeStore.Builder executor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor must not be null");
        return self();
    }

    /**
     * The size of the store's own pool (about the connection pool's size). Default {@link JdbiLikeStore#DEFAULT_THREADS}.
     *
     * @param threads 1 to 1,000
     * @return this builder
     */
    public JdbiLikeStore.Builder threads(int threads) {
        if (threads < 1 || threads > 1_000) {
            throw new IllegalArgumentException("threads must be between 1 and 1000, but was " + threads);
        }
        this.threads = threads;
        return self();
    }

    /**
     * How long a (user, content, request ID) is remembered. Default {@link JdbiLikeStore#DEFAULT_REQUEST_ID_TTL}.
     *
     * @param ttl at least one millisecond
     * @return this builder
     */
    public JdbiLikeStore.Builder requestIdTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "requestIdTtl must not be null");
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("requestIdTtl must be at least 1 ms, but was " + ttl);
        }
        this.requestIdTtl = ttl;
        return self();
    }

    /**
     * The most time one SQL statement of the store may run (JDBC's query timeout, in whole seconds): the driver
     * cancels a statement that runs longer, and the call fails. It does not cover a server that stops answering
     * altogether; for that, set the driver's socket timeout on the JDBC URL (e.g. {@code socketTimeout=30000}
     * for MySQL Connector/J and MariaDB Connector/J). Default {@link JdbiLikeStore#DEFAULT_QUERY_TIMEOUT}.
     *
     * @param timeout at least one second
     * @return this builder
     */
    public JdbiLikeStore.Builder queryTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "queryTimeout must not be null");
        if (timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("queryTimeout must be at least 1 s, but was " + timeout);
        }
        this.queryTimeout = timeout;
        return self();
    }

    /**
     * How many calls may wait for a shard's pool when the store runs on its own pools and has several shards
     * (each shard then has a pool of {@link #threads} threads of its own, so a slow or hung shard holds only its
     * own threads). A call that finds its shard's queue full fails at once with a {@link LikeStoreException}.
     * Default {@link JdbiLikeStore#DEFAULT_SHARD_QUEUE}.
     *
     * @param calls 1 to 1,000,000
     * @return this builder
     */
    public JdbiLikeStore.Builder shardQueue(int calls) {
        if (calls < 1 || calls > 1_000_000) {
            throw new IllegalArgumentException("shardQueue must be between 1 and 1000000, but was " + calls);
        }
        this.shardQueue = calls;
        return self();
    }

    /**
     * How this store keeps a user's reads from a replica consistent with that user's own writes (see
     * {@link JdbiLikeStore}, "Replicas"): it remembers the latest write of up to {@code users} users per shard
     * for {@code window}. Defaults {@link JdbiLikeStore#DEFAULT_READ_YOUR_WRITES_WINDOW} and
     * {@link JdbiLikeStore#DEFAULT_READ_YOUR_WRITES_USERS}.
     *
     * @param window how long a write is remembered, 1 second to 1 day; a replica lagging longer than this may
     *     show a writer an older state
     * @param users how many writers are remembered at most, 1 to 100,000,000 (about 170 bytes each)
     * @return this builder
     */
    public JdbiLikeStore.Builder readYourWrites(Duration window, long users) {
        Objects.requireNonNull(window, "window must not be null");
        if (window.toSeconds() < 1 || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("window must be between 1 s and 1 day, but was " + window);
        }
        if (users < 1 || users > 100_000_000) {
            throw new IllegalArgumentException("users must be between 1 and 100000000, but was " + users);
        }
        this.readYourWritesWindow = window;
        this.readYourWritesUsers = users;
        return self();
    }

    /**
     * How long a shard's reads go to its primary after its replica failed to answer (a connection failure, or a
     * socket or query timeout); then one read tries the replica again. Default
     * {@link JdbiLikeStore#DEFAULT_REPLICA_RETRY_AFTER}.
     *
     * @param retryAfter 100 ms to 1 hour
     * @return this builder
     */
    public JdbiLikeStore.Builder replicaRetryAfter(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "replicaRetryAfter must not be null");
        if (retryAfter.toMillis() < 100 || retryAfter.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("replicaRetryAfter must be between 100 ms and 1 hour, but was "
                    + retryAfter);
        }
        this.replicaRetryAfter = retryAfter;
        return self();
    }
}
