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
        Random random = new Random(seed);
        Map<String, Boolean> liked = new HashMap<>();
        Map<Long, Long> versions = new HashMap<>();
        Map<Long, Long> counts = new HashMap<>();
        List<LikeEvent> history = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            long user = 1 + random.nextInt(users);
            long content = 1 + random.nextInt(contents);
            boolean now = !liked.getOrDefault(user + "/" + content, false);
            liked.put(user + "/" + content, now);
            long version = versions.merge(content, 1L + random.nextInt(1_000), Long::sum);
            long count = counts.merge(content, now ? 1L : -1L, Long::sum);
            history.add(new LikeEvent(
                    "e" + i,
                    null,
                    user,
                    ContentRef.of("post", content),
                    now ? LikeAction.LIKE : LikeAction.UNLIKE,
                    Instant.ofEpochSecond(1_700_000_000L + i),
                    version,
                    count));
        }
        return history;
    }
}
