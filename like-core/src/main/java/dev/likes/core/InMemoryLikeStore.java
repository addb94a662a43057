package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LikeStore} in the JVM's heap: for unit tests, demos and single-process apps. Nothing survives the object.
 *
 * <p><b>Guarantees.</b> Thread-safe and linearizable per (user, content): a content's state, count and version change
 * together under that content's lock, so concurrent likes on one content are applied one at a time and contents do not
 * contend with each other. Reads of a state or a count take no lock. Every stage it returns is already complete.
 *
 * <p><b>Costs.</b> {@code hasLiked} and {@code count} are O(1); {@code like} and {@code unlike} are O(1) for the state
 * and the count plus O(log n) to keep the newest-first listing indexes; a listing page is O(log n + page size), or
 * longer with a content type filter over a user who likes many contents of other types.
 *
 * <p>Request IDs are kept for {@link Builder#requestIdTtl(Duration)}, measured by the mutations' own times (so an
 * injected clock drives expiry), and dropped lazily as later mutations arrive.
 */
public final class InMemoryLikeStore implements LikeStore {

    /** How long request IDs are remembered unless configured: 24 hours. */
    public static final Duration DEFAULT_REQUEST_ID_TTL = Duration.ofHours(24);

    private final long requestIdTtlMillis;
    private final ConcurrentHashMap<ContentRef, ContentState> contents = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, NavigableSet<UserLike>> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RequestKey, Long> requestExpiry = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Claim> claims = new ConcurrentLinkedQueue<>();
    private final ReentrantLock expiring = new ReentrantLock();

    private InMemoryLikeStore(Builder builder) {
        this.requestIdTtlMillis = builder.requestIdTtl.toMillis();
    }

    /**
     * An empty store with default settings.
     *
     * @return the store
     */
    public static InMemoryLikeStore create() {
        return builder().build();
    }

    /**
     * A builder for a store with non-default settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        if (mutation.requestId() != null
                && !claim(new RequestKey(mutation.userId(), mutation.content(), mutation.requestId()), mutation.at())) {
            return CompletableFuture.completedFuture(current(mutation.userId(), mutation.content()));
        }
        ContentState state = contents.computeIfAbsent(mutation.content(), c -> new ContentState());
        synchronized (state) {
            return CompletableFuture.completedFuture(state.apply(mutation, userIndex(mutation.userId())));
        }
    }

    private LikeResult current(long userId, ContentRef content) {
        ContentState state = contents.get(content);
        if (state == null) {
            return new LikeResult(LikeResult.Status.DUPLICATE_REQUEST, false, 0, 0);
        }
        synchronized (state) {
            return new LikeResult(
                    LikeResult.Status.DUPLICATE_REQUEST, state.likedAt.containsKey(userId), state.count, state.version);
        }
    }

    private NavigableSet<UserLike> userIndex(long userId) {
        return byUser.computeIfAbsent(userId, id -> new ConcurrentSkipListSet<>(UserLike.NEWEST_FIRST));
    }

    /** Claims a request ID; {@code false} if it is held and not yet expired. */
    private boolean claim(RequestKey key, Instant at) {
        long now = at.toEpochMilli();
        expire(now);
        long expiresAt = now + requestIdTtlMillis;
        Long held = requestExpiry.putIfAbsent(key, expiresAt);
        if (held != null && (held > now || !requestExpiry.replace(key, held, expiresAt))) {
            return false;
        }
        claims.add(new Claim(key, expiresAt));
        return true;
    }

    private void expire(long now) {
        if (!expiring.tryLock()) {
            return; // another thread is already sweeping
        }
        try {
            Claim head;
            while ((head = claims.peek()) != null && head.expiresAt <= now) {
                claims.poll();
                requestExpiry.remove(head.key, head.expiresAt);
            }
        } finally {
            expiring.unlock();
        }
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        ContentState state = contents.get(content);
        return CompletableFuture.completedFuture(state != null && state.likedAt.containsKey(userId));
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        ContentState state = contents.get(content);
        return CompletableFuture.completedFuture(state == null ? 0L : state.count);
    }

