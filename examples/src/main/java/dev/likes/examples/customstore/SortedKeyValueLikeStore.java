package dev.likes.examples.customstore;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeResult.Status;
import dev.likes.core.LikeStore;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link LikeStore} over one ordered map of string keys, laid out as one would in an ordered key-value database:
 *
 * <pre>
 * s|type|id|user                     -> like time (ms)        who likes what
 * c|type|id                          -> count,version         the counter row
 * l|type|id|~time|~user              -> user,time             likers, newest first by key order
 * u|user|~time|~type|~id             -> type:id,time          a user's likes, newest first by key order
 * r|type|id|user|requestId          -> expiry (ms)           request IDs seen
 * </pre>
 *
 * {@code ~} marks an inverted, fixed-width field, so that ascending key order is the newest-first listing order and a
 * page is one range scan starting after the previous page's last key. Writes to one content are serialised by one of
 * 64 striped locks (the database's row lock or transaction in a real backend). Thread-safe.
 */
public final class SortedKeyValueLikeStore implements LikeStore {

    private static final int STRIPES = 64;
    private static final String END = "\uffff";

    private final NavigableMap<String, String> kv = new ConcurrentSkipListMap<>();
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final long requestIdTtlMillis;

    /**
     * Creates an empty store.
     *
     * @param requestIdTtl how long a request ID is remembered
     */
    public SortedKeyValueLikeStore(Duration requestIdTtl) {
        this.requestIdTtlMillis = requestIdTtl.toMillis();
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation m) {
        ContentRef content = m.content();
        ReentrantLock lock = locks[Math.floorMod(content.hashCode(), STRIPES)];
        lock.lock();
        try {
            long[] counter = counter(content);
            String stateKey = stateKey(content, m.userId());
            String previous = kv.get(stateKey);
            if (m.requestId() != null && !claim(m)) {
                return done(new LikeResult(Status.DUPLICATE_REQUEST, previous != null, counter[0], counter[1]));
            }
            boolean like = m.action() == LikeAction.LIKE;
            if ((previous != null) == like) {
                return done(new LikeResult(Status.UNCHANGED, like, counter[0], counter[1]));
            }
            if (like) {
                long at = m.at().toEpochMilli();
                kv.put(stateKey, Long.toString(at));
                kv.put(likerKey(content, at, m.userId()), m.userId() + "," + at);
                kv.put(userLikeKey(m.userId(), at, content), content + "," + at);
                counter[0]++;
            } else {
                long at = Long.parseLong(previous);
                kv.remove(stateKey);
                kv.remove(likerKey(content, at, m.userId()));
                kv.remove(userLikeKey(m.userId(), at, content));
                counter[0]--;
            }
            counter[1]++;
            kv.put(counterKey(content), counter[0] + "," + counter[1]);
            return done(new LikeResult(Status.APPLIED, like, counter[0], counter[1]));
        } finally {
            lock.unlock();
        }
    }

    /** Takes a (user, content, request ID) unless it is held and unexpired; atomic through the map's compare-and-set. */
    private boolean claim(LikeMutation m) {
        String key = "r|" + contentKey(m.content()) + '|' + pad(m.userId()) + '|' + m.requestId();
        long now = m.at().toEpochMilli();
        String expiry = Long.toString(now + requestIdTtlMillis);
        String held = kv.putIfAbsent(key, expiry);
        return held == null || (Long.parseLong(held) <= now && kv.replace(key, held, expiry));
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        return done(kv.containsKey(stateKey(content, userId)));
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        return done(counter(content)[0]);
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        Map<ContentRef, Long> counts = new HashMap<>();
        contents.forEach(content -> counts.put(content, counter(content)[0]));
        return done(counts);
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        Set<ContentRef> liked = new HashSet<>();
        contents.stream().filter(c -> kv.containsKey(stateKey(c, userId))).forEach(liked::add);
        return done(liked);
    }

    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, Liker after, int limit) {
        String prefix = "l|" + contentKey(content) + '|';
        String from = after == null ? prefix : likerKey(content, after.likedAt().toEpochMilli(), after.userId());
        List<Liker> page = new ArrayList<>();
        for (String value : kv.subMap(from, after == null, prefix + END, false).values()) {
            if (page.size() == limit) {
                break;
            }
            String[] parts = value.split(",");
            page.add(new Liker(Long.parseLong(parts[0]), Instant.ofEpochMilli(Long.parseLong(parts[1]))));
        }
        return done(page);
    }

    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, String contentType, UserLike after, int limit) {
        String prefix = "u|" + pad(userId) + '|';
        String from = after == null
                ? prefix
                : userLikeKey(userId, after.likedAt().toEpochMilli(), after.content());
        List<UserLike> page = new ArrayList<>();
        for (String value : kv.subMap(from, after == null, prefix + END, false).values()) {
            if (page.size() == limit) {
                break;
            }
            String[] parts = value.split(",");
            ContentRef content = ContentRef.parse(parts[0]);
            if (contentType == null || content.type().equals(contentType)) {
                page.add(new UserLike(content, Instant.ofEpochMilli(Long.parseLong(parts[1]))));
            }
        }
        return done(page);
    }

    private long[] counter(ContentRef content) {
        String value = kv.get(counterKey(content));
        if (value == null) {
            return new long[] {0, 0};
        }
        int comma = value.indexOf(',');
        return new long[] {Long.parseLong(value.substring(0, comma)), Long.parseLong(value.substring(comma + 1))};
    }

    private static String contentKey(ContentRef content) {
        return content.type() + '|' + pad(content.id());
    }

    private static String counterKey(ContentRef content) {
        return "c|" + contentKey(content);
    }

    private static String stateKey(ContentRef content, long userId) {
        return "s|" + contentKey(content) + '|' + pad(userId);
    }

    private static String likerKey(ContentRef content, long atMillis, long userId) {
        return "l|" + contentKey(content) + '|' + inverted(atMillis) + '|' + inverted(userId);
    }

    private static String userLikeKey(long userId, long atMillis, ContentRef content) {
        return "u|" + pad(userId) + '|' + inverted(atMillis) + '|' + invertedType(content.type()) + '|'
                + inverted(content.id());
    }

    private static String pad(long value) {
        return String.format("%019d", value);
    }

    /** Fixed width and reversed, so that ascending keys list larger numbers first. */
    private static String inverted(long value) {
        return pad(Long.MAX_VALUE - value);
    }

    /** Padded with the lowest printable character, then each character mirrored, so that ascending is descending. */
    private static String invertedType(String type) {
        StringBuilder out = new StringBuilder(ContentRef.MAX_TYPE_LENGTH);
        for (int i = 0; i < ContentRef.MAX_TYPE_LENGTH; i++) {
            char c = i < type.length() ? type.charAt(i) : '!';
            out.append((char) ('~' - c + '!'));
        }
        return out.toString();
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
