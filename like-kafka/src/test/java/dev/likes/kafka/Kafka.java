package dev.likes.kafka;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.testsupport.TestServices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Test helpers: topics of the test's own and streams of events with a known final state. */
final class Kafka {

    private Kafka() {}

    static String newTopic(int partitions) {
        String topic = TestServices.uniqueName("likes");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap()))) {
            LikeTopics.createIfAbsent(admin, topic, partitions, (short) 1, LikeTopics.DEFAULT_RETENTION);
            LikeTopics.createIfAbsent(admin, topic + ".dlq", 1, (short) 1, LikeTopics.DEFAULT_RETENTION);
        }
        return topic;
    }

    /**
     * Random likes and unlikes of {@code users} users on {@code contents} posts, as a like store would emit them: per
     * content, versions increase; every event is a real state change of its (user, content).
     */
    static List<LikeEvent> history(int events, int users, int contents, long seed) {
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
            long version = versions.merge(content, 1L, Long::sum);
            long count = counts.merge(content, now ? 1L : -1L, Long::sum);
            history.add(new LikeEvent("e" + i, null, user, ContentRef.of("post", content),
                    now ? LikeAction.LIKE : LikeAction.UNLIKE, Instant.ofEpochMilli(1_700_000_000_000L + i), version, count));
        }
        return history;
    }
}
