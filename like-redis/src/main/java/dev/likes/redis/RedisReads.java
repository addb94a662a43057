package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.FeedState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The reads of a {@link RedisLikeStore}: the liked flag, counts and feed pages, from the local count cache, then one
 * script call (or one {@code HMGET}), then, for contents Redis does not hold, what its {@link Tier} says. A content the
 * content filter rejects has no likes and costs no call. Thread-safe.
 */
final class RedisReads {

    private final Redis redis;
    private final Keys keys;
    private final ReadScript readScript;
    private final LocalCountCache localCountCache;
    private final Tier tier;
    private final @Nullable Predicate<ContentRef> contentFilter;

    RedisReads(Redis redis, Keys keys, ReadScript readScript, LocalCountCache localCountCache, Tier tier,
            @Nullable Predicate<ContentRef> contentFilter) {
        this.redis = redis;
        this.keys = keys;
        this.readScript = readScript;
        this.localCountCache = localCountCache;
        this.tier = tier;
        this.contentFilter = contentFilter;
    }

    boolean known(ContentRef content) {
        return contentFilter == null || contentFilter.test(content);
    }

    CompletableFuture<Boolean> hasLiked(long userId, ContentRef content) {
        if (!known(content)) {
            return CompletableFuture.completedFuture(false);
        }
        return readLiked(userId, content).thenCompose(liked -> liked != null
                ? CompletableFuture.completedFuture(liked)
                : tier.likedWhenMissing(userId, content, () -> readLiked(userId, content)));
    }

    /** True or false, or null when (with a backing store) the content's state is not in Redis. */
    private CompletableFuture<@Nullable Boolean> readLiked(long userId, ContentRef content) {
        return readScript.read(userId, List.of(content), List.of(Boolean.FALSE))
                .thenApply(reads -> reads.get(0).liked());
    }

    CompletableFuture<Long> count(ContentRef content) {
        if (!known(content)) {
            return CompletableFuture.completedFuture(0L);
        }
        Long cached = localCountCache.get(content);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return readCount(content).thenCompose(n -> n != null
                ? CompletableFuture.completedFuture(n)
                : tier.countWhenMissing(content));
    }

    /** The count in Redis (remembered locally), or null when Redis does not hold it. */
    private CompletableFuture<@Nullable Long> readCount(ContentRef content) {
        return redis.call("HMGET meta", c -> c.hmget(keys.main(content), "n", "v")).thenApply(values -> {
            String n = Redis.value(values.get(0));
            if (n == null) {
                return null; // not held, or being loaded
            }
            String v = Redis.value(values.get(1));
            long count = Long.parseLong(n);
            localCountCache.remember(content, count, v == null ? 0 : Long.parseLong(v));
            return count;
        });
    }

    CompletableFuture<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        Map<ContentRef, Long> counts = new HashMap<>(contents.size() * 2);
        Map<ContentRef, CompletableFuture<@Nullable Long>> reads = new HashMap<>();
        for (ContentRef content : contents) {
            Long cached = known(content) ? localCountCache.get(content) : Long.valueOf(0);
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
                if (n != null) {
                    counts.put(content, n);
                } else {
                    missing.add(content);
                }
            });
            return loadCounts(missing).thenApply(loaded -> {
                counts.putAll(loaded);
                return counts;
            });
        });
    }

    /** The counts of contents Redis does not hold (see {@link Tier}). */
    private CompletableFuture<Map<ContentRef, Long>> loadCounts(Set<ContentRef> missing) {
        if (missing.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return tier.countsWhenMissing(missing);
    }

    /** A page of the feed: liked flags, and the counts too if {@code withCounts}. */
    CompletableFuture<FeedState> feed(long userId, Set<ContentRef> contents, boolean withCounts) {
        Map<ContentRef, Long> counts = new HashMap<>(contents.size() * 2);
        List<ContentRef> asked = new ArrayList<>(contents.size());
        List<Boolean> wantCount = new ArrayList<>(contents.size());
        for (ContentRef content : contents) {
            if (!known(content)) {
                counts.put(content, 0L);
                continue;
            }
            Long cached = withCounts ? localCountCache.get(content) : null;
            if (cached != null) {
                counts.put(content, cached);
            }
            asked.add(content);
            wantCount.add(withCounts && cached == null);
        }
        if (asked.isEmpty()) {
            return CompletableFuture.completedFuture(new FeedState(counts, Set.of(), false));
        }
        return readScript.read(userId, asked, wantCount).thenCompose(reads -> {
            Set<ContentRef> liked = new HashSet<>();
            Set<ContentRef> notLoaded = new HashSet<>();
            Set<ContentRef> noCount = new HashSet<>();
            for (int i = 0; i < asked.size(); i++) {
                ContentRef content = asked.get(i);
                ReadScript.Read read = reads.get(i);
                if (read.liked() == null) {
                    notLoaded.add(content);
                } else if (read.liked()) {
                    liked.add(content);
                }
                if (withCounts && !counts.containsKey(content)) {
                    if (read.count() != null) {
                        counts.put(content, read.count());
                        localCountCache.remember(content, read.count(), read.version());
                    } else {
                        noCount.add(content);
                    }
                }
            }
            CompletableFuture<Set<ContentRef>> moreLiked = notLoaded.isEmpty()
                    ? CompletableFuture.completedFuture(Set.of())
                    : tier.likedAmongMissing(userId, notLoaded);
            return loadCounts(noCount).thenCombine(moreLiked, (loaded, more) -> {
                counts.putAll(loaded);
                liked.addAll(more);
                return new FeedState(withCounts ? counts : Map.of(), liked, false);
            });
        });
    }
}
