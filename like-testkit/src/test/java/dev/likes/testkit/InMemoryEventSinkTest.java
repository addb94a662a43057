package dev.likes.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InMemoryEventSinkTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    private static LikeEvent event(long user, LikeAction action, long version) {
        return new LikeEvent("e" + version, null, user, POST, action, Instant.EPOCH, version, 0);
    }

    @Test
    void anEraseRemovesThePairWhateverItsVersionAndOlderEventsOfTheUserStayIgnored() {
        InMemoryEventSink sink = new InMemoryEventSink();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        sink.apply(List.of(new LikeEvent("a", null, 1, POST, LikeAction.LIKE, t, 5, 1),
                new LikeEvent("b", null, 2, POST, LikeAction.LIKE, t, 6, 2)));
        sink.apply(List.of(new LikeEvent("e", null, 1, POST, LikeAction.ERASE, t.plusSeconds(10), 1, 1)));
        sink.apply(List.of(new LikeEvent("late", null, 1, POST, LikeAction.LIKE, t.plusSeconds(5), 7, 2)));

        assertThat(sink.liked(1, POST)).isFalse();
        assertThat(sink.version(1, POST)).isZero();
        assertThat(sink.count(POST)).isEqualTo(1);
        sink.apply(List.of(new LikeEvent("new", null, 1, POST, LikeAction.LIKE, t.plusSeconds(11), 8, 2)));
        assertThat(sink.liked(1, POST)).isTrue();
        assertThat(sink.count(POST)).isEqualTo(2);
    }

    @Test
    void redeliveredAndStaleEventsChangeNothing() {
        InMemoryEventSink sink = new InMemoryEventSink();
        sink.apply(List.of(event(1, LikeAction.LIKE, 1), event(1, LikeAction.UNLIKE, 2)));
        sink.apply(List.of(event(1, LikeAction.LIKE, 1), event(1, LikeAction.UNLIKE, 2), event(1, LikeAction.LIKE, 1)));

        assertThat(sink.liked(1, POST)).isFalse();
        assertThat(sink.count(POST)).isZero();
        assertThat(sink.applied()).isEqualTo(2);
        assertThat(sink.delivered()).isEqualTo(5);
    }

    @Test
    void anyOrderAndAnyDuplicationGiveTheInOrderResult() {
        List<LikeEvent> history = new ArrayList<>();
        Random random = new Random(7);
        boolean[] liked = new boolean[50];
        for (long version = 1; version <= 2_000; version++) {
            int user = random.nextInt(50);
            liked[user] = !liked[user];
            history.add(event(user + 1, liked[user] ? LikeAction.LIKE : LikeAction.UNLIKE, version));
        }
        List<LikeEvent> delivered = new ArrayList<>(history);
        delivered.addAll(history.subList(0, 500));
        Collections.shuffle(delivered, random);
        InMemoryEventSink sink = new InMemoryEventSink();
        for (int i = 0; i < delivered.size(); i += 100) {
            sink.apply(delivered.subList(i, Math.min(delivered.size(), i + 100)));
        }

        long expected = 0;
        for (int user = 0; user < 50; user++) {
            assertThat(sink.liked(user + 1, POST)).isEqualTo(liked[user]);
            expected += liked[user] ? 1 : 0;
        }
        assertThat(sink.count(POST)).isEqualTo(expected);
    }
}
