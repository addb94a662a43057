package dev.likes.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchApplierTest {

    private final List<String> deadLetters = new CopyOnWriteArrayList<>();
    private final List<List<String>> calls = new CopyOnWriteArrayList<>();
    private final AtomicBoolean live = new AtomicBoolean(true);
    private final ConsumerStats stats = new ConsumerStats();

    private static LikeEvent event(int n) {
        return new LikeEvent("e-" + n, null, n, ContentRef.of("post", n), LikeAction.LIKE,
                Instant.parse("2026-11-28T16:06:43Z"), n, 1);
    }

    private static List<LikeEvent> events(int n) {
        List<LikeEvent> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(event(i));
        }
        return out;
    }

    private BatchApplier<LikeEvent> applier(LikeEventSink sink, Duration sinkTimeout) {
        return new BatchApplier<>(sink, stats, sinkTimeout, failures -> 1, new BatchApplier.Deliveries<>() {
            @Override
            public LikeEvent event(LikeEvent delivery) {
                return delivery;
            }

            @Override
            public boolean live() {
                return live.get();
            }

            @Override
            public void pause(long millis) {
                ConsumerStats.pause(millis);
            }

            @Override
            public boolean deadLetter(LikeEvent delivery, String reason) {
                deadLetters.add(delivery.eventId() + ": " + reason);
                return true;
            }
        });
    }

    private CompletionStage<Void> record(List<LikeEvent> events) {
        List<String> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.eventId()));
        calls.add(ids);
        return CompletableFuture.completedFuture(null);
    }

    @Test
    void retriesTheSameBatchWhileTheSinkFails() {
        AtomicInteger failures = new AtomicInteger(3);
        LikeEventSink sink = events -> {
            if (failures.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }
            return record(events);
        };
        assertThat(applier(sink, Duration.ofSeconds(5)).apply(events(4))).isTrue();
        assertThat(calls).containsExactly(List.of("e-1", "e-2", "e-3", "e-4"));
        assertThat(stats.sinkFailures()).isEqualTo(3);
        assertThat(stats.failuresInARow()).as("the applier reports the run of failures").isEqualTo(3);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void splitsTheBatchToSetAsideWhatCanNeverBeStored() {
        LikeEventSink sink = events -> {
            if (events.stream().anyMatch(e -> e.eventId().equals("e-3"))) {
                return CompletableFuture.failedFuture(new UnstorableEventException("no room for e-3", null));
            }
            return record(events);
        };
        assertThat(applier(sink, Duration.ofSeconds(5)).apply(events(8))).isTrue();
        assertThat(deadLetters).containsExactly("e-3: the sink cannot store it: no room for e-3");
        List<String> applied = new ArrayList<>();
        calls.forEach(applied::addAll);
        assertThat(applied).as("the others, in order").containsExactly("e-1", "e-2", "e-4", "e-5", "e-6", "e-7",
                "e-8");
    }

    @Test
    void aSlowCallIsWaitedForBeforeTheNextTry() {
        CompletableFuture<Void> slow = new CompletableFuture<>();
        AtomicInteger tries = new AtomicInteger();
        LikeEventSink sink = events -> {
            if (tries.incrementAndGet() == 1) {
                CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)
                        .execute(() -> slow.completeExceptionally(new IllegalStateException("late failure")));
                return slow;
            }
            assertThat(slow).as("the first call ended before the second began").isDone();
            return record(events);
        };
        assertThat(applier(sink, Duration.ofMillis(50)).apply(events(2))).isTrue();
        assertThat(tries).hasValue(2);
        assertThat(calls).hasSize(1);
    }

    @Test
    void abandonsTheBatchOnceNotLive() {
        LikeEventSink sink = events -> {
            live.set(false);
            return CompletableFuture.failedFuture(new IllegalStateException("down"));
        };
        assertThat(applier(sink, Duration.ofSeconds(5)).apply(events(2))).isFalse();
        assertThat(deadLetters).isEmpty();
    }
}
