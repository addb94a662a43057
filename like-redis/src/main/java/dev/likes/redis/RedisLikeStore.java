package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.FeedState;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import dev.likes.core.internal.Args;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
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

    private RedisLikeStore(Builder b, StatefulConnection<String, String> connection,
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
    public static final class Builder {

        private final @Nullable RedisClient client;
        private final @Nullable RedisClusterClient clusterClient;
        private @Nullable RedisURI uri;
        private @Nullable ClientResources clientResources;
        private @Nullable ClientOptions clientOptions;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private int shards = DEFAULT_SHARDS;
        private long maxRequestIds = DEFAULT_MAX_REQUEST_IDS;
        private int listpackEntries;
        private @Nullable LikeStore backingStore;
        private Duration hotTtl = DEFAULT_HOT_TTL;
        private Duration coldTtl = DEFAULT_COLD_TTL;
        private Duration emptyTtl = DEFAULT_EMPTY_TTL;
        private boolean expirySet;
        private Duration requestIdTtl = DEFAULT_REQUEST_ID_TTL;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;
        private Duration loadQueueTimeout = DEFAULT_LOAD_QUEUE_TIMEOUT;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int maxQueuedPerShard = DEFAULT_MAX_QUEUED_PER_SHARD;
        private @Nullable Duration localCountCacheTtl;
        private long localCountCacheSize;
        private @Nullable Predicate<ContentRef> contentFilter;
        private @Nullable EventPublisher outbox;
        private SettingsCheck settingsCheck = SettingsCheck.REFUSE;
        private Duration sweepInterval = DEFAULT_OUTBOX_SWEEP_INTERVAL;
        private Duration grace = DEFAULT_OUTBOX_GRACE;
        private int outboxMaxInFlight = DEFAULT_OUTBOX_MAX_IN_FLIGHT;
        private int waitReplicas;
        private Duration waitTimeout = Duration.ZERO;
        private @Nullable MeterRegistry meterRegistry;
        private Iterable<Tag> meterTags = List.of();

        private Builder(@Nullable RedisClient client, @Nullable RedisClusterClient clusterClient) {
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
         * How many shards the contents are spread over. A shard is the unit of group commit (one script call applies
         * likes of many contents of one shard), of the outbox (one stream per shard) and of the request IDs; on a
         * cluster the shards' hash tags spread them over the nodes, so use several per node. Part of the key layout:
         * every process sharing the key prefix must use the same number, and changing it later hides the data written
         * before. Default {@value #DEFAULT_SHARDS}.
         *
         * @param shards 1 to 16,384
         * @return this builder
         */
        public Builder shards(int shards) {
            this.shards = Args.between("shards", shards, 1, 16_384);
            return this;
        }

        /**
         * The servers' {@code hash-max-listpack-entries}, which sizes the status buckets: a content's likers are spread
         * over buckets of about 5/16 of it on average (40 users for the 128 of redis.conf, at most 160), so that each
         * stays a compact listpack. By default the store reads it with {@code CONFIG GET} when it is built (the
         * smallest of a cluster's nodes) and assumes 128 when the server refuses, as some managed services do; set it
         * for such a service. Every store on one Redis should see the same value; a different one changes only when
         * buckets split.
         *
         * @param entries the setting's value, between 16 and 1,000,000
         * @return this builder
         */
        public Builder hashMaxListpackEntries(int entries) {
            this.listpackEntries = Args.between("hashMaxListpackEntries", entries, 16, 1_000_000);
            return this;
        }

        /**
         * The most request IDs one shard remembers: beyond it the oldest are forgotten before their TTL (half of them
         * at a time), so that memory stays bounded whatever the request rate (an ID costs about 110 B). Default
         * {@value #DEFAULT_MAX_REQUEST_IDS}.
         *
         * @param max at least 1,000
         * @return this builder
         */
        public Builder maxRequestIds(long max) {
            if (max < 1_000) {
                throw new IllegalArgumentException("maxRequestIds must be at least 1000, but was " + max);
            }
            this.maxRequestIds = max;
            return this;
        }

        /**
         * The backing store behind Redis (the JDBC store, or any {@link LikeStore}). With it, Redis is a cache: keys
         * expire, misses are loaded from it, listings are its. Without it, Redis is the source of truth.
         *
         * @param store the backing store
         * @return this builder
         */
        public Builder backingStore(LikeStore store) {
            this.backingStore = Args.notNull("backingStore", store);
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
         * The event loops and timers of the client this store creates from its URI, such as the host's Lettuce
         * {@code ClientResources}: the store then adds no threads of its own, and leaves the resources running on
         * {@link RedisLikeStore#close()}. Only for {@link RedisLikeStore#builder(RedisURI)}.
         *
         * @param resources the host's resources
         * @return this builder
         */
        public Builder clientResources(ClientResources resources) {
            this.clientResources = Args.notNull("clientResources", resources);
            return this;
        }

        /**
         * The options of the client this store creates from its URI, such as the host client's (TLS, socket and
         * protocol settings). Two are always the store's: commands are refused at once while disconnected, and time
         * out after {@link #commandTimeout}, so that a Redis outage fails calls fast instead of queueing them. Only
         * for {@link RedisLikeStore#builder(RedisURI)}.
         *
         * @param options the options to start from
         * @return this builder
         */
        public Builder clientOptions(ClientOptions options) {
            this.clientOptions = Args.notNull("clientOptions", options);
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
         * How long a load from the backing store may wait for its turn: 64 loads run at once per store and up to
         * 1,024 wait. A load that waited longer is not started, and the likes waiting for it fail with
         * {@code LikeRejectedException} ({@code OVERLOADED}): nothing of them was written, and a retry after its
         * {@code retryAfter} is safe. Keep it below the service's call timeout, so that such a like ends with this
         * definite answer instead of a timeout, whose outcome is unknown. Default
         * {@link #DEFAULT_LOAD_QUEUE_TIMEOUT}.
         *
         * @param timeout at least one millisecond
         * @return this builder
         */
        public Builder loadQueueTimeout(Duration timeout) {
            this.loadQueueTimeout = Args.atLeast("loadQueueTimeout", timeout, Duration.ofMillis(1));
            return this;
        }

        /**
         * The most mutations of one shard that one script call applies. Default {@link #DEFAULT_MAX_BATCH_SIZE}.
         *
         * @param size 1 (no group commit) to 1,000
         * @return this builder
         */
        public Builder maxBatchSize(int size) {
            this.maxBatchSize = Args.between("maxBatchSize", size, 1, 1_000);
            return this;
        }

        /**
         * The most likes and unlikes of one shard that wait for its next script call. One more fails at once with
         * {@link dev.likes.core.LikeRejectedException} ({@code OVERLOADED}), with nothing written, instead of waiting
         * longer than a caller would. Default {@link #DEFAULT_MAX_QUEUED_PER_SHARD}.
         *
         * @param max 1 to 10,000,000
         * @return this builder
         */
        public Builder maxQueuedPerShard(int max) {
            this.maxQueuedPerShard = Args.between("maxQueuedPerShard", max, 1, 10_000_000);
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
            this.localCountCacheTtl = Args.atLeast("localCountCache ttl", ttl, Duration.ofMillis(1));
            if (maxContents < 1) {
                throw new IllegalArgumentException("localCountCache maxContents must be at least 1, but was " + maxContents);
            }
            this.localCountCacheSize = maxContents;
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
         * Registers this store's meters on a Micrometer registry (Micrometer is an optional dependency: needed only
         * when this is called), and removes them when the store closes: {@code likes.local.cache.requests} (function
         * counter; tag {@code result}: hit, miss), {@code likes.backing.store.loads} (function counter), and with an
         * outbox {@code likes.outbox.relayed} (function counter; tag {@code path}: fast, sweeper),
         * {@code likes.outbox.failures} (function counter), {@code likes.outbox.inflight} (gauge). Two stores on one
         * registry need tags that tell them apart: see {@link #meterRegistry(MeterRegistry, Iterable)}.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            return meterRegistry(registry, List.of());
        }

        /**
         * As {@link #meterRegistry(MeterRegistry)}, with tags added to every meter of this store.
         *
         * @param registry the registry
         * @param tags the tags, e.g. {@code Tags.of("store", "feed")}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry, Iterable<Tag> tags) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
            this.meterTags = Objects.requireNonNull(tags, "tags must not be null");
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
         * Acknowledges a write only once {@code replicas} replicas of the Redis primary hold it (Redis' {@code WAIT},
         * after each script call), so that a like survives the loss of the primary and the promotion of a replica.
         * If fewer replicas confirm within {@code timeout}, the calls of that write end with
         * {@link dev.likes.core.LikeTimeoutException}: the primary applied them, a failover may lose them, and a retry
         * with the same request ID learns which; their events are left to the outbox sweeper, which relays them only
         * if the primary still holds them after the grace period. {@code WAIT} holds the store's connection until the
         * replicas answer, so every call on this store pays a replication round trip. With replicas required, the
         * {@link #settingsCheck} asks for that many connected replicas instead of {@code appendfsync always}. Only on
         * a standalone Redis. Off by default.
         *
         * @param replicas 1 to 64
         * @param timeout at least one millisecond, shorter than the {@link #commandTimeout}
         * @return this builder
         */
        public Builder replicaAcknowledgements(int replicas, Duration timeout) {
            this.waitReplicas = Args.between("replicas", replicas, 1, 64);
            this.waitTimeout = Args.atLeast("timeout", timeout, Duration.ofMillis(1));
            return this;
        }

        /**
         * What {@link #build()} does if Redis' settings cannot keep what the store acknowledges. Checked when the
         * store is Redis as the truth (no backing store) or has an {@link #outbox}: on every node (every master of a
         * cluster), {@code maxmemory-policy} must be {@code noeviction} whenever {@code maxmemory} is set (otherwise
         * Redis evicts outbox entries and request IDs under memory pressure), and {@code appendonly yes} with
         * {@code appendfsync always} (otherwise a crash of Redis loses acknowledged likes), or, with
         * {@link #replicaAcknowledgements}, at least that many connected replicas. A Redis that refuses
         * {@code CONFIG GET} (some managed services) counts as failing the check. Default
         * {@link SettingsCheck#REFUSE}.
         *
         * @param check what to do
         * @return this builder
         */
        public Builder settingsCheck(SettingsCheck check) {
            this.settingsCheck = Args.notNull("settingsCheck", check);
            return this;
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
            if (expirySet && backingStore == null) {
                throw new IllegalStateException("hotTtl, coldTtl and emptyTtl need backingStore(...): keys that expire"
                        + " with no backing store to reload them from would lose likes");
            }
            if (coldTtl.compareTo(hotTtl) > 0) {
                throw new IllegalStateException(
                        "coldTtl (" + coldTtl + ") must not be longer than hotTtl (" + hotTtl + ")");
            }
            if ((clientResources != null || clientOptions != null) && (client != null || clusterClient != null)) {
                throw new IllegalStateException("clientResources and clientOptions apply to the client the store"
                        + " creates from a URI; configure the client you passed instead");
            }
            if (waitReplicas > 0 && clusterClient != null) {
                throw new IllegalStateException("replicaAcknowledgements needs a standalone Redis; a cluster store"
                        + " cannot wait for its nodes' replicas");
            }
            if (waitReplicas > 0 && waitTimeout.compareTo(commandTimeout) >= 0) {
                throw new IllegalStateException("the replicaAcknowledgements timeout (" + waitTimeout + ") must be"
                        + " shorter than commandTimeout (" + commandTimeout + ")");
            }
            try {
                return connect();
            } catch (RedisConnectionException e) {
                throw new LikeStoreException("could not connect to Redis", e);
            }
        }

        private RedisLikeStore connect() {
            boolean checked = settingsCheck != SettingsCheck.SKIP && (outbox != null || backingStore == null);
            if (clusterClient != null) {
                var connection = clusterClient.connect();
                int entries;
                try {
                    if (checked) {
                        SettingsGuard.enforce(settingsCheck, SettingsGuard.problems(connection));
                    }
                    entries = listpackEntries > 0
                            ? listpackEntries
                            : SettingsGuard.listpackEntries(connection);
                } catch (RuntimeException e) {
                    connection.close();
                    throw e;
                }
                return new RedisLikeStore(this, connection, connection.async(), null, false,
                        clusterClient.getResources().timer(), entries);
            }
            RedisClient target = client;
            AutoCloseable owned = null;
            if (target == null) {
                target = clientResources == null ? RedisClient.create(uri) : RedisClient.create(clientResources, uri);
                ClientOptions.Builder options =
                        clientOptions == null ? ClientOptions.builder() : clientOptions.mutate();
                target.setOptions(options
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                        .build());
                owned = target::shutdown;
            }
            try {
                var connection = uri == null ? target.connect() : target.connect(uri);
                int entries;
                try {
                    if (checked) {
                        SettingsGuard.enforce(settingsCheck,
                                SettingsGuard.problems("Redis", connection.sync(), waitReplicas));
                    }
                    entries = listpackEntries > 0
                            ? listpackEntries
                            : SettingsGuard.listpackEntries(connection.sync());
                } catch (RuntimeException e) {
                    connection.close();
                    throw e;
                }
                return new RedisLikeStore(this, connection, connection.async(), owned, true,
                        target.getResources().timer(), entries);
            } catch (RuntimeException e) {
                if (owned != null) {
                    target.shutdown();
                }
                throw e;
            }
        }
    }
}