    @Override
    public CompletionStage<Long> version(ContentRef content) {
        ContentState state = contents.get(content);
        return CompletableFuture.completedFuture(state == null ? 0L : state.version);
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> batch) {
        Map<ContentRef, Long> counts = new HashMap<>(batch.size() * 2);
        for (ContentRef content : batch) {
            ContentState state = contents.get(content);
            counts.put(content, state == null ? 0L : state.count);
        }
        return CompletableFuture.completedFuture(counts);
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> batch) {
        Set<ContentRef> liked = new HashSet<>();
        for (ContentRef content : batch) {
            ContentState state = contents.get(content);
            if (state != null && state.likedAt.containsKey(userId)) {
                liked.add(content);
            }
        }
        return CompletableFuture.completedFuture(liked);
    }

    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
        ContentState state = contents.get(content);
        List<Liker> page = new ArrayList<>(Math.min(limit, 64));
        if (state != null) {
            synchronized (state) {
                take(after == null ? state.index : state.index.tailSet(after, false), null, limit, page);
            }
        }
        return CompletableFuture.completedFuture(page);
    }

    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        NavigableSet<UserLike> index = byUser.get(userId);
        List<UserLike> page = new ArrayList<>(Math.min(limit, 64));
        if (index != null) {
            take(after == null ? index : index.tailSet(after, false), contentType, limit, page);
        }
        return CompletableFuture.completedFuture(page);
    }

    private static <T> void take(Iterable<T> from, @Nullable String contentType, int limit, List<T> into) {
        for (T item : from) {
            if (into.size() == limit) {
                return;
            }
            if (contentType == null || ((UserLike) item).content().type().equals(contentType)) {
                into.add(item);
            }
        }
    }

    /** One content's likers, count and version; guarded by its own monitor, except the lock-free reads. */
    private static final class ContentState {
        final ConcurrentHashMap<Long, Instant> likedAt = new ConcurrentHashMap<>();
        final TreeSet<Liker> index = new TreeSet<>(Liker.NEWEST_FIRST);
        volatile long count;
        volatile long version;

        LikeResult apply(LikeMutation m, NavigableSet<UserLike> userIndex) {
            Instant previous = likedAt.get(m.userId());
            boolean like = m.action() == LikeAction.LIKE;
            if ((previous != null) == like) {
                return new LikeResult(LikeResult.Status.UNCHANGED, like, count, version);
            }
            if (like) {
                likedAt.put(m.userId(), m.at());
                index.add(new Liker(m.userId(), m.at()));
                userIndex.add(new UserLike(m.content(), m.at()));
                count++;
            } else if (previous != null) {
                likedAt.remove(m.userId());
                index.remove(new Liker(m.userId(), previous));
                userIndex.remove(new UserLike(m.content(), previous));
                count--;
            }
            version++;
            return new LikeResult(LikeResult.Status.APPLIED, like, count, version);
        }
    }

    private record RequestKey(long userId, ContentRef content, @Nullable String requestId) {}

    private record Claim(RequestKey key, long expiresAt) {}

    /** Configures an {@link InMemoryLikeStore}. Not thread-safe. */
    public static final class Builder {

        private Duration requestIdTtl = DEFAULT_REQUEST_ID_TTL;

        private Builder() {}

        /**
         * How long a (user, content, request ID) is remembered, so that a retry within it is not applied again. Default
         * {@link #DEFAULT_REQUEST_ID_TTL}.
         *
         * @param ttl a positive duration of at least one millisecond
         * @return this builder
         * @throws IllegalArgumentException if {@code ttl} is shorter than one millisecond
         */
        public Builder requestIdTtl(Duration ttl) {
            Args.notNull("requestIdTtl", ttl);
            if (ttl.toMillis() < 1) {
                throw new IllegalArgumentException("requestIdTtl must be at least 1 ms, but was " + ttl);
            }
            this.requestIdTtl = ttl;
            return this;
        }

        /**
         * Builds the store.
         *
         * @return a new, empty store
         */
        public InMemoryLikeStore build() {
            return new InMemoryLikeStore(this);
        }
    }
}
