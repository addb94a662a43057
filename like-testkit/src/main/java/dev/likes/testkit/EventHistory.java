package dev.likes.testkit;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Streams of like events as a like store emits them, for testing a {@code LikeEventSink} or a consumer: every event
 * is a real state change of its (user, content), versions strictly increase per content (in random steps), and the
 * final state is what {@code InMemoryEventSink} computes from the stream in order.
 */
public final class EventHistory {

    private EventHistory() {}

    /**
     * A random history, the same for the same arguments.
     *
     * @param events how many events
     * @param users users 1 to {@code users} act
     * @param contents on posts 1 to {@code contents}
     * @param seed the random seed
     * @return the events, in the order they happened
     */
    public static List<LikeEvent> random(int events, int users, int contents, long seed) {
        long[] userIds = new long[users];
        ContentRef[] refs = new ContentRef[contents];
        for (int i = 0; i < users; i++) {
            userIds[i] = i + 1;
        }
        for (int i = 0; i < contents; i++) {
            refs[i] = ContentRef.of("post", i + 1);
        }
        return history(events, userIds, refs, new Random(seed));
    }

    /**
     * A random history as {@link #random} makes, by users with random 63-bit ids over contents with random 63-bit
     * ids, half of them posts and half comments: the ids large feeds have, and new ones on every call (so that tests
     * on a shared database do not meet each other's data). The order of the actions is the same for the same seed.
     *
     * @param events how many events
     * @param users how many users act
     * @param contents on how many contents
     * @param seed the random seed of the actions
     * @return the events, in the order they happened
     */
    public static List<LikeEvent> randomIds(int events, int users, int contents, long seed) {
        ThreadLocalRandom ids = ThreadLocalRandom.current();
        long[] userIds = new long[users];
        ContentRef[] refs = new ContentRef[contents];
        for (int i = 0; i < users; i++) {
            userIds[i] = ids.nextLong(1, Long.MAX_VALUE);
        }
        for (int i = 0; i < contents; i++) {
            refs[i] = ContentRef.of(i % 2 == 0 ? "post" : "comment", ids.nextLong(1, Long.MAX_VALUE));
        }
        return history(events, userIds, refs, new Random(seed));
    }

    private static List<LikeEvent> history(int events, long[] users, ContentRef[] contents, Random random) {
        Map<String, Boolean> liked = new HashMap<>();
        Map<ContentRef, Long> versions = new HashMap<>();
        Map<ContentRef, Long> counts = new HashMap<>();
        List<LikeEvent> history = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            long user = users[random.nextInt(users.length)];
            ContentRef content = contents[random.nextInt(contents.length)];
            boolean now = !liked.getOrDefault(user + "/" + content, false);
            liked.put(user + "/" + content, now);
            long version = versions.merge(content, 1L + random.nextInt(1_000), Long::sum);
            long count = counts.merge(content, now ? 1L : -1L, Long::sum);
            history.add(new LikeEvent(
                    "e" + i,
                    null,
                    user,
                    content,
                    now ? LikeAction.LIKE : LikeAction.UNLIKE,
                    Instant.ofEpochSecond(1_700_000_000L + i),
                    version,
                    count));
        }
        return history;
    }
}
