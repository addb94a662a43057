package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeService;
import dev.likes.core.RecordingEventPublisher;
import dev.likes.testsupport.TestServices;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transactional outbox: every applied change reaches the publisher once acknowledged, whatever fails between. */
class RedisOutboxIT {

    private static final ContentRef POST = ContentRef.of("post", 7);
    private static final ContentRef VIDEO = ContentRef.of("video", 8);

    private String prefix;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void setUp() {
        prefix = TestServices.uniqueName("outbox");
        admin = SharedClients.redis().connect();
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    private RedisLikeStore.Builder store(EventPublisher publisher) {
        return RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).outbox(publisher);
    }

    @Test
    void everyAppliedChangeIsRelayedOnceAndRemovedFromTheOutbox() {
        RecordingEventPublisher recorded = new RecordingEventPublisher();
        try (RedisLikeStore store = store(recorded).build(); LikeService service = LikeService.builder(store).build()) {
            for (long user = 1; user <= 300; user++) {
                service.like(user, user % 2 == 0 ? POST : VIDEO);
                service.like(user, user % 2 == 0 ? POST : VIDEO); // unchanged: no event
            }
            service.unlike(2, POST);
            await().atMost(Duration.ofSeconds(20)).until(() -> store.outboxBacklog().toCompletableFuture().join() == 0);
            assertThat(recorded.events()).hasSize(301);
            assertThat(recorded.events()).extracting(LikeEvent::eventId).doesNotHaveDuplicates();
            assertThat(admin.sync().keys(prefix + ":o:*")).as("empty outbox streams are deleted").isEmpty();
            assertThat(admin.sync().zcard(prefix + ":ob"))
                    .as("and leave the outbox index with them, long before a sweep (grace 10 s)").isZero();
            assertThat(store.outboxStats().published()).isEqualTo(301);
        }
    }

    @Test
    void entriesStayWhileThePublisherFailsAndTheSweeperRelaysThemLater() {
        Switchable publisher = new Switchable();
        publisher.failing.set(true);
        try (RedisLikeStore store = store(publisher).outboxSweep(Duration.ofHours(1), Duration.ZERO).build();
                LikeService service = LikeService.builder(store).build()) {
            for (long user = 1; user <= 200; user++) {
                service.like(user, POST);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> store.outboxStats().failures() >= 200); // the first sweep may also have failed
            assertThat(store.outboxBacklog().toCompletableFuture().join()).isEqualTo(200);
            assertThat(publisher.accepted).isEmpty();

            publisher.failing.set(false);
            assertThat(store.sweepOutbox().toCompletableFuture().join()).isEqualTo(200);
            assertThat(store.outboxBacklog().toCompletableFuture().join()).isZero();
            assertThat(publisher.accepted).extracting(LikeEvent::userId).hasSize(200).doesNotHaveDuplicates();
            assertInVersionOrder(new ArrayList<>(publisher.accepted));
        }
    }

