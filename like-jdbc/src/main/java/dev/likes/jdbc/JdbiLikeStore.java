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
import dev.likes.core.Liker;
import dev.likes.core.UnstorableEventException;
import dev.likes.core.UserLike;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
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

    private static final int DEADLOCK_RETRIES = 5;
    /** The tables a live like can be in: the hot one, and the archive the archiver moves old likes to. */
    private static final String[] TABLES = {"like_records", "like_records_archive"};
    private static final String[] SCHEMA = {"V1__like_records.sql", "V2__like_records_library_columns.sql",
        "V3__like_counts_and_requests.sql", "V4__like_records_archive.sql", "V5__like_degraded.sql",
        "V6__like_job_leases.sql", "V7__like_erasures.sql"};

    private final List<JdbiShard> shards;
    private final Map<Jdbi, Integer> shardIndex = new IdentityHashMap<>();
    private final Executor executor;
    private final List<Executor> shardExecutors;
    private final List<ExecutorService> ownExecutors = new ArrayList<>();
    private final ReplicaReads replicaReads;
    private final Mutations mutations;
    private final long requestIdTtlMillis;
    private final int queryTimeoutSeconds;

    private JdbiLikeStore(Builder builder) {
        this.shards = List.copyOf(builder.shards);
        this.queryTimeoutSeconds = (int) Math.max(1, builder.queryTimeout.toSeconds());
        this.mutations = new Mutations(builder.requestIdTtl.toMillis());
        this.requestIdTtlMillis = builder.requestIdTtl.toMillis();
        this.replicaReads = new ReplicaReads(shards, builder.readYourWritesWindow, builder.readYourWritesUsers,
                builder.replicaRetryAfter);
        List<Executor> perShard = new ArrayList<>();
        if (builder.executor != null) {
            this.executor = new MdcExecutor(builder.executor);
            shards.forEach(s -> perShard.add(executor));
        } else {
            this.executor = new MdcExecutor(ownPool("like-jdbc-", builder.threads, Integer.MAX_VALUE));
            for (int i = 0; i < shards.size(); i++) {
                perShard.add(shards.size() == 1 ? executor
                        : new MdcExecutor(ownPool("like-jdbc-shard" + i + "-", builder.threads, builder.shardQueue)));
            }
        }
        this.shardExecutors = List.copyOf(perShard);
        for (int i = 0; i < shards.size(); i++) {
            shardIndex.put(shards.get(i).primary(), i);
            Jdbi replica = shards.get(i).replica();
            if (replica != null) {
                shardIndex.put(replica, i);
            }
        }
    }

    private ExecutorService ownPool(String name, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                queue == Integer.MAX_VALUE ? new LinkedBlockingQueue<>() : new ArrayBlockingQueue<>(queue),
                runnable -> {
                    Thread thread = new Thread(runnable, name + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        ownExecutors.add(pool);
        return pool;
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
        jdbi.useHandle(handle -> {
            Integer locked = handle.createQuery("SELECT GET_LOCK('like_schema_history', 60)")
                    .mapTo(Integer.class)
                    .one();
            if (locked == null || locked != 1) {
                throw new IllegalStateException("createSchema: another connection held the lock like_schema_history"
                        + " for 60 s");
            }
            try {
                handle.execute("CREATE TABLE IF NOT EXISTS like_schema_history ("
                        + " version INT NOT NULL PRIMARY KEY, script VARCHAR(100) NOT NULL,"
                        + " installed_at DATETIME(3) NOT NULL) ENGINE=InnoDB");
                Set<Integer> done = new HashSet<>(handle.createQuery("SELECT version FROM like_schema_history")
                        .mapTo(Integer.class)
                        .list());
                for (int i = 0; i < SCHEMA.length; i++) {
                    int version = i + 1;
                    if (done.contains(version)) {
                        continue;
                    }
                    String file = SCHEMA[i];
                    for (String statement : resource(MIGRATIONS + '/' + file).replaceAll("(?m)^--.*$", "").split(";")) {
                        if (!statement.isBlank()) {
                            handle.execute(statement);
                        }
                    }
                    handle.execute("INSERT INTO like_schema_history (version, script, installed_at)"
                            + " VALUES (?, ?, CURRENT_TIMESTAMP(3))", version, file);
                }
            } finally {
                handle.execute("DO RELEASE_LOCK('like_schema_history')");
            }
        });
    }

    private static String resource(String path) {
        try (InputStream in = JdbiLikeStore.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JdbiShard shardOf(ContentRef content) {
        return shards.get(indexOf(content));
    }

    private int indexOf(ContentRef content) {
        return (int) Math.floorMod(content.id(), (long) shards.size());
    }

    // ---- writes ----

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        int shard = indexOf(mutation.content());
        Jdbi primary = shards.get(shard).primary();
        return async(shardExecutors.get(shard), "apply", () -> {
            LikeResult result = inTransaction(primary, timed(handle -> mutations.apply(handle, mutation)));
            if (result.status() == LikeResult.Status.APPLIED) {
                replicaReads.wrote(shard, mutation.userId(), mutation.content(), result.version());
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
        Map<Integer, List<LikeEvent>> byShard = new LinkedHashMap<>();
        for (LikeEvent event : events) {
            if (!Times.storable(event.occurredAt())) {
                return CompletableFuture.failedFuture(new UnstorableEventException("event " + event.eventId()
                        + " has occurredAt " + event.occurredAt() + ", outside what DATETIME(3) stores ("
                        + Times.EARLIEST + " to " + Times.LATEST + ")", null));
            }
            byShard.computeIfAbsent(indexOf(event.content()), s -> new ArrayList<>()).add(event);
        }
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        byShard.forEach((shard, batch) -> commits.add(submit(shardExecutors.get(shard), "apply events", () -> {
            try {
                inTransaction(shards.get(shard).primary(), timed(handle -> {
                    EventApplier.apply(handle, batch, requestIdTtlMillis);
                    return null;
                }));
            } catch (JdbiException e) {
                if (dataError(e)) {
                    throw new UnstorableEventException(
                            "the database cannot store an event of the batch: " + rootMessage(e), e);
                }
                throw new LikeStoreException("the database failed apply events: " + rootMessage(e), e);
            }
            for (LikeEvent e : batch) {
                if (e.action() != LikeAction.ERASE) {
                    replicaReads.wrote(shard, e.userId(), e.content(), e.version());
                }
            }
            return null;
        })));
        return CompletableFuture.allOf(commits.toArray(new CompletableFuture<?>[0]));
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
        String before = Times.toSql(now.isAfter(Times.LATEST) ? Times.LATEST : now);
        List<CompletableFuture<Long>> parts = new ArrayList<>();
        for (JdbiShard shard : shards) {
            parts.add(async("purge request IDs", () -> {
                long total = 0;
                int deleted;
                do {
                    deleted = shard.primary().withHandle(timed(h -> h.createUpdate(
                                    "DELETE FROM like_requests WHERE expires_at < ? ORDER BY expires_at LIMIT ?")
                            .bind(0, before)
                            .bind(1, batchSize)
                            .execute()));
                    total += deleted;
                } while (deleted == batchSize);
                return total;
            }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> parts.stream().mapToLong(CompletableFuture::join).sum());
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
        return async("erase a user", () -> {
            long erased = 0;
            for (JdbiShard shard : shards) {
                Jdbi primary = shard.primary();
                int n;
                do {
                    n = inTransaction(primary, timed(h -> Erasures.eraseBatch(h, userId, erasedAt, batchSize,
                            beforeDelete)));
                    erased += n;
                } while (n > 0);
                do {
                    n = primary.withHandle(timed(h -> Erasures.eraseRequests(h, userId, batchSize)));
                } while (n == batchSize);
                primary.useHandle(h -> Erasures.complete(h, userId));
            }
            return erased;
        });
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
        Jdbi primary = shardOf(content).primary();
        return onShard(primary, "requestSeen", h -> h.createQuery("SELECT expires_at FROM like_requests"
                        + " WHERE content_id = ? AND content_type = ? AND user_id = ? AND request_id = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .bind(2, userId)
                .bind(3, requestId)
                .mapTo(LocalDateTime.class)
                .findOne()
                .map(expires -> Times.fromSql(expires).isAfter(now))
                .orElse(false));
    }

    // ---- reads ----

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        return read(content, userId, "hasLiked", handle -> !handle.createQuery("SELECT 1 FROM like_records"
                        + " WHERE user_id = ? AND content_id = ? AND content_type = ? AND is_canceled = 0"
                        + " UNION ALL SELECT 1 FROM like_records_archive"
                        + " WHERE user_id = ? AND content_id = ? AND content_type = ? AND is_canceled = 0")
                .bind(0, userId)
                .bind(1, content.id())
                .bind(2, content.type())
                .bind(3, userId)
                .bind(4, content.id())
                .bind(5, content.type())
                .mapTo(Integer.class)
                .list()
                .isEmpty());
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        return read(content, null, "count", handle -> handle.createQuery(
                        "SELECT like_count FROM like_counts WHERE content_id = ? AND content_type = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .mapTo(Long.class)
                .findOne()
                .orElse(0L));
    }

    /**
     * {@inheritDoc} The version {@code like_counts} holds for the content (the newest of every change applied to it,
     * archived ones included), read on the content's primary, so that it never goes back.
     */
    @Override
    public CompletionStage<Long> version(ContentRef content) {
        Jdbi primary = shardOf(content).primary();
        return onShard(primary, "version", h -> h.createQuery(
                        "SELECT version FROM like_counts WHERE content_id = ? AND content_type = ?")
                .bind(0, content.id())
                .bind(1, content.type())
                .mapTo(Long.class)
                .findOne()
                .orElse(0L));
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        return perShard(contents, null, "counts", (handle, part) -> {
            StringBuilder sql = new StringBuilder(
                    "SELECT content_id, content_type, like_count FROM like_counts"
                            + " WHERE (content_id, content_type) IN (");
            EventApplier.placeholders(sql, part.size(), "(?, ?)");
            var query = handle.createQuery(sql.append(')').toString());
            int i = 0;
            for (ContentRef c : part) {
                query.bind(i++, c.id()).bind(i++, c.type());
            }
            Map<ContentRef, Long> counts = new HashMap<>();
            part.forEach(c -> counts.put(c, 0L));
            query.map((rs, ctx) -> counts.put(ContentRef.of(rs.getString(2), rs.getLong(1)), rs.getLong(3))).list();
            return counts;
        }).thenApply(parts -> {
            Map<ContentRef, Long> all = new HashMap<>();
            parts.forEach(all::putAll);
            return all;
        });
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        return perShard(contents, userId, "likedAmong", (handle, part) -> {
            StringBuilder sql = new StringBuilder();
            for (String table : new String[] {"like_records", "like_records_archive"}) {
                sql.append(sql.length() == 0 ? "" : " UNION ALL ")
                        .append("SELECT content_id, content_type FROM ")
                        .append(table)
                        .append(" FORCE INDEX (uk_user_content) WHERE user_id = ? AND is_canceled = 0"
                                + " AND (content_id, content_type) IN (");
                EventApplier.placeholders(sql, part.size(), "(?, ?)");
                sql.append(')');
            }
            var query = handle.createQuery(sql.toString());
            int i = 0;
            for (int table = 0; table < 2; table++) {
                query.bind(i++, userId);
                for (ContentRef c : part) {
                    query.bind(i++, c.id()).bind(i++, c.type());
                }
            }
            return new HashSet<>(query.map((rs, ctx) -> ContentRef.of(rs.getString(2), rs.getLong(1))).list());
        }).thenApply(parts -> {
            Set<ContentRef> all = new HashSet<>();
            parts.forEach(all::addAll);
            return all;
        });
    }

    /**
     * {@inheritDoc} Newest first by the time of the latest like, archived likes included: one index range read of
     * the likers index ({@code idx_content_likers}) in the hot table and one in the archive, merged.
     */
    /**
     * {@inheritDoc} On the content's primary, through one connection: the count and version in one statement, the
     * newest likers in another. A load into a cache reads what the primary holds, never a lagging replica.
     */
    @Override
    public CompletionStage<ContentSnapshot> snapshot(ContentRef content, int limit) {
        Jdbi primary = shardOf(content).primary();
        return onShard(primary, "snapshot", handle -> {
            long[] countAndVersion = handle.createQuery(
                            "SELECT like_count, version FROM like_counts WHERE content_id = ? AND content_type = ?")
                    .bind(0, content.id())
                    .bind(1, content.type())
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                    .findOne()
                    .orElse(new long[] {0, 0});
            return new ContentSnapshot(countAndVersion[0], countAndVersion[1], likers(handle, content, null, limit));
        });
    }

    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
        return read(content, null, "likers", handle -> likers(handle, content, after, limit));
    }

    private static List<Liker> likers(Handle handle, ContentRef content, @Nullable Liker after, int limit) {
        StringBuilder sql = new StringBuilder();
        for (String table : TABLES) {
            sql.append(sql.length() == 0 ? "(" : " UNION ALL (")
                    .append("SELECT user_id, updated_at FROM ")
                    .append(table)
                    .append(" WHERE content_id = ? AND content_type = ? AND is_canceled = 0")
                    .append(after == null ? "" : " AND (updated_at < ? OR (updated_at = ? AND user_id < ?))")
                    .append(" ORDER BY updated_at DESC, user_id DESC LIMIT ?)");
        }
        sql.append(" ORDER BY updated_at DESC, user_id DESC LIMIT ?");
        var query = handle.createQuery(sql.toString());
        int i = 0;
        for (int table = 0; table < TABLES.length; table++) {
            query.bind(i++, content.id()).bind(i++, content.type());
            if (after != null) {
                String at = Times.toSql(after.likedAt());
                query.bind(i++, at).bind(i++, at).bind(i++, after.userId());
            }
            query.bind(i++, limit);
        }
        return query.bind(i, limit)
                .map((rs, ctx) -> new Liker(rs.getLong(1), Times.fromSql(rs.getObject(2, LocalDateTime.class))))
                .list();
    }

    /**
     * {@inheritDoc} Newest first, archived likes included, from the user's likes index ({@code idx_user_likes}, or
     * {@code idx_user_type_likes} with a type) of the hot table and of the archive, merged; with several shards,
     * every shard is asked and the answers are merged.
     */
    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        List<CompletableFuture<List<UserLike>>> answers = new ArrayList<>();
        for (int shard = 0; shard < shards.size(); shard++) {
            answers.add(onReader(shard, userId, "likesOf",
                    handle -> likesOf(handle, userId, contentType, after, limit)));
        }
        return merged(answers, limit);
    }

    /**
     * The user's likes as {@link #likesOf} lists them, read on every shard's primary, never on a replica: what a
     * caller reads when it must see every like the database holds (an erasure withdrawing the user's likes).
     *
     * @param userId the user
     * @param after the last item of the page before, or {@code null} for the first page
     * @param limit how many at most, 1 to {@link dev.likes.core.PageRequest#MAX_LIMIT}
     * @return a stage with the likes, newest first
     */
    public CompletionStage<List<UserLike>> likesOfOnPrimaries(long userId, @Nullable UserLike after, int limit) {
        List<CompletableFuture<List<UserLike>>> answers = new ArrayList<>();
        for (JdbiShard shard : shards) {
            answers.add(onShard(shard.primary(), "likesOf", handle -> likesOf(handle, userId, null, after, limit)));
        }
        return merged(answers, limit);
    }

    private static CompletionStage<List<UserLike>> merged(List<CompletableFuture<List<UserLike>>> answers, int limit) {
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            List<UserLike> merged = new ArrayList<>();
            answers.forEach(a -> merged.addAll(a.join()));
            merged.sort(UserLike.NEWEST_FIRST);
            return List.copyOf(merged.subList(0, Math.min(limit, merged.size())));
        });
    }

    private static List<UserLike> likesOf(Handle handle, long userId, @Nullable String contentType,
            @Nullable UserLike after, int limit) {
        StringBuilder sql = new StringBuilder();
        for (String table : TABLES) {
            sql.append(sql.length() == 0 ? "(" : " UNION ALL (")
                    .append("SELECT content_type, content_id, updated_at FROM ")
                    .append(table)
                    .append(" WHERE user_id = ? AND is_canceled = 0");
            if (contentType != null) {
                sql.append(" AND content_type = ?");
            }
            if (after != null) {
                sql.append(" AND (updated_at < ? OR (updated_at = ? AND (content_type < ?"
                        + " OR (content_type = ? AND content_id < ?))))");
            }
            sql.append(" ORDER BY updated_at DESC, content_type DESC, content_id DESC LIMIT ?)");
        }
        sql.append(" ORDER BY updated_at DESC, content_type DESC, content_id DESC LIMIT ?");
        var query = handle.createQuery(sql.toString());
        int i = 0;
        for (int table = 0; table < TABLES.length; table++) {
            query.bind(i++, userId);
            if (contentType != null) {
                query.bind(i++, contentType);
            }
            if (after != null) {
                String at = Times.toSql(after.likedAt());
                query.bind(i++, at)
                        .bind(i++, at)
                        .bind(i++, after.content().type())
                        .bind(i++, after.content().type())
                        .bind(i++, after.content().id());
            }
            query.bind(i++, limit);
        }
        return query.bind(i, limit)
                .map((rs, ctx) -> new UserLike(
                        ContentRef.of(rs.getString(1), rs.getLong(2)),
                        Times.fromSql(rs.getObject(3, LocalDateTime.class))))
                .list();
    }

    // ---- plumbing ----

    private <T> CompletableFuture<T> read(ContentRef content, @Nullable Long userId, String what,
            HandleCallback<T, RuntimeException> work) {
        return onReader(indexOf(content), userId, what, work);
    }

    /** A read on the shard's replica, or its primary (see {@link ReplicaReads}); a user's read sees their writes. */
    private <T> CompletableFuture<T> onReader(int shard, @Nullable Long userId, String what,
            HandleCallback<T, RuntimeException> work) {
        return async(shardExecutors.get(shard), what, () -> replicaReads.read(shard, userId, timed(work)));
    }

    private interface PartQuery<T> {
        T run(Handle handle, List<ContentRef> part);
    }

    private <T> CompletableFuture<List<T>> perShard(Set<ContentRef> contents, @Nullable Long userId, String what,
            PartQuery<T> work) {
        Map<Integer, List<ContentRef>> byShard = new LinkedHashMap<>();
        for (ContentRef content : contents) {
            byShard.computeIfAbsent(indexOf(content), s -> new ArrayList<>()).add(content);
        }
        List<CompletableFuture<T>> parts = new ArrayList<>();
        byShard.forEach((shard, part) -> parts.add(onReader(shard, userId, what, h -> work.run(h, part))));
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            List<T> all = new ArrayList<>(parts.size());
            parts.forEach(p -> all.add(p.join()));
            return all;
        });
    }

    /** Where reads go (for the tests of this package). */
    ReplicaReads replicaReads() {
        return replicaReads;
    }

    /** The shards, in order (for the classes of this package that work on every shard). */
    List<JdbiShard> shards() {
        return shards;
    }

    /** Runs blocking database work on the store's executor, every statement limited to the query timeout. */
    <T> CompletableFuture<T> onShard(Jdbi jdbi, String what, HandleCallback<T, RuntimeException> work) {
        Integer shard = shardIndex.get(jdbi);
        return async(shard == null ? executor : shardExecutors.get(shard), what, () -> jdbi.withHandle(timed(work)));
    }

    private <T> CompletableFuture<T> async(String what, Supplier<T> work) {
        return async(executor, what, work);
    }

    private <T> CompletableFuture<T> async(Executor on, String what, Supplier<T> work) {
        return submit(on, what, () -> {
            try {
                return work.get();
            } catch (JdbiException e) {
                throw new LikeStoreException("the database failed " + what + ": " + rootMessage(e), e);
            }
        });
    }

    /** Runs the work on the executor; a full shard queue fails the stage at once. */
    private static <T> CompletableFuture<T> submit(Executor on, String what, Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, on);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new LikeStoreException("the database failed " + what
                    + ": the shard's queue is full (its database is slow or down); try again later", e));
        }
    }

    /** The work, with every statement of its handle limited to the query timeout (the handle's own configuration). */
    private <T> HandleCallback<T, RuntimeException> timed(
            HandleCallback<T, RuntimeException> work) {
        return handle -> {
            handle.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).setQueryTimeout(queryTimeoutSeconds);
            return work.withHandle(handle);
        };
    }

    /**
     * Runs a transaction, again after a deadlock or lock wait timeout (which roll it back whole), after a random pause
     * that grows with the attempts, so that two transactions that deadlocked do not meet again at once.
     */
    private static <T> T inTransaction(Jdbi jdbi, HandleCallback<T, RuntimeException> work) {
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
    private static boolean dataError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    private static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                SQLException sql = (SQLException) t;
                if ("40001".equals(sql.getSQLState()) || sql.getErrorCode() == 1213 || sql.getErrorCode() == 1205) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** Shuts down the store's own pools, if it has them; the Jdbi instances stay open. */
    @Override
    public void close() {
        ownExecutors.forEach(ExecutorService::shutdown);
    }

    /** Configures a {@link JdbiLikeStore}. Not thread-safe. */
    public static final class Builder {

        private final List<JdbiShard> shards;
        private @Nullable Executor executor;
        private int threads = DEFAULT_THREADS;
        private Duration requestIdTtl = DEFAULT_REQUEST_ID_TTL;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private int shardQueue = DEFAULT_SHARD_QUEUE;
        private Duration readYourWritesWindow = DEFAULT_READ_YOUR_WRITES_WINDOW;
        private long readYourWritesUsers = DEFAULT_READ_YOUR_WRITES_USERS;
        private Duration replicaRetryAfter = DEFAULT_REPLICA_RETRY_AFTER;

        private Builder(List<JdbiShard> shards) {
            this.shards = shards;
        }

        /**
         * Runs the blocking database work on {@code executor} instead of the store's own pool.
         *
         * @param executor an executor the host owns
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor must not be null");
            return this;
        }

        /**
         * The size of the store's own pool (about the connection pool's size). Default {@link #DEFAULT_THREADS}.
         *
         * @param threads 1 to 1,000
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 1_000) {
                throw new IllegalArgumentException("threads must be between 1 and 1000, but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * How long a (user, content, request ID) is remembered. Default {@link #DEFAULT_REQUEST_ID_TTL}.
         *
         * @param ttl at least one millisecond
         * @return this builder
         */
        public Builder requestIdTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "requestIdTtl must not be null");
            if (ttl.toMillis() < 1) {
                throw new IllegalArgumentException("requestIdTtl must be at least 1 ms, but was " + ttl);
            }
            this.requestIdTtl = ttl;
            return this;
        }

        /**
         * The most time one SQL statement of the store may run (JDBC's query timeout, in whole seconds): the driver
         * cancels a statement that runs longer, and the call fails. It does not cover a server that stops answering
         * altogether; for that, set the driver's socket timeout on the JDBC URL (e.g. {@code socketTimeout=30000}
         * for MySQL Connector/J and MariaDB Connector/J). Default {@link #DEFAULT_QUERY_TIMEOUT}.
         *
         * @param timeout at least one second
         * @return this builder
         */
        public Builder queryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "queryTimeout must not be null");
            if (timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("queryTimeout must be at least 1 s, but was " + timeout);
            }
            this.queryTimeout = timeout;
            return this;
        }

        /**
         * How many calls may wait for a shard's pool when the store runs on its own pools and has several shards
         * (each shard then has a pool of {@link #threads} threads of its own, so a slow or hung shard holds only its
         * own threads). A call that finds its shard's queue full fails at once with a {@link LikeStoreException}.
         * Default {@link #DEFAULT_SHARD_QUEUE}.
         *
         * @param calls 1 to 1,000,000
         * @return this builder
         */
        public Builder shardQueue(int calls) {
            if (calls < 1 || calls > 1_000_000) {
                throw new IllegalArgumentException("shardQueue must be between 1 and 1000000, but was " + calls);
            }
            this.shardQueue = calls;
            return this;
        }

        /**
         * How this store keeps a user's reads from a replica consistent with that user's own writes (see
         * {@link JdbiLikeStore}, "Replicas"): it remembers the latest write of up to {@code users} users per shard
         * for {@code window}. Defaults {@link #DEFAULT_READ_YOUR_WRITES_WINDOW} and
         * {@link #DEFAULT_READ_YOUR_WRITES_USERS}.
         *
         * @param window how long a write is remembered, 1 second to 1 day; a replica lagging longer than this may
         *     show a writer an older state
         * @param users how many writers are remembered at most, 1 to 100,000,000 (about 170 bytes each)
         * @return this builder
         */
        public Builder readYourWrites(Duration window, long users) {
            Objects.requireNonNull(window, "window must not be null");
            if (window.toSeconds() < 1 || window.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("window must be between 1 s and 1 day, but was " + window);
            }
            if (users < 1 || users > 100_000_000) {
                throw new IllegalArgumentException("users must be between 1 and 100000000, but was " + users);
            }
            this.readYourWritesWindow = window;
            this.readYourWritesUsers = users;
            return this;
        }

        /**
         * How long a shard's reads go to its primary after its replica failed to answer (a connection failure, or a
         * socket or query timeout); then one read tries the replica again. Default
         * {@link #DEFAULT_REPLICA_RETRY_AFTER}.
         *
         * @param retryAfter 100 ms to 1 hour
         * @return this builder
         */
        public Builder replicaRetryAfter(Duration retryAfter) {
            Objects.requireNonNull(retryAfter, "replicaRetryAfter must not be null");
            if (retryAfter.toMillis() < 100 || retryAfter.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("replicaRetryAfter must be between 100 ms and 1 hour, but was "
                        + retryAfter);
            }
            this.replicaRetryAfter = retryAfter;
            return this;
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
