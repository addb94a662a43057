package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.LikeStore;
import dev.likes.core.internal.Args;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link RedisLikeStore.Builder} for Redis as a cache of a backing store (expiry, loads, the local
 * count cache) and for the outbox. Its public setters are {@link RedisLikeStore.Builder}'s.
 */
abstract sealed class RedisCacheSettings extends RedisLayoutSettings permits RedisLikeStore.Builder {

    @Nullable LikeStore backingStore;
    Duration hotTtl = RedisLikeStore.DEFAULT_HOT_TTL;
    Duration coldTtl = RedisLikeStore.DEFAULT_COLD_TTL;
    Duration emptyTtl = RedisLikeStore.DEFAULT_EMPTY_TTL;
    boolean expirySet;
    Duration loadTimeout = RedisLikeStore.DEFAULT_LOAD_TIMEOUT;
    Duration loadQueueTimeout = RedisLikeStore.DEFAULT_LOAD_QUEUE_TIMEOUT;
    @Nullable Duration localCountCacheTtl;
    long localCountCacheSize;
    @Nullable Predicate<ContentRef> contentFilter;
    @Nullable EventPublisher outbox;
    Duration sweepInterval = RedisLikeStore.DEFAULT_OUTBOX_SWEEP_INTERVAL;
    Duration grace = RedisLikeStore.DEFAULT_OUTBOX_GRACE;
    int outboxMaxInFlight = RedisLikeStore.DEFAULT_OUTBOX_MAX_IN_FLIGHT;

    RedisCacheSettings(@Nullable RedisClient client, @Nullable RedisClusterClient clusterClient) {
        super(client, clusterClient);
    }

    /**
     * The backing store behind Redis (the JDBC store, or any {@link LikeStore}). With it, Redis is a cache: keys
     * expire, misses are loaded from it, listings are its. Without it, Redis is the source of truth.
     *
     * @param store the backing store
     * @return this builder
     */
    public RedisLikeStore.Builder backingStore(LikeStore store) {
        this.backingStore = Args.notNull("backingStore", store);
        return self();
    }

    /**
     * How long a content stays after its last write, with a backing store. Default {@link RedisLikeStore#DEFAULT_HOT_TTL}.
     *
     * @param ttl at least one second
     * @return this builder
     */
    public RedisLikeStore.Builder hotTtl(Duration ttl) {
        this.hotTtl = Args.atLeast("hotTtl", ttl, Duration.ofSeconds(1));
        this.expirySet = true;
        return self();
    }

    /**
     * How long a content loaded for reading stays, with a backing store. Default {@link RedisLikeStore#DEFAULT_COLD_TTL}.
     *
     * @param ttl at least one second
     * @return this builder
     */
    public RedisLikeStore.Builder coldTtl(Duration ttl) {
        this.coldTtl = Args.atLeast("coldTtl", ttl, Duration.ofSeconds(1));
        this.expirySet = true;
        return self();
    }

    /**
     * How long a content nobody likes is cached as empty, with a backing store. Default
     * {@link RedisLikeStore#DEFAULT_EMPTY_TTL}.
     *
     * @param ttl at least one millisecond
     * @return this builder
     */
    public RedisLikeStore.Builder emptyTtl(Duration ttl) {
        this.emptyTtl = Args.atLeast("emptyTtl", ttl, Duration.ofMillis(1));
        this.expirySet = true;
        return self();
    }

    /**
     * How long one load from the backing store may take (and how long its lock in Redis lasts). Default
     * {@link RedisLikeStore#DEFAULT_LOAD_TIMEOUT}.
     *
     * @param timeout at least one second
     * @return this builder
     */
    public RedisLikeStore.Builder loadTimeout(Duration timeout) {
        this.loadTimeout = Args.atLeast("loadTimeout", timeout, Duration.ofSeconds(1));
        return self();
    }

    /**
     * How long a load from the backing store may wait for its turn: 64 loads run at once per store and up to
     * 1,024 wait. A load that waited longer is not started, and the likes waiting for it fail with
     * {@code LikeRejectedException} ({@code OVERLOADED}): nothing of them was written, and a retry after its
     * {@code retryAfter} is safe. Keep it below the service's call timeout, so that such a like ends with this
     * definite answer instead of a timeout, whose outcome is unknown. Default
     * {@link RedisLikeStore#DEFAULT_LOAD_QUEUE_TIMEOUT}.
     *
     * @param timeout at least one millisecond
     * @return this builder
     */
    public RedisLikeStore.Builder loadQueueTimeout(Duration timeout) {
        this.loadQueueTimeout = Args.atLeast("loadQueueTimeout", timeout, Duration.ofMillis(1));
        return self();
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
    public RedisLikeStore.Builder localCountCache(Duration ttl, long maxContents) {
        this.localCountCacheTtl = Args.atLeast("localCountCache ttl", ttl, Duration.ofMillis(1));
        if (maxContents < 1) {
            throw new IllegalArgumentException("localCountCache maxContents must be at least 1, but was " + maxContents);
        }
        this.localCountCacheSize = maxContents;
        return self();
    }

    /**
     * A filter of contents that may exist, such as Guava's {@code BloomFilter<ContentRef>} of the app's content
     * ids: reads of a content it rejects answer "nobody likes it" without reaching Redis or the backing store,
     * and likes of it fail with {@link IllegalArgumentException}. It must never reject a content that exists.
     *
     * @param mightExist the filter; thread-safe
     * @return this builder
     */
    public RedisLikeStore.Builder contentFilter(Predicate<ContentRef> mightExist) {
        this.contentFilter = Args.notNull("contentFilter", mightExist);
        return self();
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
    public RedisLikeStore.Builder outbox(EventPublisher publisher) {
        this.outbox = Args.notNull("outbox", publisher);
        return self();
    }

    /**
     * How often the outbox sweeper relays what the fast path did not, and how old an entry must be first (so it
     * does not race the fast path). Defaults {@link RedisLikeStore#DEFAULT_OUTBOX_SWEEP_INTERVAL},
     * {@link RedisLikeStore#DEFAULT_OUTBOX_GRACE}.
     *
     * @param interval at least 10 ms
     * @param grace at least 0
     * @return this builder
     */
    public RedisLikeStore.Builder outboxSweep(Duration interval, Duration grace) {
        this.sweepInterval = Args.atLeast("outboxSweep interval", interval, Duration.ofMillis(10));
        this.grace = Args.atLeast("outboxSweep grace", grace, Duration.ZERO);
        return self();
    }

    /**
     * The most events the outbox fast path publishes at once; beyond it, entries wait for the sweeper, so a
     * broker outage never fills the heap. Default {@link RedisLikeStore#DEFAULT_OUTBOX_MAX_IN_FLIGHT}.
     *
     * @param max at least 1
     * @return this builder
     */
    public RedisLikeStore.Builder outboxMaxInFlight(int max) {
        this.outboxMaxInFlight = Args.between("outboxMaxInFlight", max, 1, Integer.MAX_VALUE);
        return self();
    }
}