    /**
     * A process that applied likes and died before its publishes were acknowledged: another instance's sweeper relays
     * every one of them, and none is lost.
     */
    @Test
    void anotherInstanceRelaysWhatADeadOneLeftBehind() {
        Hanging hanging = new Hanging();
        RedisLikeStore dead = store(hanging).outboxSweep(Duration.ofHours(1), Duration.ofHours(1)).build();
        LikeService deadService = LikeService.builder(dead).build();
        Set<Long> acknowledged = new HashSet<>();
        for (long user = 1; user <= 1_500; user++) {
            deadService.like(user, user % 3 == 0 ? VIDEO : POST);
            acknowledged.add(user);
        }
        // the process "dies": its publishes never complete, nothing was removed from the outbox
        assertThat(dead.outboxBacklog().toCompletableFuture().join()).isEqualTo(1_500);

        RecordingEventPublisher recorded = new RecordingEventPublisher();
        try (RedisLikeStore survivor = store(recorded).outboxSweep(Duration.ofMillis(50), Duration.ZERO).build()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> survivor.outboxBacklog().toCompletableFuture().join() == 0);
            assertThat(recorded.events()).extracting(LikeEvent::userId).containsExactlyInAnyOrderElementsOf(acknowledged);
            assertInVersionOrder(recorded.events());
            assertThat(survivor.outboxStats().swept()).isEqualTo(1_500);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.sync().zcard(prefix + ":ob"))
                    .as("the sweeper drops drained contents from the outbox index").isZero());
        } finally {
            deadService.close();
            hanging.release();
            dead.close();
        }
    }

    /** Group commit writes one outbox entry per script call, not one per like; the backlog still counts events. */
    @Test
    void concurrentLikesShareOneOutboxEntryPerBatchAndAPartlyFailedEntryStaysWhole() {
        Switchable publisher = new Switchable();
        publisher.failing.set(true);
        try (RedisLikeStore store = store(publisher).outboxSweep(Duration.ofHours(1), Duration.ZERO).build();
                LikeService service = LikeService.builder(store).build()) {
            List<CompletableFuture<?>> likes = new ArrayList<>();
            for (long user = 1; user <= 1_000; user++) {
                likes.add(service.async().like(user, POST).toCompletableFuture());
            }
            CompletableFuture.allOf(likes.toArray(new CompletableFuture<?>[0])).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> store.outboxStats().failures() >= 1_000);

            long entries = admin.sync().xlen(prefix + ":o:{post:7}");
            assertThat(entries).as("entries for 1,000 concurrent likes").isLessThan(1_000 / 4);
            assertThat(admin.sync().zscore(prefix + ":ob", "post:7")).as("indexed with the stream").isNotNull();
            assertThat(store.outboxBacklog().toCompletableFuture().join()).isEqualTo(1_000);

            publisher.failing.set(false);
            assertThat(store.sweepOutbox().toCompletableFuture().join()).isEqualTo(1_000);
            assertThat(publisher.accepted).extracting(LikeEvent::userId).hasSize(1_000).doesNotHaveDuplicates();
            assertInVersionOrder(new ArrayList<>(publisher.accepted));
            assertThat(admin.sync().exists(prefix + ":o:{post:7}")).isZero();
        }
    }

    /**
     * Entries of the earlier formats (written before an upgrade) are still relayed: one event per entry in named
     * fields, and one field per change whose value starts with its version and count.
     */
    @Test
    void theSweeperRelaysEntriesOfTheEarlierFormats() {
        RecordingEventPublisher recorded = new RecordingEventPublisher();
        String stream = prefix + ":o:{video:8}";
        Map<String, String> old = new java.util.LinkedHashMap<>();
        old.put("e", "evt-old-1");
        old.put("u", "42");
        old.put("a", "1");
        old.put("t", "1764345603123");
        old.put("v", "1764345603123456");
        old.put("n", "1");
        old.put("r", "click-1");
        admin.sync().xadd(stream, old);
        Map<String, String> versioned = new java.util.LinkedHashMap<>();
        versioned.put("1", "1764345603123460 2 1 1764345603124 43  evt-old-2");
        versioned.put("2", "1764345603123461 1 0 1764345603125 42 click-2 evt-old-3");
        admin.sync().xadd(stream, versioned);
        admin.sync().zadd(prefix + ":ob", 1, "video:8");
        try (RedisLikeStore store = store(recorded).outboxSweep(Duration.ofHours(1), Duration.ZERO).build()) {
            store.sweepOutbox().toCompletableFuture().join(); // or the sweep the store starts with relayed it first
            assertThat(store.outboxStats().swept()).isEqualTo(3);
            assertThat(recorded.events()).hasSize(3);
            assertThat(recorded.events().get(0)).satisfies(e -> {
                assertThat(e.eventId()).isEqualTo("evt-old-1");
                assertThat(e.userId()).isEqualTo(42);
                assertThat(e.content()).isEqualTo(VIDEO);
                assertThat(e.requestId()).isEqualTo("click-1");
                assertThat(e.version()).isEqualTo(1764345603123456L);
            });
            assertThat(recorded.events().get(1)).satisfies(e -> {
                assertThat(e.eventId()).isEqualTo("evt-old-2");
                assertThat(e.userId()).isEqualTo(43);
                assertThat(e.requestId()).isNull();
                assertThat(e.action()).isEqualTo(LikeAction.LIKE);
                assertThat(e.version()).isEqualTo(1764345603123460L);
                assertThat(e.count()).isEqualTo(2);
            });
            assertThat(recorded.events().get(2)).satisfies(e -> {
                assertThat(e.eventId()).isEqualTo("evt-old-3");
                assertThat(e.action()).isEqualTo(LikeAction.UNLIKE);
                assertThat(e.occurredAt()).isEqualTo(Instant.ofEpochMilli(1764345603125L));
                assertThat(e.version()).isEqualTo(1764345603123461L);
                assertThat(e.count()).isEqualTo(1);
            });
            assertThat(admin.sync().exists(stream)).isZero();
        }
    }

    /** An acknowledgement of more entries than Lua unpacks at once (about 8,000) still removes them all. */
    @Test
    void acknowledgementsOfThousandsOfEntriesOfOneStreamGoInOneCall() throws Exception {
        String index = prefix + ":ob";
        for (String script : List.of("outbox-ack-many", "outbox-ack")) {
            String stream = prefix + ":o:{post:" + script.length() + "}";
            String content = "post:" + script.length();
            List<String> ids = new ArrayList<>();
            var async = admin.async();
            List<CompletableFuture<String>> added = new ArrayList<>();
            for (int i = 0; i < 9_000; i++) {
                added.add(async.xadd(stream, Map.of("h", "1 0", "1", "1 1 " + i + "  e" + i)).toCompletableFuture());
            }
            for (CompletableFuture<String> id : added) {
                ids.add(id.get(30, TimeUnit.SECONDS));
            }
            admin.sync().zadd(index, 1, content);
            String lua;
            try (var in = RedisLikeStore.class.getResourceAsStream(script + ".lua")) {
                lua = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            List<String> args = new ArrayList<>();
            String[] scriptKeys;
            if (script.equals("outbox-ack-many")) {
                scriptKeys = new String[] {index, stream};
                args.add(Integer.toString(ids.size()));
                args.add(content);
            } else {
                scriptKeys = new String[] {stream};
            }
            args.addAll(ids);
            Long removed = admin.sync().eval(lua, io.lettuce.core.ScriptOutputType.INTEGER, scriptKeys,
                    args.toArray(new String[0]));
            assertThat(removed).as(script).isEqualTo(9_000);
            assertThat(admin.sync().exists(stream)).as(script).isZero();
            if (script.equals("outbox-ack-many")) {
                assertThat(admin.sync().zscore(index, content)).isNull();
            }
        }
    }

    @Test
    void evictIsRefusedWhileTheOutboxHoldsChangesAndReloadsFromTheBackingStoreAfter() {
        InMemoryLikeStore durable = InMemoryLikeStore.create();
        Switchable publisher = new Switchable();
        publisher.failing.set(true);
        try (RedisLikeStore store = store(publisher).backingStore(durable).outboxSweep(Duration.ofHours(1), Duration.ZERO)
                        .build();
                LikeService service = LikeService.builder(store).build()) {
            service.like(1, POST);
            assertThat(store.evict(POST).toCompletableFuture().join()).as("outbox not empty").isFalse();
            assertThat(service.count(POST)).isEqualTo(1);

            publisher.failing.set(false);
            store.sweepOutbox().toCompletableFuture().join();
            assertThat(store.evict(POST).toCompletableFuture().join()).isTrue();
            // the durable store never got the like (nothing consumes the events here): the reload shows its state
            assertThat(service.count(POST)).isZero();
        }
    }

    @Test
    void evictNeedsABackingStore() {
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).build()) {
            assertThatThrownBy(() -> store.evict(POST)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("backing store");
        }
    }

    @Test
    void rateLimiterLetsABurstThroughThenRefusesUntilRefilled() {
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).build()) {
            RedisRateLimiter limiter = RedisRateLimiter.on(store, 0.5, 5);
            for (int i = 0; i < 5; i++) {
                assertThat(limiter.acquire(42).toCompletableFuture().join()).isZero();
            }
            Duration wait = limiter.acquire(42).toCompletableFuture().join();
            assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(limiter.acquire(43).toCompletableFuture().join()).as("another user has a bucket of their own")
                    .isZero();
            assertThat(admin.sync().pttl(prefix + ":rl:{u:42}")).as("buckets expire").isPositive();
        }
    }

    @Test
    void rateLimiterRejectsBadArguments() {
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).build()) {
            assertThatThrownBy(() -> RedisRateLimiter.on(store, 0, 5)).hasMessageContaining("perSecond");
            assertThatThrownBy(() -> RedisRateLimiter.on(store, 1, 0)).hasMessageContaining("burst");
            assertThatThrownBy(() -> RedisRateLimiter.on(store, 1, 1).acquire(0)).hasMessageContaining("userId");
        }
    }

    private static void assertInVersionOrder(List<LikeEvent> events) {
        Map<ContentRef, Long> last = new HashMap<>();
        for (LikeEvent e : events) {
            Long before = last.put(e.content(), e.version());
            assertThat(before == null || before < e.version())
                    .as("events of %s in version order", e.content()).isTrue();
        }
    }

    /** Fails every publish while {@link #failing}; records what it accepted. */
    static final class Switchable implements EventPublisher {
        final AtomicBoolean failing = new AtomicBoolean();
        final ConcurrentLinkedQueue<LikeEvent> accepted = new ConcurrentLinkedQueue<>();

        @Override
        public CompletionStage<Void> publish(LikeEvent event) {
            if (failing.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException("broker down (test)"));
            }
            accepted.add(event);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Never completes a publish until released: a process that died before its broker answered. */
    static final class Hanging implements EventPublisher {
        private final CompletableFuture<Void> gate = new CompletableFuture<>();

        @Override
        public CompletionStage<Void> publish(LikeEvent event) {
            return gate.thenApply(x -> null).orTimeout(1, TimeUnit.HOURS).thenCompose(
                    x -> CompletableFuture.failedFuture(new IllegalStateException("released")));
        }

        void release() {
            gate.complete(null);
        }
    }
}
