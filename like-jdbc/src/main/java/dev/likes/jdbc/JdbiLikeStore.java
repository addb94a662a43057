package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.ContentSnapshot;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.PageRequest;
import dev.likes.core.Liker;
import dev.likes.core.UnstorableEventException;
import dev.likes.core.UserLike;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The durable tier on MySQL or MariaDB, through Jdbi: the design's {@code like_records} table (unique per user and
 * content, unlike as a logical delete), {@code like_counts} (a count is never a {@code COUNT(*)}), and
 * {@code like_requests}.
 *
 * <p>It is both a {@link LikeStore} (a MySQL-only like service: each like or unlike is one transaction that locks the
 * content's count row, so it is atomic and linearizable per content) and a {@link LikeEventSink} (what the Kafka
 * consumer writes into: a batch is one transaction of a few multi-row statements, idempotent and order-safe by event
 * version, with one count update per content per batch; an event whose time {@code DATETIME(3)} cannot hold, or that
 * the database refuses as a data error, fails the batch with an {@link UnstorableEventException}). Use one store per role for the same contents: its own
 * likes and events from another store would interleave two version sequences.
 *
 * <p><b>Shards.</b> With several {@link JdbiShard}s, a content lives on shard {@code content_id mod N}; writes go to
 * the shard's primary. "My likes" asks every shard and merges the answers in order. On the store's own pools, each
 * shard has {@link Builder#threads} threads and a queue of {@link Builder#shardQueue} calls of its own, so a shard
 * whose server is slow, hung or down holds only its own calls; a call that finds its shard's queue full fails at once
 * with a {@link LikeStoreException}.
 *
 * <p><b>Replicas.</b> A shard's reads go to its replica when it has one, and may then lag behind the primary by the
 * replication delay, with one exception: a user's own reads ({@link #hasLiked}, {@link #likedAmong}, {@link #feed},
 * {@link #likesOf}) go to the primary while the replica lacks that user's latest write made through this store
 * (read-your-writes, for writes within {@link Builder#readYourWrites}). Loads into a cache, versions, request IDs and
 * erasure listings read the primary. A replica that fails to answer (connection failure, socket or query timeout)
 * sends its shard's reads to the primary for {@link Builder#replicaRetryAfter}. The replica must apply the primary's
 * transactions in commit order (MariaDB's replication does; MySQL's with {@code replica_preserve_commit_order}).
 *
 * <p>Every statement binds its parameters; SQL text is built only from constants and placeholder counts. The work runs
 * on an executor (the store's own pool unless one is given), never on the caller's thread, with the caller's MDC.
 * Thread-safe.
 * {@link #close()} shuts down the store's own pool; the {@link Jdbi}s and their data sources stay the host's.
 */
public final class JdbiLikeStore implements LikeStore, LikeEventSink {

    /**
     * Where the migrations are in the jar, in Flyway's naming ({@code V1__like_records.sql}, ...): a location of the
     * library's own, outside Flyway's default {@code db/migration}, so that a host's Flyway does not pick them up
     * beside its own migrations. Run them with a Flyway of their own (locations {@code classpath:} + this, a history
     * table of their own) or through {@link #LIQUIBASE_CHANGELOG}.
     */
    public static final String MIGRATIONS = "dev/likes/jdbc/migration";
    /** The same migrations as a Liquibase changelog, for a host's changelog to include. */
    public static final String LIQUIBASE_CHANGELOG = MIGRATIONS + "/changelog.xml";
    /** How long request IDs are remembered unless configured: 24 hours. */
    public static final Duration DEFAULT_REQUEST_ID_TTL = Duration.ofHours(24);
    /** Threads of the store's own pool unless an executor is given. */
    public static final int DEFAULT_THREADS = 16;
    /** The default {@linkplain Builder#queryTimeout time one statement may run}: 30 seconds. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);

    /** Calls that may wait for one shard's own pool unless configured: 4,096. */
    public static final int DEFAULT_SHARD_QUEUE = 4_096;
    /** How long a user's latest write is remembered for read-your-writes unless configured: 10 minutes. */
    public static final Duration DEFAULT_READ_YOUR_WRITES_WINDOW = Duration.ofMinutes(10);
    /** How many writers are remembered for read-your-writes unless configured: 100,000 (about 17 MB). */
    public static final long DEFAULT_READ_YOUR_WRITES_USERS = 100_000;
    /** How long reads stay off a replica that failed, unless configured: 5 seconds. */
    public static final Duration DEFAULT_REPLICA_RETRY_AFTER = Duration.ofSeconds(5);

    private final ShardWork work;
    private final Mutations mutations;
    private final long requestIdTtlMillis;

    private JdbiLikeStore(Builder builder) {
        this.mutations = new Mutations(builder.requestIdTtl.toMillis());
        this.requestIdTtlMillis = builder.requestIdTtl.toMillis();
        this.work = new ShardWork(builder.shards, builder.executor, builder.threads, builder.shardQueue,
                (int) Math.max(1, builder.queryTimeout.toSeconds()), new ReplicaReads(builder.shards,
                        builder.readYourWritesWindow, builder.readYourWritesUsers, builder.replicaRetryAfter));
    }

    /**
     * A store on one database.
     *
     * @param jdbi the database (its data source should pool connections)
     * @return the builder
     */
    public static Builder builder(Jdbi jdbi) {
        return new Builder(List.of(JdbiShard.of(Objects.requireNonNull(jdbi, "jdbi must not be null"))));
    }

    /**
     * A store sharded over several databases by {@code content_id mod shards.size()}. The order of the list is the
     * placement: never reorder it, only add shards with a data migration.
     *
     * @param shards one or more shards
     * @return the builder
     */
    public static Builder builder(List<JdbiShard> shards) {
        Objects.requireNonNull(shards, "shards must not be null");
        if (shards.isEmpty() || shards.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("shards must hold at least one shard and no null, but was " + shards);
        }
        return new Builder(shards);
    }

    /**
     * Brings the database's schema up to date for development and tests: runs, in order, each migration under
     * {@link #MIGRATIONS} that the database has not run yet, and records it in {@code like_schema_history}. Idempotent,
     * and safe to call from several processes at once: a call holds the database's named lock
     * {@code like_schema_history} ({@code GET_LOCK}) while it runs, and waits up to a minute for another holder. A
     * database that already holds the design's {@code like_records} table (created with the design's DDL) keeps its
     * rows: V1 leaves it as it is, V2 adds the library's columns and indexes, V3 seeds {@code like_counts} from its
     * records. Production schemas belong to the host's migration tool (Flyway or Liquibase), which runs the same files
     * from the jar.
     *
     * @param jdbi the database
     * @throws IllegalStateException if another process held the lock for a minute
     */
    public static void createSchema(Jdbi jdbi) {
        Schema.create(Objects.requireNonNull(jdbi, "jdbi must not be null"));
    }

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        int shard = work.indexOf(mutation.content());
        return work.inTransaction(shard, "apply", handle -> mutations.apply(handle, mutation)).thenApply(result -> {
            if (result.status() == LikeResult.Status.APPLIED) {
                work.replicaReads().wrote(shard, mutation.userId(), mutation.content(), result.version());
            }
            return result;
        });
    }

    /**
     * Applies a batch of events (see {@link LikeEventSink}): per shard, one transaction of multi-row statements.
     *
     * @param events the events
     * @return a stage completed when every shard committed
     */
    @Override
    public CompletionStage<Void> apply(List<LikeEvent> events) {
        return SinkBatches.apply(work, events, requestIdTtlMillis);
    }

    /**
     * Deletes the request IDs that expired before {@code now} from {@code like_requests} on every shard, in batches
     * of at most {@code batchSize} rows, each its own short transaction, until none is left. Request IDs are kept only
     * for the store's own {@code like}/{@code unlike} (as a {@link LikeStore}); a host using the store that way
     * schedules this (e.g. hourly); {@code LikePipeline} does it for its database. Safe to run from several processes.
     *
     * @param now the time to compare expiries with (the clock of the service that writes the request IDs)
     * @param batchSize rows per transaction, 1 to 100,000
     * @return a stage with the number of rows deleted
     */
    public CompletionStage<Long> purgeExpiredRequests(Instant now, int batchSize) {
        Objects.requireNonNull(now, "now must not be null");
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 100000, but was " + batchSize);
        }
        return RequestIds.purge(work, now, batchSize);
    }

    /**
     * Erases a user for data protection, on every shard: records the erasure in {@code like_erasures}, deletes the
     * user's records from the hot table and then from the archive, a batch per transaction, taking the user out of the
     * counts of what they liked, then deletes their request IDs, and marks the erasure complete.
     *
     * <p>From the erasure on, {@link #apply(List)} ignores the user's events that happened at or before
     * {@code erasedAt}, so an event still on its way cannot bring a record back. {@code beforeDelete} receives each
     * batch as {@link LikeAction#ERASE} events (one per record, with the content's count after it)
     * inside the batch's transaction, before the rows go: publishing them there means a failure or a crash leaves the
     * batch in place, and the next run publishes it again (a batch may be published more than once; its events keep
     * their IDs). Idempotent and resumable: a rerun with the same or a later time goes on with what is left. Changes
     * the user makes while it runs are not covered: disable the user first. The erasure's row (user ID and times)
     * stays.
     *
     * @param userId the user, positive
     * @param erasedAt the erasure's time: the user's changes at or before it are erased
     * @param batchSize records per transaction, 1 to 10,000
     * @param beforeDelete receives each batch's events; an exception it throws rolls the batch back and fails the
     *     erasure
     * @return a stage with the number of records deleted
     * @throws IllegalArgumentException if {@code userId} is not positive or {@code batchSize} is out of range
     */
    public CompletionStage<Long> eraseUser(long userId, Instant erasedAt, int batchSize,
            Consumer<List<LikeEvent>> beforeDelete) {
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be positive, but was " + userId);
        }
        Objects.requireNonNull(erasedAt, "erasedAt must not be null");
        if (!Times.storable(erasedAt)) {
            throw new IllegalArgumentException("erasedAt must be between " + Times.EARLIEST + " and " + Times.LATEST
                    + ", but was " + erasedAt);
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 10000, but was " + batchSize);
        }
        Objects.requireNonNull(beforeDelete, "beforeDelete must not be null");
        return Erasures.eraseUser(work, userId, erasedAt, batchSize, beforeDelete);
    }

    /**
     * Whether {@code like_requests} holds the request ID for this user and content, unexpired at {@code now}: it was
     * used with the store's own like/unlike, or came with an event this store applied as a sink (kept for
     * {@link Builder#requestIdTtl} after the event's time). Read on the content's primary.
     *
     * @param userId the user
     * @param content the content
     * @param requestId the request ID
     * @param now the time to compare the expiry with
     * @return a stage with the answer
     */
    public CompletionStage<Boolean> requestSeen(long userId, ContentRef content, String requestId, Instant now) {
        Objects.requireNonNull(content, "content must not be null");
        Objects.requireNonNull(requestId, "requestId must not be null");
        Objects.requireNonNull(now, "now must not be null");
        return work.onShard(work.shardOf(content).primary(), "requestSeen",
                h -> RequestIds.seen(h, userId, content, requestId, now));
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        return work.read(content, userId, "hasLiked", handle -> Listings.hasLiked(handle, userId, content));
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        return work.read(content, null, "count", handle -> Counts.count(handle, content));
    }

    /**
     * {@inheritDoc} The version {@code like_counts} holds for the content (the newest of every change applied to it,
     * archived ones included), read on the content's primary, so that it never goes back.
     */
    @Override
    public CompletionStage<Long> version(ContentRef content) {
        return work.onShard(work.shardOf(content).primary(), "version", h -> Counts.version(h, content));
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        return work.perShard(contents, null, "counts", Listings::counts).thenApply(parts -> {
            Map<ContentRef, Long> all = new HashMap<>();
            parts.forEach(all::putAll);
            return all;
        });
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        return work.perShard(contents, userId, "likedAmong", (h, part) -> Listings.likedAmong(h, userId, part))
                .thenApply(parts -> {
                    Set<ContentRef> all = new HashSet<>();
                    parts.forEach(all::addAll);
                    return all;
                });
    }

    /**
     * {@inheritDoc} On the content's primary, through one connection: the count and version in one statement, the
     * newest likers in another. A load into a cache reads what the primary holds, never a lagging replica.
     */
    @Override
    public CompletionStage<ContentSnapshot> snapshot(ContentRef content, int limit) {
        return work.onShard(work.shardOf(content).primary(), "snapshot", h -> Counts.snapshot(h, content, limit));
    }

    /**
     * {@inheritDoc} Newest first by the time of the latest like, archived likes included: one index range read of
     * the likers index ({@code idx_content_likers}) in the hot table and one in the archive, merged.
     */
    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
        return work.read(content, null, "likers", handle -> Listings.likers(handle, content, after, limit));
    }

    /**
     * {@inheritDoc} Newest first, archived likes included, from the user's likes index ({@code idx_user_likes}, or
     * {@code idx_user_type_likes} with a type) of the hot table and of the archive, merged; with several shards,
     * every shard is asked and the answers are merged.
     */
    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        return Listings.likesOf(work, userId, contentType, after, limit, false);
    }

    /**
     * The user's likes as {@link #likesOf} lists them, read on every shard's primary, never on a replica: what a
     * caller reads when it must see every like the database holds (an erasure withdrawing the user's likes).
     *
     * @param userId the user
     * @param after the last item of the page before, or {@code null} for the first page
     * @param limit how many at most, 1 to {@link PageRequest#MAX_LIMIT}
     * @return a stage with the likes, newest first
     */
    public CompletionStage<List<UserLike>> likesOfOnPrimaries(long userId, @Nullable UserLike after, int limit) {
        return Listings.likesOf(work, userId, null, after, limit, true);
    }

    /** The shards, their executors and where reads go, for the classes and tests of this package. */
    ShardWork work() {
        return work;
    }

    /** Shuts down the store's own pools, if it has them; the Jdbi instances stay open. */
    @Override
    public void close() {
        work.close();
    }

    /** Configures a {@link JdbiLikeStore}. Not thread-safe. */
    public static final class Builder extends JdbiStoreSettings {

        private Builder(List<JdbiShard> shards) {
            super(shards);
        }

        /**
         * Builds the store.
         *
         * @return the store
         */
        public JdbiLikeStore build() {
            return new JdbiLikeStore(this);
        }
    }
}
