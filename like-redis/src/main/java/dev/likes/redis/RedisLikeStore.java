package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.FeedState;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import dev.likes.core.internal.Args;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LikeStore} on Redis (single node or Redis Cluster), through Lettuce: the hot tier of the like service.
 *
 * <p><b>Atomicity.</b> Every like and unlike is applied by one Lua script that reads the user's state, checks the
 * request ID, changes the state, the count and the version and returns them, as one step: there is no check-then-act
 * across round trips. Contents are spread over {@link Builder#shards(int) shards}, and concurrent calls for the
 * contents of one shard are group-committed: coalesced into one script call (up to {@link Builder#maxBatchSize(int)})
 * that applies them in arrival order, content by content, and returns each its own result; a lone like waits for
 * nobody. All keys of a shard share its hash tag (see the key layout in docs/redis.md), so this works on a cluster
 * unchanged.
 *
 * <p><b>Two modes.</b> Without a backing store, Redis is the source of truth: keys never expire and Redis also keeps
 * the newest-first listings (a likers index per content, a likes index per user, both written by the like script on
 * one node; on a cluster the user index is written right after, one call per user shard, order-safely by version).
 * With {@link Builder#backingStore(LikeStore)}, Redis is a cache of the backing store: a content's keys expire (hot
 * content after {@link Builder#hotTtl}, refreshed on write; content loaded for reading after
 * {@link Builder#coldTtl}); a content Redis does not hold is loaded from the backing store once per miss, however many
 * callers miss together (a count alone for reads of counts); contents nobody likes are cached empty for
 * {@link Builder#emptyTtl}; and listings are the backing store's. The backing store is kept up to date by the events
 * (Kafka and a consumer), not by this store.
 *
 * <p><b>Memory.</b> A content's likers live in hashes of about 40 users, 160 on a server whose
 * {@code hash-max-listpack-entries} is 512 ({@link Builder#hashMaxListpackEntries}); a hash of the user id picks the
 * hash, so any id distribution fills them evenly, and they split one at a time as likers come, so that Redis keeps
 * each in its compact listpack encoding.
 *
 * <p><b>Failures.</b> Every call fails with a {@link LikeStoreException} within {@link Builder#commandTimeout}
 * when Redis is unreachable or slow; after a timeout the outcome is unknown, and a retry with the same request ID is
 * safe. Stages complete on Lettuce's I/O threads: dependent stages must not block.
 *
 * <p>Thread-safe. {@link #close()} closes the connection this store opened and, if it created the client from a URI,
 * the client; a client the host passed in stays open.
 */
public final class RedisLikeStore implements LikeStore {

    /*
     * Scripts run by EVALSHA; after NOSCRIPT (a restarted or failed-over Redis) a script is sent whole once. A likers
     * hash's field is the user id, its value the like time in seconds after the content's time base (field b of the
     * content's meta hash). The mode (truth or cache) is chosen once, at build time, as a Tier; the reads and writes
     * ask it, never the builder's settings.
     */

    /** Key prefix unless configured. */
    public static final String DEFAULT_KEY_PREFIX = "like";
    /** How many shards contents are spread over: 16. */
    public static final int DEFAULT_SHARDS = 16;
    /** How long written contents stay in Redis after their last write, with a backing store: 24 hours. */
    public static final Duration DEFAULT_HOT_TTL = Duration.ofHours(24);
    /** How long contents loaded for reading stay, with a backing store: 1 hour. */
    public static final Duration DEFAULT_COLD_TTL = Duration.ofHours(1);
    /** How long a content nobody likes is cached as empty, with a backing store: 1 minute. */
    public static final Duration DEFAULT_EMPTY_TTL = Duration.ofMinutes(1);
    /** How long request IDs are remembered: 24 hours. */
    public static final Duration DEFAULT_REQUEST_ID_TTL = Duration.ofHours(24);
    /** The most request IDs one shard remembers: 1,000,000. */
    public static final long DEFAULT_MAX_REQUEST_IDS = 1_000_000;
    /** How long a Redis call may take before it fails: 1 second. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** How long one read-through load may take: 30 seconds. */
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a read-through load may wait for its turn before the likes waiting for it are refused: 1 second, half
     * of {@code LikeService}'s default call timeout.
     */
    public static final Duration DEFAULT_LOAD_QUEUE_TIMEOUT = Duration.ofSeconds(1);
    /** The most mutations one script call applies: 256. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 256;
    /** The default {@linkplain Builder#maxQueuedPerShard bound of the likes waiting for one shard}: 20,000. */
    public static final int DEFAULT_MAX_QUEUED_PER_SHARD = 20_000;

    /** How often the outbox sweeper looks for entries the fast path did not relay: 5 seconds. */
    public static final Duration DEFAULT_OUTBOX_SWEEP_INTERVAL = Duration.ofSeconds(5);
    /** How old an outbox entry must be before the sweeper relays it: 10 seconds. */
    public static final Duration DEFAULT_OUTBOX_GRACE = Duration.ofSeconds(10);
    /** The most events the outbox fast path has in flight; beyond it the sweeper relays them: 100,000. */
    public static final int DEFAULT_OUTBOX_MAX_IN_FLIGHT = 100_000;

    private final Redis redis;
    private final Keys keys;
    private final Tier tier;
    private final Writes writes;
    private final RedisReads reads;
    private final @Nullable OutboxRelay relay;
    /** Removes this store's meters from the host's registry; null without one. */
    private final @Nullable Runnable removeMeters;
    private final StatefulConnection<String, String> connection;
    private final @Nullable AutoCloseable ownedClient;
    private final boolean singleNode;
    private final RedisStorePolicy policy;

    RedisLikeStore(Builder b, StatefulConnection<String, String> connection,
            RedisClusterAsyncCommands<String, String> commands, @Nullable AutoCloseable ownedClient, boolean singleNode,
            Timer timer, int listpackEntries) {
        this.connection = connection;
        this.singleNode = singleNode;
        this.ownedClient = ownedClient;
        this.redis = new Redis(commands, b.commandTimeout, timer);
        this.keys = new Keys(b.keyPrefix, b.shards, listpackEntries);
        LikeStore backing = b.backingStore;
        boolean truth = backing == null;
        Listings listings = new Listings(redis, keys);
        LocalCountCache localCountCache = new LocalCountCache(b.localCountCacheTtl, b.localCountCacheSize);
        this.tier = backing == null ? Tier.truth(listings)
                : Tier.cache(backing, new ReadThrough(redis, keys, backing, b.coldTtl, b.emptyTtl, b.loadTimeout,
                        b.loadQueueTimeout),
                        localCountCache);
        ReadThrough readThrough = tier.readThrough();
        ApplyScript applyScript = new ApplyScript(redis, keys, truth, truth && singleNode,
                truth ? 0 : b.hotTtl.toMillis(), b.requestIdTtl.toMillis(), b.outbox != null, b.maxRequestIds);
        ReadScript readScript = new ReadScript(redis, keys, !truth, singleNode);
        this.relay = b.outbox == null
                ? null
                : new OutboxRelay(redis, keys, b.outbox, b.sweepInterval, b.grace, b.outboxMaxInFlight, singleNode);
        this.reads = new RedisReads(redis, keys, readScript, localCountCache, tier, b.contentFilter);
        ReplicaWait replicaWait = b.waitReplicas > 0 ? new ReplicaWait(redis, b.waitReplicas, b.waitTimeout) : null;
        this.writes = new Writes(applyScript, keys, b.maxBatchSize, b.maxQueuedPerShard, readThrough, relay,
                replicaWait, localCountCache, listings, singleNode);
        this.policy = new RedisStorePolicy(redis, keys, readThrough, relay, localCountCache, truth);
        this.removeMeters = b.meterRegistry == null ? null : RedisStoreMeters.bind(b.meterRegistry, b.meterTags, policy,
                relay != null);
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
     * A builder over a client the host owns, such as Spring Data's native client, which has no URI of its own: the
     * store opens one connection to {@code uri} on it and closes that connection. The client's options apply (how
     * commands behave while it reconnects, TLS); every call still ends within {@link Builder#commandTimeout}.
     *
     * @param client a standalone client
     * @param uri the server to connect to through it
     * @return the builder
     */
    public static Builder builder(RedisClient client, RedisURI uri) {
        Builder builder = new Builder(Args.notNull("client", client), null);
        builder.uri = Args.notNull("uri", uri);
        return builder;
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
        if (!reads.known(mutation.content())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "content " + mutation.content() + " is unknown: the content filter rejected it"));
        }
        return writes.apply(mutation);
    }

    /**
     * {@inheritDoc} With a backing store, this is the backing store's listing, which follows the events and so may
     * lag behind the latest likes.
     */
    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
        return tier.likers(content, after, limit);
    }

    /**
     * {@inheritDoc} With a backing store, this is the backing store's listing, which follows the events and so may
     * lag behind the latest likes.
     */
    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        return tier.likesOf(userId, contentType, after, limit);
    }

    // ---- reads ----

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        return reads.hasLiked(userId, content);
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        return reads.count(content);
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        return reads.counts(contents);
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        return reads.feed(userId, contents, false).thenApply(FeedState::liked);
    }

    /**
     * {@inheritDoc} The whole page is one script call on one Redis node (one per shard on a cluster): the liked flags
     * of every content and the counts the local cache does not hold.
     */
    @Override
    public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
        return reads.feed(userId, contents, true);
    }

    /**
     * The view for operations and monitoring of this store: counters, the outbox, the state Redis holds of a content,
     * eviction. Not for the request path.
     *
     * @return the view (the same instance on every call)
     */
    public RedisStorePolicy policy() {
        return policy;
    }

    Redis redis() {
        return redis;
    }

    Keys keys() {
        return keys;
    }


    /** Closes the connection this store opened, and the client if the store created it. */
    @Override
    public void close() {
        if (removeMeters != null) {
            removeMeters.run();
        }
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

    /** What {@link Builder#build()} does when Redis' settings cannot keep what the store acknowledges. */
    public enum SettingsCheck {
        /** Refuse to build, naming every setting at fault. */
        REFUSE,
        /** Build, and log every setting at fault at WARN. */
        WARN,
        /** Do not check (the host checks by other means). */
        SKIP
    }

    /**
     * Configures a {@link RedisLikeStore}. Not thread-safe. Every setter validates its argument and names it in the
     * exception; rules that involve several settings are checked by {@link #build()}.
     */
    public static final class Builder extends RedisCacheSettings {

        private Builder(@Nullable RedisClient client, @Nullable RedisClusterClient clusterClient) {
            super(client, clusterClient);
        }

        /**
         * Connects and builds the store.
         *
         * @return the store
         * @throws IllegalStateException if expiry settings were given without a backing store, TTLs are out of
         *     order, or replica acknowledgements were asked of a cluster or with a timeout not shorter than the
         *     command timeout
         * @throws LikeStoreException if Redis cannot be reached, or its settings fail the {@link #settingsCheck}
         */
        public RedisLikeStore build() {
            return StoreConnector.build(this);
        }
    }
}
