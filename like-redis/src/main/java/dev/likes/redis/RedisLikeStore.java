package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.FeedState;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * A {@link LikeStore} on Redis (single node or Redis Cluster), through Lettuce: the hot tier of the like service.
 *
 * <p><b>Atomicity.</b> Every like and unlike is applied by one Lua script that reads the user's state, checks the
 * request ID, changes the state, the count and the version and returns them, as one step: there is no check-then-act
 * across round trips. Concurrent calls for one content are group-committed: coalesced into one script call (up to
 * {@link Builder#maxBatchSize(int)}) that applies them in arrival order and returns each its own result. Scripts run
 * by {@code EVALSHA}; after {@code NOSCRIPT} (a restarted or failed-over Redis) a script is sent whole once. All keys
 * of a content share its hash tag (see the key layout in the README), so this works on a cluster unchanged.
 *
 * <p><b>Two modes.</b> Without a backing store, Redis is the source of truth: keys never expire and Redis also keeps
 * the newest-first listings (a likers index per content, a likes index per user; the user index is updated right
 * after the content's script, order-safely by version). With {@link Builder#backingStore(LikeStore)}, Redis is a
 * cache of the durable store: a content's keys expire together (hot content after {@link Builder#hotTtl}, refreshed
 * on write; content loaded for reading after {@link Builder#coldTtl}); a content Redis does not hold is loaded from
 * the durable store once per miss, however many callers miss together (a count alone for reads of counts); contents
 * nobody likes are cached empty for {@link Builder#emptyTtl}; and listings are the durable store's. The durable store
 * is kept up to date by the events (Kafka and a consumer), not by this store.
 *
 * <p><b>Memory.</b> A content's likers live in hashes of at most 128 users ({@code userId / 128} picks the hash,
 * {@code userId % 128} the field, the like time in seconds the value), which Redis keeps in its compact listpack
 * encoding; like times are kept to the second.
 *
 * <p><b>Failures.</b> Every call fails with a {@link LikeStoreException} within {@link Builder#commandTimeout}
 * when Redis is unreachable or slow; after a timeout the outcome is unknown, and a retry with the same request ID is
 * safe. Stages complete on Lettuce's I/O threads: dependent stages must not block.
 *
 * <p>Thread-safe. {@link #close()} closes the connection this store opened and, if it created the client from a URI,
 * the client; a client the host passed in stays open.
 */
public final class RedisLikeStore implements LikeStore {

    /** Key prefix unless configured. */
    public static final String DEFAULT_KEY_PREFIX = "like";
    /** How long written contents stay in Redis after their last write, with a backing store: 24 hours. */
    public static final Duration DEFAULT_HOT_TTL = Duration.ofHours(24);
    /** How long contents loaded for reading stay, with a backing store: 1 hour. */
    public static final Duration DEFAULT_COLD_TTL = Duration.ofHours(1);
    /** How long a content nobody likes is cached as empty, with a backing store: 1 minute. */
    public static final Duration DEFAULT_EMPTY_TTL = Duration.ofMinutes(1);
    /** How long request IDs are remembered: 24 hours. */
    public static final Duration DEFAULT_REQUEST_ID_TTL = Duration.ofHours(24);
    /** How long a Redis call may take before it fails: 1 second. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** How long one read-through load may take: 30 seconds. */
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(30);
    /** The most mutations one script call applies: 256. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 256;

    /** How often the outbox sweeper looks for entries the fast path did not relay: 5 seconds. */
    public static final Duration DEFAULT_OUTBOX_SWEEP_INTERVAL = Duration.ofSeconds(5);
    /** How old an outbox entry must be before the sweeper relays it: 10 seconds. */
    public static final Duration DEFAULT_OUTBOX_GRACE = Duration.ofSeconds(10);
    /** The most events the outbox fast path has in flight; beyond it the sweeper relays them: 100,000. */
    public static final int DEFAULT_OUTBOX_MAX_IN_FLIGHT = 100_000;

    private static final int MAX_LOAD_RETRIES = 3;

    private final Redis redis;
    private final Keys keys;
    private final LikeStore durable;
    private final ReadThrough readThrough;
    private final GroupCommit groupCommit;
    private final ApplyScript applyScript;
    private final LocalCounts localCounts;
    private final Listings listings;
    private final Predicate<ContentRef> contentFilter;
    private final OutboxRelay relay;
    private final Redis.Script evict = Redis.Script.load("evict", ScriptOutputType.INTEGER);
    private final Redis.Script feed = Redis.Script.load("feed", ScriptOutputType.MULTI);
    private final StatefulConnection<String, String> connection;
    private final AutoCloseable ownedClient;
    private final boolean oneConnection;

    private RedisLikeStore(Builder b, StatefulConnection<String, String> connection,
            RedisClusterAsyncCommands<String, String> commands, AutoCloseable ownedClient, boolean oneConnection,
            io.netty.util.Timer timer) {
        this.connection = connection;
        this.oneConnection = oneConnection;
        this.ownedClient = ownedClient;
        this.redis = new Redis(commands, b.commandTimeout, timer);
        this.keys = new Keys(b.keyPrefix);
        this.durable = b.durable;
        this.readThrough = durable == null
                ? null
                : new ReadThrough(redis, keys, durable, b.coldTtl, b.emptyTtl, b.loadTimeout);
        this.applyScript = new ApplyScript(redis, keys, durable == null, durable == null ? 0 : b.hotTtl.toMillis(),
                b.requestIdTtl.toMillis(), b.outbox != null);
        this.relay = b.outbox == null
                ? null
                : new OutboxRelay(redis, keys, b.outbox, b.sweepInterval, b.grace, b.outboxMaxInFlight, oneConnection);
        this.localCounts = new LocalCounts(b.localCacheTtl, b.localCacheSize);
        this.listings = new Listings(redis, keys);
        this.contentFilter = b.contentFilter;
        this.groupCommit = new GroupCommit(b.maxBatchSize, this::applyBatch);
    }

    /**
     * A builder over a client the host owns; the store opens one connection on it and closes that connection.
     *
     * @param client a standalone client
     * @return the builder
     */
    public static Builder builder(RedisClient client) {
        return new Builder(Args.notNull("client", client), null);
    }

    /**
     * A builder over a cluster client the host owns; the store opens one connection on it and closes that
     * connection.
     *
     * @param client a cluster client
     * @return the builder
     */
    public static Builder builder(RedisClusterClient client) {
        return new Builder(null, Args.notNull("client", client));
    }

    /**
     * A builder that creates its own client for {@code uri} (password and TLS as Lettuce's {@link RedisURI} allows),
     * with commands rejected at once while disconnected, and shuts it down on {@link #close()}.
     *
     * @param uri e.g. {@code redis://127.0.0.1:6379} or {@code rediss://:password@host:6380}
     * @return the builder
     */
    public static Builder builder(RedisURI uri) {
        Builder builder = new Builder(null, null);
        builder.uri = Args.notNull("uri", uri);
        return builder;
    }

    // ---- writes ----

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        if (!known(mutation.content())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "content " + mutation.content() + " is unknown: the content filter rejected it"));
        }
        return groupCommit.submit(mutation);
    }

    private CompletionStage<List<CompletionStage<LikeResult>>> applyBatch(ContentRef content, List<LikeMutation> batch) {
        return applyBatch(content, batch, MAX_LOAD_RETRIES);
    }

    private CompletableFuture<List<CompletionStage<LikeResult>>> applyBatch(
            ContentRef content, List<LikeMutation> batch, int loadsLeft) {
        CompletableFuture<ApplyScript.Applied> run;
        if (relay == null || oneConnection) {
            // on one node the script indexes the content's outbox itself, in the same atomic step
            run = applyScript.run(content, batch, relay != null);
        } else {
            // on a cluster the index lives on another node: register first, and wait for it before writing the outbox
            run = relay.register(content).thenCompose(registered -> applyScript.run(content, batch, false));
        }
        return run.thenCompose(applied -> {
            if (applied == null) {
                if (readThrough == null || loadsLeft == 0) {
                    return CompletableFuture.failedFuture(
                            new LikeStoreException("content " + content + " could not be loaded into Redis", null));
                }
                return readThrough.loadState(content).thenCompose(loaded -> applyBatch(content, batch, loadsLeft - 1));
            }
            List<CompletionStage<LikeResult>> results = new ArrayList<>(batch.size());
            List<LikeEvent> events = relay != null && !applied.outboxEntry().isEmpty() ? new ArrayList<>() : null;
            for (int i = 0; i < batch.size(); i++) {
                LikeResult result = applied.results().get(i);
                localCounts.remember(content, result.count(), result.version());
                if (events != null && result.changed()) {
                    events.add(LikeEvent.of(batch.get(i), result));
                }
                results.add(result.changed() && readThrough == null
                        ? listings.recordForUser(batch.get(i), result)
                        : CompletableFuture.completedFuture(result));
            }
            if (events != null) {
                relay.relay(content, applied.outboxEntry(), events);
            }
            return CompletableFuture.completedFuture(results);
        });
    }

    /**
     * {@inheritDoc} With a backing store, this is the backing store's listing, which follows the events and so may
     * lag behind the latest likes.
     */
    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, Liker after, int limit) {
        return durable != null ? durable.likers(content, after, limit) : listings.likers(content, after, limit);
    }

    /**
     * {@inheritDoc} With a backing store, this is the backing store's listing, which follows the events and so may
     * lag behind the latest likes.
     */
    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, String contentType, UserLike after, int limit) {
        return durable != null
                ? durable.likesOf(userId, contentType, after, limit)
                : listings.likesOf(userId, contentType, after, limit);
    }

    // ---- reads ----

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        if (!known(content)) {
            return CompletableFuture.completedFuture(false);
        }
        return readLiked(userId, content).thenCompose(liked -> {
            if (liked != null) {
                return CompletableFuture.completedFuture(liked);
            }
            return readThrough.loadState(content)
                    .thenCompose(loaded -> readLiked(userId, content))
                    .thenCompose(again -> again != null
                            ? CompletableFuture.completedFuture(again)
                            : durable.hasLiked(userId, content));
        });
    }

    /** True or false, or null when (with a backing store) the content's state is not in Redis. */
    private CompletableFuture<Boolean> readLiked(long userId, ContentRef content) {
        CompletableFuture<String> value =
                redis.call("HGET status", c -> c.hget(keys.bucket(content, userId), Keys.field(userId)));
        if (readThrough == null) {
            return value.thenApply(v -> v != null);
        }
        CompletableFuture<String> loaded = redis.call("HGET meta", c -> c.hget(keys.meta(content), "s"));
        return value.thenCombine(loaded, (v, s) -> "1".equals(s) ? Boolean.valueOf(v != null) : null);
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        if (!known(content)) {
            return CompletableFuture.completedFuture(0L);
        }
        Long cached = localCounts.get(content);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return readCount(content).thenCompose(n -> n != null || readThrough == null
                ? CompletableFuture.completedFuture(n == null ? 0L : n)
                : readThrough.loadCount(content).thenApply(loaded -> {
                    localCounts.remember(content, loaded, 0);
                    return loaded;
                }));
    }

    /** The count in Redis (remembered locally), or null when Redis does not hold it. */
    private CompletableFuture<Long> readCount(ContentRef content) {
        return redis.call("HMGET meta", c -> c.hmget(keys.meta(content), "n", "v")).thenApply(values -> {
            String n = value(values.get(0));
            if (n == null) {
                return null;
            }
            String v = value(values.get(1));
            long count = Long.parseLong(n);
            localCounts.remember(content, count, v == null ? 0 : Long.parseLong(v));
            return count;
        });
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        Map<ContentRef, Long> counts = new HashMap<>(contents.size() * 2);
        Map<ContentRef, CompletableFuture<Long>> reads = new HashMap<>();
        for (ContentRef content : contents) {
            Long cached = known(content) ? localCounts.get(content) : Long.valueOf(0);
            if (cached != null) {
                counts.put(content, cached);
            } else {
                reads.put(content, readCount(content));
            }
        }
        return CompletableFuture.allOf(reads.values().toArray(new CompletableFuture<?>[0])).thenCompose(done -> {
            Set<ContentRef> missing = new HashSet<>();
            reads.forEach((content, read) -> {
                Long n = read.join();
                if (n != null || readThrough == null) {
                    counts.put(content, n == null ? 0L : n);
                } else {
                    missing.add(content);
                }
            });
            if (missing.isEmpty()) {
                return CompletableFuture.completedFuture(counts);
            }
            return loadCounts(missing).thenApply(loaded -> {
                counts.putAll(loaded);
                return counts;
            });
        });
    }

    /** Loads counts Redis does not hold from the backing store (cache mode), and remembers them locally. */
    private CompletableFuture<Map<ContentRef, Long>> loadCounts(Set<ContentRef> missing) {
        return readThrough.loadCounts(missing).thenApply(loaded -> {
            loaded.forEach((content, n) -> localCounts.remember(content, n, 0));
            return loaded;
        });
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        Map<ContentRef, CompletableFuture<Boolean>> reads = new HashMap<>();
        for (ContentRef content : contents) {
            if (known(content)) {
                reads.put(content, readLiked(userId, content));
            }
        }
        return CompletableFuture.allOf(reads.values().toArray(new CompletableFuture<?>[0])).thenCompose(done -> {
            Set<ContentRef> liked = new HashSet<>();
            Set<ContentRef> notLoaded = new HashSet<>();
            reads.forEach((content, read) -> {
                Boolean value = read.join();
                if (value == null) {
                    notLoaded.add(content);
                } else if (value) {
                    liked.add(content);
                }
            });
            if (notLoaded.isEmpty()) {
                return CompletableFuture.completedFuture(liked);
            }
            return durable.likedAmong(userId, notLoaded).thenApply(more -> {
                liked.addAll(more);
                return liked;
            });
        });
    }

    /**
     * {@inheritDoc} On one Redis node the whole page is one script call: the liked flags of every content and the
     * counts the local cache does not hold. On a cluster, where a page's contents live on several nodes, it is the
     * default's reads.
     */
    @Override
    public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
        if (!oneConnection) {
            return LikeStore.super.feed(userId, contents);
        }
        Map<ContentRef, Long> counts = new HashMap<>(contents.size() * 2);
        List<ContentRef> asked = new ArrayList<>(contents.size());
        String[] scriptKeys = new String[2 * contents.size()];
        String[] args = new String[1 + 2 * contents.size()];
        args[0] = readThrough != null ? "1" : "0";
        String field = Keys.field(userId);
        for (ContentRef content : contents) {
            if (!known(content)) {
                counts.put(content, 0L);
                continue;
            }
            Long cached = localCounts.get(content);
            if (cached != null) {
                counts.put(content, cached);
            }
            int i = asked.size();
            scriptKeys[2 * i] = keys.meta(content);
            scriptKeys[2 * i + 1] = keys.bucket(content, userId);
            args[1 + 2 * i] = cached == null ? "1" : "0";
            args[2 + 2 * i] = field;
            asked.add(content);
        }
        if (asked.isEmpty()) {
            return CompletableFuture.completedFuture(new FeedState(counts, Set.of(), false));
        }
        int n = asked.size();
        String[] k = n == contents.size() ? scriptKeys : java.util.Arrays.copyOf(scriptKeys, 2 * n);
        String[] a = n == contents.size() ? args : java.util.Arrays.copyOf(args, 1 + 2 * n);
        return redis.<List<Object>>script(feed, k, a).thenCompose(reply -> {
            Set<ContentRef> liked = new HashSet<>();
            Set<ContentRef> notLoaded = new HashSet<>();
            Set<ContentRef> noCount = new HashSet<>();
            for (int i = 0; i < n; i++) {
                ContentRef content = asked.get(i);
                long flag = (Long) reply.get(3 * i);
                if (flag == 1) {
                    liked.add(content);
                } else if (flag == -1) {
                    notLoaded.add(content);
                }
                if (!counts.containsKey(content)) {
                    long count = (Long) reply.get(3 * i + 1);
                    if (count >= 0) {
                        counts.put(content, count);
                        localCounts.remember(content, count, (Long) reply.get(3 * i + 2));
                    } else if (readThrough == null) {
                        counts.put(content, 0L);
                    } else {
                        noCount.add(content);
                    }
                }
            }
            CompletableFuture<Map<ContentRef, Long>> loadedCounts = noCount.isEmpty()
                    ? CompletableFuture.completedFuture(Map.of())
                    : loadCounts(noCount);
            CompletableFuture<Set<ContentRef>> moreLiked = notLoaded.isEmpty()
                    ? CompletableFuture.completedFuture(Set.of())
                    : durable.likedAmong(userId, notLoaded).toCompletableFuture();
            return loadedCounts.thenCombine(moreLiked, (loaded, more) -> {
                counts.putAll(loaded);
                liked.addAll(more);
                return new FeedState(counts, liked, false);
            });
        });
    }

    /**
     * Count reads answered by the local cache, since the store was built (0 without a local cache).
     *
     * @return the number of hits
     */
    public long localCacheHits() {
        return localCounts.hits();
    }

    /**
     * Count reads the local cache could not answer, since the store was built (0 without a local cache).
     *
     * @return the number of misses
     */
    public long localCacheMisses() {
        return localCounts.misses();
    }

    /**
     * The count the local cache holds for a content, without asking Redis: what a fallback may show while Redis is
     * unreachable.
     *
     * @param content the content
     * @return the cached count, empty without a local cache or when it holds none
     */
    public java.util.OptionalLong localCount(ContentRef content) {
        Long n = localCounts.peek(content);
        return n == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(n);
    }

    /**
     * Loads from the backing store that this store made, since it was built (0 without a backing store).
     *
     * @return the number of loads
     */
    public long backingStoreLoads() {
        return readThrough == null ? 0 : readThrough.loads();
    }

    /**
     * Counts the changes written to the outbox that the event log has not acknowledged yet, over all contents (a
     * SCAN of the outbox keys: for monitoring and tests, not for every request).
     *
     * @return the backlog, 0 without an outbox
     */
    public CompletionStage<Long> outboxBacklog() {
        return relay == null ? CompletableFuture.completedFuture(0L) : relay.backlog();
    }

    /**
     * Relays now every outbox entry older than the grace period, as the sweeper does periodically; if a sweep is
     * running, this one starts when it ends.
     *
     * @return the number of events relayed
     * @throws IllegalStateException if the store has no outbox
     */
    public CompletionStage<Long> sweepOutbox() {
        if (relay == null) {
            throw new IllegalStateException("this store has no outbox (see Builder.outbox)");
        }
        return relay.sweep();
    }

    /**
     * What the outbox relay did since the store was built: events published by the fast path, by the sweeper, and
     * publish failures (left for the sweeper).
     *
     * @return the counters, all 0 without an outbox
     */
    public OutboxStats outboxStats() {
        return relay == null
                ? new OutboxStats(0, 0, 0, 0, 0)
                : new OutboxStats(relay.published(), relay.swept(), relay.failures(), relay.skipped(), relay.inFlight());
    }

    /**
     * Counters of the outbox relay.
     *
     * @param published events the fast path published and removed from the outbox
     * @param swept events the sweeper published and removed
     * @param failures publishes that failed (their entries stay for the sweeper)
     * @param skipped events the fast path left to the sweeper because too many were in flight
     * @param inFlight events the fast path is publishing now
     */
    public record OutboxStats(long published, long swept, long failures, long skipped, int inFlight) {}

    /**
     * Drops a content's cached state, so that the next access loads it again from the backing store: the repair of a
     * content whose cached state drifted from the durable one (see the reconciler). Refused while the content's outbox
     * still holds changes the durable store may lack.
     *
     * @param content the content
     * @return {@code true} if evicted, {@code false} if its outbox is not empty
     * @throws IllegalStateException without a backing store: there Redis holds the only copy
     */
    public CompletionStage<Boolean> evict(ContentRef content) {
        if (durable == null) {
            throw new IllegalStateException("evict needs a backing store: without one, Redis holds the only copy");
        }
        localCounts.forget(content);
        return redis.<Long>script(evict,
                new String[] {keys.meta(content), keys.bucketSet(content), keys.outbox(content)},
                keys.bucketPrefix(content)).thenApply(n -> {
                    localCounts.forget(content);
                    return n == 1;
                });
    }

    /**
     * The count Redis itself holds for a content, bypassing the local cache and never loading from the backing
     * store: what a reconciliation compares.
     *
     * @param content the content
     * @return the count, empty when Redis does not hold the content
     */
    public CompletionStage<java.util.OptionalLong> cachedCount(ContentRef content) {
        return redis.call("HGET meta", c -> c.hget(keys.meta(content), "n"))
                .thenApply(n -> n == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(Long.parseLong(n)));
    }

    /**
     * The users Redis holds as liking a content, read bucket by bucket (cache mode, where a content's buckets are
     * listed): what a deep reconciliation compares.
     *
     * @param content the content
     * @return the users, or null when Redis does not hold the content's state (at most its count)
     * @throws IllegalStateException without a backing store
     */
    public CompletionStage<Set<Long>> cachedLikers(ContentRef content) {
        if (durable == null) {
            throw new IllegalStateException("cachedLikers needs a backing store (the bucket list is kept only then)");
        }
        return redis.call("HGET meta", c -> c.hget(keys.meta(content), "s")).thenCompose(loaded -> "1".equals(loaded)
                ? likersInBuckets(content)
                : CompletableFuture.completedFuture(null));
    }

    private CompletableFuture<Set<Long>> likersInBuckets(ContentRef content) {
        return redis.call("SMEMBERS buckets", c -> c.smembers(keys.bucketSet(content))).thenCompose(buckets -> {
            List<CompletableFuture<Set<Long>>> reads = new ArrayList<>();
            for (String bucket : buckets) {
                long base = Long.parseLong(bucket) * Keys.BUCKET_SIZE;
                reads.add(redis.call("HKEYS bucket", c -> c.hkeys(keys.bucketPrefix(content) + bucket)).thenApply(fields -> {
                    Set<Long> users = new HashSet<>();
                    fields.forEach(f -> users.add(base + Long.parseLong(f)));
                    return users;
                }));
            }
            return CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0])).thenApply(ok -> {
                Set<Long> all = new HashSet<>();
                reads.forEach(r -> all.addAll(r.join()));
                return all;
            });
        });
    }

    /**
     * Every content Redis holds state or a count of, by a SCAN of its meta keys: what a reconciliation walks. For
     * operations, not for requests.
     *
     * @return the contents
     */
    public CompletionStage<Set<ContentRef>> cachedContents() {
        return scanMetas(io.lettuce.core.ScanCursor.INITIAL, new HashSet<>());
    }

    private CompletableFuture<Set<ContentRef>> scanMetas(io.lettuce.core.ScanCursor cursor, Set<ContentRef> into) {
        io.lettuce.core.ScanArgs args = io.lettuce.core.ScanArgs.Builder.matches(keys.metaPattern()).limit(1_000);
        return redis.call("SCAN meta", c -> c.scan(cursor, args)).thenCompose(page -> {
            for (String key : page.getKeys()) {
                ContentRef content = keys.metaContent(key);
                if (content != null) {
                    into.add(content);
                }
            }
            return page.isFinished() ? CompletableFuture.completedFuture(into) : scanMetas(page, into);
        });
    }

    Redis redis() {
        return redis;
    }

    Keys keys() {
        return keys;
    }

    private boolean known(ContentRef content) {
        return contentFilter == null || contentFilter.test(content);
    }

    private static String value(KeyValue<String, String> kv) {
        return kv.hasValue() ? kv.getValue() : null;
    }

    /** Closes the connection this store opened, and the client if the store created it. */
    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
        connection.close();
        if (ownedClient != null) {
            try {
                ownedClient.close();
            } catch (Exception e) {
                throw new LikeStoreException("could not shut the Redis client down", e);
            }
        }
    }

    /**
     * Configures a {@link RedisLikeStore}. Not thread-safe. Every setter validates its argument and names it in the
     * exception; rules that involve several settings are checked by {@link #build()}.
     */
    public static final class Builder {

        private final RedisClient client;
        private final RedisClusterClient clusterClient;
        private RedisURI uri;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private LikeStore durable;
        private Duration hotTtl = DEFAULT_HOT_TTL;
        private Duration coldTtl = DEFAULT_COLD_TTL;
        private Duration emptyTtl = DEFAULT_EMPTY_TTL;
        private boolean expirySet;
        private Duration requestIdTtl = DEFAULT_REQUEST_ID_TTL;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private Duration localCacheTtl;
        private long localCacheSize;
        private Predicate<ContentRef> contentFilter;
        private EventPublisher outbox;
        private Duration sweepInterval = DEFAULT_OUTBOX_SWEEP_INTERVAL;
        private Duration grace = DEFAULT_OUTBOX_GRACE;
        private int outboxMaxInFlight = DEFAULT_OUTBOX_MAX_IN_FLIGHT;

        private Builder(RedisClient client, RedisClusterClient clusterClient) {
            this.client = client;
            this.clusterClient = clusterClient;
        }

        /**
         * The first part of every key, so several apps can share one Redis. Default {@value #DEFAULT_KEY_PREFIX}.
         *
         * @param prefix 1 to 40 characters of {@code [A-Za-z0-9_.:-]} (no braces: they would change the hash slot)
         * @return this builder
         */
        public Builder keyPrefix(String prefix) {
            this.keyPrefix = Args.matches("keyPrefix", prefix, "[A-Za-z0-9_.:-]{1,40}", "1 to 40 characters of [A-Za-z0-9_.:-]");
            return this;
        }

        /**
         * The durable store behind Redis (the JDBC store, or any {@link LikeStore}). With it, Redis is a cache: keys
         * expire, misses are loaded from it, listings are its. Without it, Redis is the source of truth.
         *
         * @param store the durable store
         * @return this builder
         */
        public Builder backingStore(LikeStore store) {
            this.durable = Args.notNull("backingStore", store);
            return this;
        }

        /**
         * How long a content stays after its last write, with a backing store. Default {@link #DEFAULT_HOT_TTL}.
         *
         * @param ttl at least one second
         * @return this builder
         */
        public Builder hotTtl(Duration ttl) {
            this.hotTtl = Args.atLeast("hotTtl", ttl, Duration.ofSeconds(1));
            this.expirySet = true;
            return this;
        }

        /**
         * How long a content loaded for reading stays, with a backing store. Default {@link #DEFAULT_COLD_TTL}.
         *
         * @param ttl at least one second
         * @return this builder
         */
        public Builder coldTtl(Duration ttl) {
            this.coldTtl = Args.atLeast("coldTtl", ttl, Duration.ofSeconds(1));
            this.expirySet = true;
            return this;
        }

        /**
         * How long a content nobody likes is cached as empty, with a backing store. Default
         * {@link #DEFAULT_EMPTY_TTL}.
         *
         * @param ttl at least one millisecond
         * @return this builder
         */
        public Builder emptyTtl(Duration ttl) {
            this.emptyTtl = Args.atLeast("emptyTtl", ttl, Duration.ofMillis(1));
            this.expirySet = true;
            return this;
        }

        /**
         * How long a (user, content, request ID) is remembered. Default {@link #DEFAULT_REQUEST_ID_TTL}.
         *
         * @param ttl at least one millisecond
         * @return this builder
         */
        public Builder requestIdTtl(Duration ttl) {
            this.requestIdTtl = Args.atLeast("requestIdTtl", ttl, Duration.ofMillis(1));
            return this;
        }

        /**
         * How long one Redis call may take before it fails. Default {@link #DEFAULT_COMMAND_TIMEOUT}.
         *
         * @param timeout at least one millisecond
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = Args.atLeast("commandTimeout", timeout, Duration.ofMillis(1));
            return this;
        }

        /**
         * How long one load from the backing store may take (and how long its lock in Redis lasts). Default
         * {@link #DEFAULT_LOAD_TIMEOUT}.
         *
         * @param timeout at least one second
         * @return this builder
         */
        public Builder loadTimeout(Duration timeout) {
            this.loadTimeout = Args.atLeast("loadTimeout", timeout, Duration.ofSeconds(1));
            return this;
        }

        /**
         * The most mutations of one content that one script call applies. Default {@link #DEFAULT_MAX_BATCH_SIZE}.
         *
         * @param size 1 (no group commit) to 1,000
         * @return this builder
         */
        public Builder maxBatchSize(int size) {
            this.maxBatchSize = Args.between("maxBatchSize", size, 1, 1_000);
            return this;
        }

        /**
         * Turns on an in-process cache of counts in front of Redis (Caffeine), so reads of a hot content's count
         * mostly stay in the process. Every change made through this store updates it at once, so a user whose
         * requests reach this process sees their own like counted; changes made elsewhere show after {@code ttl}.
         *
         * @param ttl how long a count is served without asking Redis; at least one millisecond
         * @param maxContents how many contents it holds at most; at least 1
         * @return this builder
         */
        public Builder localCountCache(Duration ttl, long maxContents) {
            this.localCacheTtl = Args.atLeast("localCountCache ttl", ttl, Duration.ofMillis(1));
            if (maxContents < 1) {
                throw new IllegalArgumentException("localCountCache maxContents must be at least 1, but was " + maxContents);
            }
            this.localCacheSize = maxContents;
            return this;
        }

        /**
         * A filter of contents that may exist, such as Guava's {@code BloomFilter<ContentRef>} of the app's content
         * ids: reads of a content it rejects answer "nobody likes it" without reaching Redis or the backing store,
         * and likes of it fail with {@link IllegalArgumentException}. It must never reject a content that exists.
         *
         * @param mightExist the filter; thread-safe
         * @return this builder
         */
        public Builder contentFilter(Predicate<ContentRef> mightExist) {
            this.contentFilter = Args.notNull("contentFilter", mightExist);
            return this;
        }

        /**
         * Turns on the transactional outbox: every applied change is also written, by the same script and so
         * atomically, to its content's outbox stream, and relayed from there to {@code publisher}; an entry is removed
         * only after the publisher acknowledged it. A like acknowledged by this store is then never lost between Redis
         * and the event log, even if the process dies right after. Use the store with a {@code LikeService} that has no
         * publisher of its own ({@code EventPublisher.NONE}): the store publishes.
         *
         * @param publisher where the events go, e.g. a Kafka publisher; the store does not close it
         * @return this builder
         */
        public Builder outbox(EventPublisher publisher) {
            this.outbox = Args.notNull("outbox", publisher);
            return this;
        }

        /**
         * How often the outbox sweeper relays what the fast path did not, and how old an entry must be first (so it
         * does not race the fast path). Defaults {@link #DEFAULT_OUTBOX_SWEEP_INTERVAL},
         * {@link #DEFAULT_OUTBOX_GRACE}.
         *
         * @param interval at least 10 ms
         * @param grace at least 0
         * @return this builder
         */
        public Builder outboxSweep(Duration interval, Duration grace) {
            this.sweepInterval = Args.atLeast("outboxSweep interval", interval, Duration.ofMillis(10));
            this.grace = Args.atLeast("outboxSweep grace", grace, Duration.ZERO);
            return this;
        }

        /**
         * The most events the outbox fast path publishes at once; beyond it, entries wait for the sweeper, so a
         * broker outage never fills the heap. Default {@link #DEFAULT_OUTBOX_MAX_IN_FLIGHT}.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder outboxMaxInFlight(int max) {
            this.outboxMaxInFlight = Args.between("outboxMaxInFlight", max, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * Connects and builds the store.
         *
         * @return the store
         * @throws IllegalStateException if expiry settings were given without a backing store, or TTLs are out of
         *     order
         */
        public RedisLikeStore build() {
            if (expirySet && durable == null) {
                throw new IllegalStateException("hotTtl, coldTtl and emptyTtl need backingStore(...): keys that expire"
                        + " with no durable store to reload them from would lose likes");
            }
            if (coldTtl.compareTo(hotTtl) > 0) {
                throw new IllegalStateException(
                        "coldTtl (" + coldTtl + ") must not be longer than hotTtl (" + hotTtl + ")");
            }
            try {
                return connect();
            } catch (io.lettuce.core.RedisConnectionException e) {
                throw new LikeStoreException("could not connect to Redis", e);
            }
        }

        private RedisLikeStore connect() {
            if (clusterClient != null) {
                var connection = clusterClient.connect();
                return new RedisLikeStore(this, connection, connection.async(), null, false,
                        clusterClient.getResources().timer());
            }
            RedisClient target = client;
            AutoCloseable owned = null;
            if (target == null) {
                target = RedisClient.create(uri);
                target.setOptions(io.lettuce.core.ClientOptions.builder()
                        .disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(io.lettuce.core.TimeoutOptions.enabled(commandTimeout))
                        .build());
                owned = target::shutdown;
            }
            try {
                var connection = target.connect();
                return new RedisLikeStore(this, connection, connection.async(), owned, true,
                        target.getResources().timer());
            } catch (RuntimeException e) {
                if (owned != null) {
                    target.shutdown();
                }
                throw e;
            }
        }
    }
}
