package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.RequestIds;
import dev.likes.core.internal.Args;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The operations view of a {@link RedisLikeStore} ({@link RedisLikeStore#policy()}): counters of the local cache, the
 * read-through and the outbox relay; the outbox backlog and a sweep on demand; what Redis itself holds of a content
 * (for a reconciliation) and its eviction; a user's erasure. Not for the request path: some calls read many keys. Thread-safe.
 */
public final class RedisStorePolicy {

    private final Redis redis;
    private final Keys keys;
    private final @Nullable ReadThrough readThrough;
    private final @Nullable OutboxRelay relay;
    private final LocalCountCache localCountCache;
    private final boolean truth;
    private final Redis.Script evict = Redis.Script.load("evict", ScriptOutputType.INTEGER);
    private final Redis.Script requestSeen = Redis.Script.load("request-seen", ScriptOutputType.INTEGER);

    RedisStorePolicy(Redis redis, Keys keys, @Nullable ReadThrough readThrough, @Nullable OutboxRelay relay,
            LocalCountCache localCountCache,
            boolean truth) {
        this.redis = redis;
        this.keys = keys;
        this.readThrough = readThrough;
        this.relay = relay;
        this.localCountCache = localCountCache;
        this.truth = truth;
    }

    /**
     * Count reads answered by the local cache, since the store was built (0 without a local cache).
     *
     * @return the number of hits
     */
    public long localCountCacheHits() {
        return localCountCache.hits();
    }

    /**
     * Count reads the local cache could not answer, since the store was built (0 without a local cache).
     *
     * @return the number of misses
     */
    public long localCountCacheMisses() {
        return localCountCache.misses();
    }

    /**
     * The count the local cache holds for a content, without asking Redis: what a fallback may show while Redis is
     * unreachable.
     *
     * @param content the content
     * @return the cached count, empty without a local cache or when it holds none
     */
    public OptionalLong localCount(ContentRef content) {
        Long n = localCountCache.peek(content);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
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
     * Counts the changes written to the outbox that the event log has not acknowledged yet, over all shards (reads
     * every shard's stream a page at a time: for monitoring and tests, not for every request).
     *
     * @return the backlog, 0 without an outbox
     */
    public CompletionStage<Long> outboxBacklog() {
        return relay == null ? CompletableFuture.completedFuture(0L) : relay.backlog();
    }

    /**
     * The outbox backlog of each shard (as {@link #outboxBacklog()}, per shard), for operations.
     *
     * @return shard number to backlog, every shard present; empty without an outbox
     */
    public CompletionStage<Map<Integer, Long>> outboxBacklogByShard() {
        return relay == null ? CompletableFuture.completedFuture(Map.of()) : relay.backlogByShard();
    }

    /**
     * Relays now every outbox entry older than the grace period, in each shard whose sweep lease this store gets, as
     * the sweeper does periodically; if a sweep is running, this one starts when it ends.
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
     * content whose cached state drifted from the backing store (see the reconciler). Refused while its shard's outbox
     * still holds changes the backing store may lack. One step whatever the content's size: its status buckets are
     * left to expire by themselves (at most {@link RedisLikeStore.Builder#hotTtl} later) and a new load writes new ones.
     *
     * @param content the content
     * @return {@code true} if evicted, {@code false} if its shard's outbox is not empty
     * @throws IllegalStateException without a backing store: there Redis holds the only copy
     */
    public CompletionStage<Boolean> evict(ContentRef content) {
        if (truth) {
            throw new IllegalStateException("evict needs a backing store: without one, Redis holds the only copy");
        }
        localCountCache.forget(content);
        return redis.<Long>script(evict, new String[] {keys.main(content), keys.outbox(keys.shard(content))})
                .thenApply(n -> {
                    localCountCache.forget(content);
                    return n == 1;
                });
    }

    /**
     * Whether Redis remembers a user's request ID on a content: the test the store makes before it applies a change
     * with a request ID, asked without changing anything (whether or not Redis holds the content itself). Request IDs
     * are remembered for {@link RedisLikeStore.Builder#requestIdTtl} (and at most
     * {@link RedisLikeStore.Builder#maxRequestIds} per shard).
     *
     * @param userId the user, positive
     * @param content the content
     * @param requestId the request ID, 1 to 64 characters of [A-Za-z0-9_-]
     * @return true if a change with this request ID was applied within that time
     * @throws IllegalArgumentException if {@code userId} or {@code requestId} breaks its rule
     */
    public CompletionStage<Boolean> requestSeen(long userId, ContentRef content, String requestId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be positive, but was " + userId);
        }
        RequestIds.check(requestId);
        return redis.<Long>script(requestSeen, new String[] {keys.requests(keys.shard(content))},
                Keys.requestMember(content, userId, requestId)).thenApply(seen -> seen == 1);
    }

    /**
     * The count Redis itself holds for a content, bypassing the local cache and never loading from the backing
     * store: what a reconciliation compares.
     *
     * @param content the content
     * @return the count, empty when Redis does not hold the content
     */
    public CompletionStage<OptionalLong> cachedCount(ContentRef content) {
        return redis.call("HGET meta", c -> c.hget(keys.main(content), "n"))
                .thenApply(n -> n == null || n.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(n)));
    }

    /**
     * The users Redis holds as liking a content, read bucket by bucket: what a deep reconciliation compares.
     *
     * @param content the content
     * @return the users, or null when Redis does not hold the content's state (at most its count)
     * @throws IllegalStateException without a backing store
     */
    public CompletionStage<Set<Long>> cachedLikers(ContentRef content) {
        if (truth) {
            throw new IllegalStateException("cachedLikers needs a backing store (it compares Redis with it)");
        }
        return redis.call("HMGET meta", c -> c.hmget(keys.main(content), "s", "g", "l", "p")).thenCompose(meta -> {
            if (!"1".equals(Redis.value(meta.get(0)))) {
                return CompletableFuture.completedFuture(null);
            }
            String stored = Redis.value(meta.get(1));
            String generation = stored == null ? "0" : stored;
            int level = Redis.value(meta.get(2)) == null ? 0 : Integer.parseInt(Redis.value(meta.get(2)));
            long split = Redis.value(meta.get(3)) == null ? 0 : Long.parseLong(Redis.value(meta.get(3)));
            long buckets = (1L << level) + split;
            List<CompletableFuture<List<String>>> reads = new ArrayList<>();
            for (long a = 0; a < buckets; a++) {
                String key = keys.bucket(content, generation, a);
                reads.add(redis.call("HKEYS bucket", c -> c.hkeys(key)));
            }
            return CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0])).thenApply(ok -> {
                Set<Long> all = new HashSet<>();
                for (CompletableFuture<List<String>> read : reads) {
                    for (String field : read.join()) {
                        if (!field.isEmpty() && Character.isDigit(field.charAt(0))) {
                            all.add(Long.parseLong(field));
                        }
                    }
                }
                return Collections.unmodifiableSet(all);
            });
        });
    }

    /**
     * Every content Redis holds state or a count of, by a SCAN of its main hashes: what a reconciliation walks. For
     * operations, not for requests.
     *
     * @return the contents
     */
    public CompletionStage<Set<ContentRef>> cachedContents() {
        return scanMains(ScanCursor.INITIAL, new HashSet<>());
    }

    private CompletableFuture<Set<ContentRef>> scanMains(ScanCursor cursor, Set<ContentRef> into) {
        ScanArgs args = ScanArgs.Builder.matches(keys.mainPattern()).limit(1_000);
        return redis.call("SCAN meta", c -> c.scan(cursor, args)).thenCompose(page -> {
            for (String key : page.getKeys()) {
                ContentRef content = keys.mainContent(key);
                if (content != null) {
                    into.add(content);
                }
            }
            return page.isFinished() ? CompletableFuture.completedFuture(into) : scanMains(page, into);
        });
    }

    /**
     * When the oldest entry of the outbox was written, over all shards: every change older than that has reached the
     * event log. For operations (an erasure waits on it), not for requests.
     *
     * @return the time of the oldest entry, empty when the outbox is empty or the store has none
     */
    public CompletionStage<Optional<Instant>> oldestOutboxEntry() {
        if (relay == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<CompletableFuture<List<StreamMessage<String, String>>>> heads = new ArrayList<>();
        for (int shard = 0; shard < keys.shards(); shard++) {
            String key = keys.outbox(shard);
            heads.add(redis.call("XRANGE outbox", c -> c.xrange(key, Range.create("-", "+"), Limit.from(1))));
        }
        return CompletableFuture.allOf(heads.toArray(new CompletableFuture<?>[0])).thenApply(done -> heads.stream()
                .flatMap(head -> head.join().stream())
                .map(entry -> Instant.ofEpochMilli(Long.parseLong(entry.getId().substring(0, entry.getId().indexOf('-')))))
                .min(Instant::compareTo));
    }

    /**
     * Deletes what this store keeps of a user besides the state of their likes, for a data-protection erasure: the
     * request IDs they sent (a bounded scan of every shard's request-ID hashes), their likes index and its versions
     * (Redis as the truth) and their rate-limit bucket. Withdraw the user's likes first (an unlike per like), which
     * takes them out of the status buckets, the likers indexes and the counts. Idempotent.
     *
     * @param userId the user, positive
     * @return a stage with the number of request IDs deleted
     * @throws IllegalArgumentException if {@code userId} is not positive
     */
    public CompletionStage<Long> eraseUser(long userId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be positive, but was " + userId);
        }
        String user = Long.toString(userId);
        List<CompletableFuture<Long>> parts = new ArrayList<>();
        for (int shard = 0; shard < keys.shards(); shard++) {
            String epochs = keys.requests(shard);
            parts.add(redis.call("HGET epoch", c -> c.hget(epochs, "e")).thenCompose(current -> {
                if (current == null) {
                    return CompletableFuture.completedFuture(0L);
                }
                long epoch = Long.parseLong(current);
                return eraseRequests(epochs + ':' + (epoch - 1), user, ScanCursor.INITIAL, 0)
                        .thenCompose(n -> eraseRequests(epochs + ':' + epoch, user, ScanCursor.INITIAL, n));
            }));
        }
        for (String key : List.of(keys.userLikes(userId), keys.userVersions(userId), keys.rateLimit(userId))) {
            parts.add(redis.call("DEL user key", c -> c.del(key)).thenApply(n -> 0L));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> parts.stream().mapToLong(CompletableFuture::join).sum());
    }

    /** Deletes the user's fields ("type:id:userId:requestId") of one request-ID hash, a page of HSCAN at a time. */
    private CompletableFuture<Long> eraseRequests(String key, String user, ScanCursor cursor, long deleted) {
        ScanArgs args = ScanArgs.Builder.matches("*:" + user + ":*").limit(1_000);
        return redis.call("HSCAN request IDs", c -> c.hscan(key, cursor, args)).thenCompose(page -> {
            List<String> mine = new ArrayList<>();
            for (String field : page.getMap().keySet()) {
                String[] parts = field.split(":", 4);
                if (parts.length == 4 && parts[2].equals(user)) {
                    mine.add(field);
                }
            }
            CompletableFuture<Long> removed = mine.isEmpty() ? CompletableFuture.completedFuture(0L)
                    : redis.call("HDEL request IDs", c -> c.hdel(key, mine.toArray(new String[0])));
            return removed.thenCompose(n -> page.isFinished()
                    ? CompletableFuture.completedFuture(deleted + n)
                    : eraseRequests(key, user, page, deleted + n));
        });
    }
}
