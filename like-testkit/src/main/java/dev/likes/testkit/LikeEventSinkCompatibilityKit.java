package dev.likes.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.core.UnstorableEventException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LikeEventSink} must pass: what the event consumers write into. To run a sink against it,
 * write a test class that extends this one and implements {@link #createSink()}, {@link #liked} and {@link #count}
 * (how the test reads what the sink holds).
 *
 * <p>The suite covers applying likes and unlikes, exact counts over many users and contents, idempotency
 * (redeliveries), order safety by version (any order and duplication of a history give the in-order result), erasure,
 * and batches delivered concurrently (a failed delivery is repeated, as the SPI asks of a caller). Users and contents are random 63-bit ids, new in every test, so a sink over a
 * shared database needs no cleaning between tests. Event times lie in 2026, which every SQL time type holds.
 */
public abstract class LikeEventSinkCompatibilityKit {

    /** The time of the first event of every test. */
    protected static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static final Duration HANG_GUARD = Duration.ofMinutes(2);

    /** The sink under test, fresh for each test. */
    protected LikeEventSink sink;

    private long nextVersion;
    private int nextEvent;

    /** Subclasses have a no-argument constructor. */
    protected LikeEventSinkCompatibilityKit() {}

    /**
     * Creates a sink for one test.
     *
     * @return the sink
     * @throws Exception if it cannot be created; the test then fails
     */
    protected abstract LikeEventSink createSink() throws Exception;

    /**
     * Disposes of a sink after its test. The default closes it if it is {@link AutoCloseable}.
     *
     * @param sink a sink from {@link #createSink()}
     * @throws Exception if disposal fails
     */
    protected void disposeSink(LikeEventSink sink) throws Exception {
        if (sink instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /**
     * Whether the sink holds the pair as liked.
     *
     * @param sink the sink
     * @param userId the user
     * @param content the content
     * @return the state the sink holds
     * @throws Exception if it cannot be read
     */
    protected abstract boolean liked(LikeEventSink sink, long userId, ContentRef content) throws Exception;

    /**
     * The count the sink holds for the content.
     *
     * @param sink the sink
     * @param content the content
     * @return the count
     * @throws Exception if it cannot be read
     */
    protected abstract long count(LikeEventSink sink, ContentRef content) throws Exception;

    @BeforeEach
    final void startKit() throws Exception {
        sink = createSink();
        nextVersion = 1_000;
        nextEvent = 0;
    }

    @AfterEach
    final void stopKit() throws Exception {
        disposeSink(sink);
    }

    // ---- helpers ----

    private static long randomId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private static ContentRef randomContent(String type) {
        return ContentRef.of(type, randomId());
    }

    private LikeEvent event(long userId, ContentRef content, LikeAction action) {
        long version = ++nextVersion;
        return new LikeEvent("kit-" + userId + "-" + (++nextEvent), null, userId, content, action,
                START.plusMillis(version), version, 0);
    }

    private void apply(List<LikeEvent> events) throws Exception {
        sink.apply(events).toCompletableFuture().get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
    }

    private void apply(LikeEvent... events) throws Exception {
        apply(List.of(events));
    }

    /** The in-order result of a history: the last action per pair, and the count per content. */
    private void assertInOrderResult(List<LikeEvent> history) throws Exception {
        Map<ContentRef, Map<Long, Boolean>> last = new HashMap<>();
        for (LikeEvent e : history) {
            last.computeIfAbsent(e.content(), c -> new HashMap<>()).put(e.userId(), e.action() == LikeAction.LIKE);
        }
        for (Map.Entry<ContentRef, Map<Long, Boolean>> content : last.entrySet()) {
            long expected = 0;
            for (Map.Entry<Long, Boolean> pair : content.getValue().entrySet()) {
                assertThat(liked(sink, pair.getKey(), content.getKey()))
                        .as("user %d on %s", pair.getKey(), content.getKey())
                        .isEqualTo(pair.getValue());
                expected += pair.getValue() ? 1 : 0;
            }
            assertThat(count(sink, content.getKey())).as("count of %s", content.getKey()).isEqualTo(expected);
        }
    }

    /**
     * Delivers a batch until the sink applies it, as a consumer does: a failed delivery (other than an unstorable
     * event, which this kit never sends) is repeated after a short pause, at most 50 times.
     */
    private void deliverUntilApplied(List<LikeEvent> batch) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                sink.apply(batch).toCompletableFuture().get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (attempt == 50 || e.getCause() instanceof UnstorableEventException) {
                    throw e;
                }
                Thread.sleep(ThreadLocalRandom.current().nextLong(5, 50));
            }
        }
    }

    @Nested
    @DisplayName("applying events")
    class Applying {

        @Test
        @DisplayName("a like, an unlike and a like again: the pair and the count follow the events")
        void likeUnlikeLike() throws Exception {
            long user = randomId();
            ContentRef post = randomContent("post");
            apply(event(user, post, LikeAction.LIKE));
            assertThat(liked(sink, user, post)).isTrue();
            assertThat(count(sink, post)).isEqualTo(1);
            apply(event(user, post, LikeAction.UNLIKE));
            assertThat(liked(sink, user, post)).isFalse();
            assertThat(count(sink, post)).isZero();
            apply(event(user, post, LikeAction.LIKE));
            assertThat(liked(sink, user, post)).isTrue();
            assertThat(count(sink, post)).isEqualTo(1);
        }

        @Test
        @DisplayName("one batch over many users and contents of two types: every pair and count is exact")
        void manyUsersAndContents() throws Exception {
            List<LikeEvent> history = EventHistory.randomIds(2_000, 300, 40, 11);
            for (int from = 0; from < history.size(); from += 500) {
                apply(history.subList(from, Math.min(history.size(), from + 500)));
            }
            assertInOrderResult(history);
        }
    }

    @Nested
    @DisplayName("idempotency and order")
    class IdempotencyAndOrder {

        @Test
        @DisplayName("a redelivered batch changes nothing")
        void redelivery() throws Exception {
            long user = randomId();
            ContentRef post = randomContent("post");
            List<LikeEvent> batch = List.of(event(user, post, LikeAction.LIKE),
                    event(randomId(), post, LikeAction.LIKE),
                    event(user, post, LikeAction.UNLIKE));
            apply(batch);
            apply(batch);
            apply(batch.subList(0, 1));
            assertThat(liked(sink, user, post)).isFalse();
            assertThat(count(sink, post)).isEqualTo(1);
        }

        @Test
        @DisplayName("an event older than the pair's newest, by version, changes nothing, in a later batch or the same")
        void olderEventsLose() throws Exception {
            long user = randomId();
            ContentRef post = randomContent("post");
            LikeEvent like = event(user, post, LikeAction.LIKE);
            LikeEvent unlike = event(user, post, LikeAction.UNLIKE);
            apply(unlike, like);
            assertThat(liked(sink, user, post)).isFalse();
            apply(like);
            assertThat(liked(sink, user, post)).isFalse();
            assertThat(count(sink, post)).isZero();
        }

        @Test
        @DisplayName("any order and any duplication of a history, in batches, give the in-order result")
        void anyOrder() throws Exception {
            Random random = new Random(7);
            List<LikeEvent> history = EventHistory.randomIds(1_500, 60, 6, 7);
            List<LikeEvent> delivered = new ArrayList<>(history);
            delivered.addAll(history.subList(0, 400));
            Collections.shuffle(delivered, random);
            for (int from = 0; from < delivered.size(); from += 150) {
                apply(delivered.subList(from, Math.min(delivered.size(), from + 150)));
            }
            assertInOrderResult(history);
        }
    }

    @Nested
    @DisplayName("erasure")
    class Erasure {

        @Test
        @DisplayName("an erase removes the pair whatever its version; the user's older events stay ignored")
        void erase() throws Exception {
            long user = randomId();
            long other = randomId();
            ContentRef post = randomContent("post");
            Instant t = START.plusSeconds(3_600);
            apply(new LikeEvent("a-" + user, null, user, post, LikeAction.LIKE, t, 5, 1),
                    new LikeEvent("b-" + user, null, other, post, LikeAction.LIKE, t, 6, 2));
            apply(new LikeEvent("e-" + user, null, user, post, LikeAction.ERASE, t.plusSeconds(10), 1, 1));
            assertThat(liked(sink, user, post)).isFalse();
            assertThat(count(sink, post)).isEqualTo(1);

            apply(new LikeEvent("late-" + user, null, user, post, LikeAction.LIKE, t.plusSeconds(5), 7, 2));
            assertThat(liked(sink, user, post)).as("an event from before the erasure").isFalse();
            assertThat(count(sink, post)).isEqualTo(1);

            apply(new LikeEvent("new-" + user, null, user, post, LikeAction.LIKE, t.plusSeconds(11), 8, 2));
            assertThat(liked(sink, user, post)).as("an event from after the erasure").isTrue();
            assertThat(count(sink, post)).isEqualTo(2);
            assertThat(liked(sink, other, post)).isTrue();
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {

        @Test
        @DisplayName("four threads deliver overlapping batches of one history at once: the in-order result")
        void overlappingDeliveries() throws Exception {
            // a batch that fails (a deadlock between the threads' transactions, say) is delivered again, as the SPI
            // asks of a caller
            List<LikeEvent> history = EventHistory.randomIds(2_000, 100, 8, 3);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    List<LikeEvent> mine = new ArrayList<>(history);
                    Collections.shuffle(mine, new Random(thread));
                    runs.add(pool.submit(() -> {
                        for (int from = 0; from < mine.size(); from += 200) {
                            deliverUntilApplied(mine.subList(from, Math.min(mine.size(), from + 200)));
                        }
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertInOrderResult(history);
        }
    }
}
