package dev.likes.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.likes.core.ContentRef;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The optional in-process cache of counts in front of Redis (Caffeine). It keeps the newest count seen through this
 * store: an answer with an older version never replaces a newer one, so this process's own writes show at once.
 * Thread-safe; when disabled every lookup misses and nothing is counted.
 */
final class LocalCountCache {

    private final @Nullable Cache<ContentRef, Counted> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** A cache, or a disabled one when {@code ttl} is null. */
    LocalCountCache(@Nullable Duration ttl, long maxContents) {
        this.cache = ttl == null
                ? null
                : Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxContents).build();
    }

    /** The cached count, or null. */
    @Nullable Long get(ContentRef content) {
        if (cache == null) {
            return null;
        }
        Counted counted = cache.getIfPresent(content);
        if (counted == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        return counted.count;
    }

    void remember(ContentRef content, long count, long version) {
        if (cache != null) {
            cache.asMap().merge(content, new Counted(count, version), (old, now) -> now.version >= old.version ? now : old);
        }
    }

    /** The cached count without counting a hit or miss, or null. */
    @Nullable Long peek(ContentRef content) {
        Counted counted = cache == null ? null : cache.getIfPresent(content);
        return counted == null ? null : counted.count;
    }

    void forget(ContentRef content) {
        if (cache != null) {
            cache.invalidate(content);
        }
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    private record Counted(long count, long version) {}
}
