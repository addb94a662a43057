package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeService;
import dev.likes.testkit.RecordingEventPublisher;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
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
            await().atMost(Duration.ofSeconds(20)).until(() -> store.policy().outboxBacklog().toCompletableFuture().join() == 0);
            assertThat(recorded.events()).hasSize(301);
            assertThat(recorded.events()).extracting(LikeEvent::eventId).doesNotHaveDuplicates();
            assertThat(admin.sync().keys(prefix + ":o:*").stream().mapToLong(admin.sync()::xlen).sum())
                    .as("acknowledged entries are removed long before a sweep (grace 10 s)").isZero();
            assertThat(admin.sync().keys(prefix + ":o:*")).as("at most one outbox stream per shard")
                    .hasSizeLessThanOrEqualTo(RedisLikeStore.DEFAULT_SHARDS);
            assertThat(store.policy().outboxStats().published()).isEqualTo(301);
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
            await().atMost(Duration.ofSeconds(10)).until(() -> store.policy().outboxStats().failures() >= 200); // the first sweep may also have failed
            assertThat(store.policy().outboxBacklog().toCompletableFuture().join()).isEqualTo(200);
            assertThat(publisher.accepted).isEmpty();

            publisher.failing.set(false);
            assertThat(store.policy().sweepOutbox().toCompletableFuture().join()).isEqualTo(200);
            assertThat(store.policy().outboxBacklog().toCompletableFuture().join()).isZero();
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
        assertThat(dead.policy().outboxBacklog().toCompletableFuture().join()).isEqualTo(1_500);

        RecordingEventPublisher recorded = new RecordingEventPublisher();
        try (RedisLikeStore survivor = store(recorded).outboxSweep(Duration.ofMillis(50), Duration.ZERO).build()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> survivor.policy().outboxBacklog().toCompletableFuture().join() == 0);
            assertThat(recorded.events()).extracting(LikeEvent::userId).containsExactlyInAnyOrderElementsOf(acknowledged);
            assertInVersionOrder(recorded.events());
            assertThat(survivor.policy().outboxStats().swept()).isEqualTo(1_500);
        } finally {
            deadService.close();
            hanging.release();
            dead.close();
        }
    }

    /**
     * Three processes share the sweep of a backlog of 100,000 entries across the shards: every event is published at
     * least once, and, since one process at a time sweeps a shard (its lease), none twice.
     */
    @Test
    void threeProcessesShareTheSweepOfABacklogWithoutRepublishingIt() throws Exception {
        int entries = 100_000;
        Switchable down = new Switchable();
        down.failing.set(true);
        try (RedisLikeStore writer = store(down).maxBatchSize(1).outboxSweep(Duration.ofHours(1), Duration.ofHours(1))
                .build()) {
            List<CompletableFuture<?>> applied = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                applied.add(writer.apply(new LikeMutation("e" + i, 1 + i, ContentRef.of("post", 1 + i % 5_000),
                        LikeAction.LIKE, null, Instant.now())).toCompletableFuture());
                if (applied.size() == 1_000) {
                    CompletableFuture.allOf(applied.toArray(new CompletableFuture<?>[0])).join();
                    applied.clear();
                }
            }
            CompletableFuture.allOf(applied.toArray(new CompletableFuture<?>[0])).join();
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.policy().outboxStats().failures() >= entries);
        }
        List<RedisClient> clients = new ArrayList<>();
        List<RecordingEventPublisher> publishers = new ArrayList<>();
        List<RedisLikeStore> relays = new ArrayList<>();
        try {
            for (int p = 0; p < 3; p++) {
                RedisClient client = RedisClient.create(TestServices.redisUri());
                clients.add(client);
                RecordingEventPublisher publisher = new RecordingEventPublisher();
                publishers.add(publisher);
                relays.add(RedisLikeStore.builder(client).keyPrefix(prefix).outbox(publisher)
                        .outboxSweep(Duration.ofMillis(20), Duration.ZERO).build());
            }
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> relays.get(0).policy().outboxBacklog().toCompletableFuture().join() == 0);
            Map<String, Integer> times = new HashMap<>();
            publishers.forEach(p -> p.events().forEach(e -> times.merge(e.eventId(), 1, Integer::sum)));
            long republished = times.values().stream().filter(n -> n > 1).count();
            System.out.printf("three relays: %,d events, swept %s, republished %d%n", times.size(),
                    relays.stream().map(r -> Long.toString(r.policy().outboxStats().swept())).toList(), republished);
            assertThat(times).as("every event published").hasSize(entries);
            assertThat(republished).as("events published more than once").isZero();
        } finally {
            relays.forEach(RedisLikeStore::close);
            clients.forEach(RedisClient::shutdown);
        }
    }

    /** Group commit writes one outbox entry per script call, not one per like; the backlog still counts events. */
    @Test
    void theStoresMetersCountItsWorkOnTheHostsRegistryAndLeaveWithIt() {
        RecordingEventPublisher recorded = new RecordingEventPublisher();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisLikeStore store = store(recorded).localCountCache(Duration.ofSeconds(5), 1_000)
                        .meterRegistry(registry, Tags.of("store", "feed")).build();
                LikeService service = LikeService.builder(store).build()) {
            for (long user = 1; user <= 20; user++) {
                service.like(user, POST);
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> store.policy().outboxBacklog().toCompletableFuture().join() == 0);
            service.count(POST);
            service.count(POST);
            assertThat(registry.get("likes.outbox.relayed").tags("store", "feed", "path", "fast").functionCounter()
                    .count()).isEqualTo(store.policy().outboxStats().published()).isEqualTo(20);
            assertThat(registry.get("likes.local.cache.requests").tags("result", "hit").functionCounter().count())
                    .isEqualTo(store.policy().localCountCacheHits()).isPositive();
            assertThat(registry.get("likes.outbox.inflight").gauge().value()).isZero();
            assertThat(registry.get("likes.backing.store.loads").functionCounter().count()).isZero();
        }
        assertThat(registry.getMeters()).as("closing the store removes its meters").isEmpty();
    }

    @Test
    void closeReleasesTheSweepLeasesItHolds() throws InterruptedException {
        RecordingEventPublisher recorded = new RecordingEventPublisher();
        for (int round = 0; round < 40; round++) {
            RedisLikeStore store = store(recorded).outboxSweep(Duration.ofMillis(10), Duration.ZERO).build();
            Thread.sleep(round % 15); // closes at every point of a sweep: taking, holding, releasing a lease
            store.close();
            assertThat(admin.sync().keys(prefix + ":ol:*")).as("sweep leases left after close, round %d", round)
                    .isEmpty();
        }
    }

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
            await().atMost(Duration.ofSeconds(10)).until(() -> store.policy().outboxStats().failures() >= 1_000);

            String stream = store.keys().outbox(store.keys().shard(POST));
            long entries = admin.sync().xlen(stream);
            assertThat(entries).as("entries for 1,000 concurrent likes").isLessThan(1_000 / 4);
            assertThat(store.policy().outboxBacklog().toCompletableFuture().join()).isEqualTo(1_000);

            publisher.failing.set(false);
            assertThat(store.policy().sweepOutbox().toCompletableFuture().join()).isEqualTo(1_000);
            assertThat(publisher.accepted).extracting(LikeEvent::userId).hasSize(1_000).doesNotHaveDuplicates();
            assertInVersionOrder(new ArrayList<>(publisher.accepted));
            assertThat(admin.sync().xlen(stream)).isZero();
        }
    }

    /** An acknowledgement of more entries than Lua unpacks at once (about 8,000) still removes them all. */
    @Test
    void acknowledgementsOfThousandsOfEntriesOfOneStreamGoInOneCall() throws Exception {
        String first = prefix + ":o:{s:1}";
        String second = prefix + ":o:{s:2}";
        List<String> firstIds = new ArrayList<>();
        List<String> secondIds = new ArrayList<>();
        var async = admin.async();
        List<CompletableFuture<String>> added = new ArrayList<>();
        for (int i = 0; i < 9_000; i++) {
            added.add(async.xadd(i % 3 == 0 ? second : first, Map.of("post:1", "1 0", "1", "post:1 1 1 " + i + "  e" + i))
                    .toCompletableFuture());
        }
        for (int i = 0; i < added.size(); i++) {
            (i % 3 == 0 ? secondIds : firstIds).add(added.get(i).get(30, TimeUnit.SECONDS));
        }
        String lua;
        try (var in = RedisLikeStore.class.getResourceAsStream("outbox-ack.lua")) {
            lua = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(firstIds.size()));
        args.add(Integer.toString(secondIds.size()));
        args.addAll(firstIds);
        args.addAll(secondIds);
        Long removed = admin.sync().eval(lua, ScriptOutputType.INTEGER, new String[] {first, second},
                args.toArray(new String[0]));
        assertThat(removed).isEqualTo(9_000);
        assertThat(admin.sync().xlen(first)).isZero();
        assertThat(admin.sync().xlen(second)).isZero();
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
            assertThat(store.policy().evict(POST).toCompletableFuture().join()).as("outbox not empty").isFalse();
            assertThat(service.count(POST)).isEqualTo(1);

            publisher.failing.set(false);
            store.policy().sweepOutbox().toCompletableFuture().join();
            assertThat(store.policy().evict(POST).toCompletableFuture().join()).isTrue();
            // the durable store never got the like (nothing consumes the events here): the reload shows its state
            assertThat(service.count(POST)).isZero();
        }
    }

    @Test
    void evictNeedsABackingStore() {
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).build()) {
            assertThatThrownBy(() -> store.policy().evict(POST)).isInstanceOf(IllegalStateException.class)
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
