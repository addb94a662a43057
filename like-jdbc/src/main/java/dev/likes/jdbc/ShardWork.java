package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeStoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link JdbiLikeStore}'s blocking database work runs: the shard of a content, the executor of a shard, the
 * replica or primary of a read, every statement limited to the query timeout. Failures of the database become {@link LikeStoreException}s. Thread-safe.
 */
final class ShardWork implements AutoCloseable {

    private final List<JdbiShard> shards;
    private final Map<Jdbi, Integer> shardIndex = new IdentityHashMap<>();
    private final Executor executor;
    private final List<Executor> shardExecutors;
    private final List<ExecutorService> ownExecutors = new ArrayList<>();
    private final ReplicaReads replicaReads;
    private final int queryTimeoutSeconds;

    /**
     * @param executor the host's executor, or {@code null} for pools of the store's own: one for work on every
     *     shard and, with several shards, one per shard with a bounded queue
     */
    ShardWork(List<JdbiShard> shards, @Nullable Executor executor, int threads, int shardQueue,
            int queryTimeoutSeconds, ReplicaReads replicaReads) {
        this.shards = List.copyOf(shards);
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.replicaReads = replicaReads;
        List<Executor> perShard = new ArrayList<>();
        if (executor != null) {
            this.executor = new MdcExecutor(executor);
            this.shards.forEach(s -> perShard.add(this.executor));
        } else {
            this.executor = new MdcExecutor(ownPool("like-jdbc-", threads, Integer.MAX_VALUE));
            for (int i = 0; i < this.shards.size(); i++) {
                perShard.add(this.shards.size() == 1 ? this.executor
                        : new MdcExecutor(ownPool("like-jdbc-shard" + i + "-", threads, shardQueue)));
            }
        }
        this.shardExecutors = List.copyOf(perShard);
        for (int i = 0; i < this.shards.size(); i++) {
            shardIndex.put(this.shards.get(i).primary(), i);
            Jdbi replica = this.shards.get(i).replica();
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

    List<JdbiShard> shards() {
        return shards;
    }

    ReplicaReads replicaReads() {
        return replicaReads;
    }

    /** The shard a content lives on: {@code content_id mod shards}. */
    int indexOf(ContentRef content) {
        return (int) Math.floorMod(content.id(), (long) shards.size());
    }

    JdbiShard shardOf(ContentRef content) {
        return shards.get(indexOf(content));
    }

    /** The contents by shard, in the order their shards first appear. */
    <T> Map<Integer, List<T>> byShard(Collection<T> items, Function<T, ContentRef> content) {
        Map<Integer, List<T>> byShard = new LinkedHashMap<>();
        for (T item : items) {
            byShard.computeIfAbsent(indexOf(content.apply(item)), s -> new ArrayList<>()).add(item);
        }
        return byShard;
    }

    /** Runs blocking database work on the database's shard's executor, with one handle. */
    <T> CompletableFuture<T> onShard(Jdbi jdbi, String what, HandleCallback<T, RuntimeException> work) {
        Integer shard = shardIndex.get(jdbi);
        return async(shard == null ? executor : shardExecutors.get(shard), what, () -> jdbi.withHandle(timed(work)));
    }

    /** Runs a transaction on the primary of the shard, on the shard's executor. */
    <T> CompletableFuture<T> inTransaction(int shard, String what, HandleCallback<T, RuntimeException> work) {
        return async(shardExecutors.get(shard), what, () -> Transactions.run(shards.get(shard).primary(), timed(work)));
    }

    /** Runs the work on the shard's executor, its failures as they are; a full shard queue fails the stage at once. */
    <T> CompletableFuture<T> submit(int shard, String what, Supplier<T> work) {
        return submit(shardExecutors.get(shard), what, work);
    }

    /** A read on the shard's replica, or its primary (see {@link ReplicaReads}); a user's read sees their writes. */
    <T> CompletableFuture<T> onReader(int shard, @Nullable Long userId, String what,
            HandleCallback<T, RuntimeException> work) {
        return async(shardExecutors.get(shard), what, () -> replicaReads.read(shard, userId, timed(work)));
    }

    /** A read for one content (see {@link #onReader}). */
    <T> CompletableFuture<T> read(ContentRef content, @Nullable Long userId, String what,
            HandleCallback<T, RuntimeException> work) {
        return onReader(indexOf(content), userId, what, work);
    }

    /** One read per shard of the contents, each given that shard's part; the answers in shard order. */
    <T> CompletableFuture<List<T>> perShard(Collection<ContentRef> contents, @Nullable Long userId, String what,
            BiFunction<Handle, List<ContentRef>, T> work) {
        List<CompletableFuture<T>> parts = new ArrayList<>();
        byShard(contents, c -> c).forEach((shard, part) ->
                parts.add(onReader(shard, userId, what, h -> work.apply(h, part))));
        return all(parts);
    }

    /** Every stage's answer, in order, once all completed. */
    static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> parts) {
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            List<T> all = new ArrayList<>(parts.size());
            parts.forEach(p -> all.add(p.join()));
            return all;
        });
    }

    /** Runs the work on the executor for work on every shard. */
    <T> CompletableFuture<T> async(String what, Supplier<T> work) {
        return async(executor, what, work);
    }

    private static <T> CompletableFuture<T> async(Executor on, String what, Supplier<T> work) {
        return submit(on, what, () -> {
            try {
                return work.get();
            } catch (JdbiException e) {
                throw new LikeStoreException("the database failed " + what + ": " + Transactions.rootMessage(e), e);
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
    <T> HandleCallback<T, RuntimeException> timed(HandleCallback<T, RuntimeException> work) {
        return handle -> {
            handle.getConfig(SqlStatements.class).setQueryTimeout(queryTimeoutSeconds);
            return work.withHandle(handle);
        };
    }

    /** Shuts down the store's own pools, if it has them. */
    @Override
    public void close() {
        ownExecutors.forEach(ExecutorService::shutdown);
    }
}
