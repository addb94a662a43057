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

/** What the in-memory sink adds to the sink contract ({@link InMemoryEventSinkCompatibilityTest}): its counters. */
class InMemoryEventSinkTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    private static LikeEvent event(long user, LikeAction action, long version) {
        return new LikeEvent("e" + version, null, user, POST, action, Instant.EPOCH, version, 0);
    }

    @Test
    void deliveredCountsEveryEventAndAppliedOnlyThoseThatChangedSomething() {
        InMemoryEventSink sink = new InMemoryEventSink();
        sink.apply(List.of(event(1, LikeAction.LIKE, 1), event(1, LikeAction.UNLIKE, 2)));
        sink.apply(List.of(event(1, LikeAction.LIKE, 1), event(1, LikeAction.UNLIKE, 2), event(1, LikeAction.LIKE, 1)));

        assertThat(sink.liked(1, POST)).isFalse();
        assertThat(sink.count(POST)).isZero();
        assertThat(sink.applied()).isEqualTo(2);
        assertThat(sink.delivered()).isEqualTo(5);
    }
}
