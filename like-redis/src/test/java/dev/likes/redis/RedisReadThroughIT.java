package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnel;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStoreException;
import dev.likes.core.PageRequest;
import dev.likes.testservers.TestServices;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis as a cache of a durable store: read-through, one load per miss, shared expiry, empty values, filters. */
class RedisReadThroughIT {

    private static final ContentRef POST = ContentRef.of("post", 10);

    private final CountingStore durable = new CountingStore();
    private final LikeService truth = LikeService.builder(durable).build();
    private String prefix;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void setUp() {
        prefix = TestServices.uniqueName("rt");
        admin = SharedClients.redis().connect();
        for (long user = 1; user <= 300; user++) {
            truth.like(user, POST); // the durable store's truth: 300 likers
        }
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    private RedisLikeStore.Builder cache() {
        return RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).backingStore(durable);
    }

    @Test
    void fiftyConcurrentReadersOfAMissLoadItOnceAndAgainOnceAfterExpiry() throws Exception {
        try (RedisLikeStore store = cache().build();
                LikeService service = LikeService.builder(store).build()) {
            assertThat(concurrently(50, () -> service.count(POST))).containsOnly(300L);
            assertThat(durable.countReads.sum()).isEqualTo(1);

            admin.sync().del(store.keys().main(POST)); // the content's keys expire
            assertThat(concurrently(50, () -> service.count(POST))).containsOnly(300L);
            assertThat(durable.countReads.sum()).isEqualTo(2);

            assertThat(concurrently(50, () -> service.hasLiked(7, POST))).containsOnly(true);
            assertThat(concurrently(50, () -> service.hasLiked(301, POST))).containsOnly(false);
            assertThat(durable.likerReads.sum()).isEqualTo(1); // one full load of 300 likers, in one page
            assertThat(store.policy().backingStoreLoads()).isEqualTo(3);
        }
    }

    @Test
    void aRequestIdIsRememberedWhetherOrNotRedisStillHoldsTheContent() {
        try (RedisLikeStore store = cache().build();
                LikeService service = LikeService.builder(store).build()) {
            assertThat(service.like(301, POST, "click-301").status()).isEqualTo(LikeResult.Status.APPLIED);
            RedisStorePolicy policy = store.policy();
            assertThat(policy.requestSeen(301, POST, "click-301").toCompletableFuture().join()).isTrue();
            assertThat(policy.requestSeen(301, POST, "click-302").toCompletableFuture().join()).isFalse();
            assertThat(policy.requestSeen(302, POST, "click-301").toCompletableFuture().join()).isFalse();
            assertThat(policy.requestSeen(301, ContentRef.of("post", 9), "click-301").toCompletableFuture().join())
                    .isFalse();
            admin.sync().del(store.keys().main(POST)); // the content's keys expire; the shard's request IDs stay
            assertThat(policy.requestSeen(301, POST, "click-301").toCompletableFuture().join()).isTrue();
            assertThat(service.like(301, POST, "click-301").status()).as("the hot path agrees")
                    .isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            assertThatThrownBy(() -> policy.requestSeen(301, POST, "a:b")).hasMessageContaining("requestId");
            assertThatThrownBy(() -> policy.requestSeen(0, POST, "ok")).hasMessageContaining("userId");
        }
    }

    @Test
    void aLoadedContentContinuesItsVersionsAboveTheBackingStores() {
        // the backing store applied changes a day ahead of this Redis' clock (a failover to a host whose clock is behind)
        long ahead = (System.currentTimeMillis() + Duration.ofDays(1).toMillis()) * 1_000;
        durable.version = ahead;
        try (RedisLikeStore store = cache().build();
                LikeService service = LikeService.builder(store).build()) {
            LikeResult unchanged = service.like(7, POST); // liked already: loads the content, changes nothing
            assertThat(unchanged.status()).isEqualTo(LikeResult.Status.UNCHANGED);
            assertThat(unchanged.version()).as("the loaded content's version, not 0").isEqualTo(ahead);
            LikeResult applied = service.like(301, POST);
            assertThat(applied.status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(applied.version()).as("newer than every change the backing store applied").isGreaterThan(ahead);
            assertThat(service.unlike(301, POST).version()).isGreaterThan(applied.version());
        }
    }

    @Test
    void aFailedLoadReleasesItsLockSoTheNextCallLoadsAtOnce() {
        // a load timeout far above the test's bound: waiting for the lock's expiry would fail the test
        try (RedisLikeStore store = cache().loadTimeout(Duration.ofSeconds(90)).build();
                LikeService service = LikeService.builder(store).build()) {
            durable.failLikers.set(1);
            assertThatThrownBy(() -> service.like(301, POST)).isInstanceOf(LikeStoreException.class);
            assertThat(admin.sync().exists(store.keys().lock(POST))).as("the failed load released its lock").isZero();
            durable.failCounts.set(1);
            assertThatThrownBy(() -> service.like(301, POST)).isInstanceOf(LikeStoreException.class);
            // the call's own deadline (2 s) may end the wait just before the load gives up and releases its lock
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> admin.sync().exists(store.keys().lock(POST)) == 0);

            long start = System.nanoTime();
            assertThat(service.like(301, POST).count()).isEqualTo(301); // the backing store is back
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void aProcessWaitingForAnotherProcesssLoadTakesOverWhenThatLoadFails() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        durable.likersGate = gate;
        durable.failLikers.set(1);
        try (RedisLikeStore first = cache().loadTimeout(Duration.ofSeconds(90)).build();
                RedisLikeStore second = cache().loadTimeout(Duration.ofSeconds(90)).build();
                LikeService a = LikeService.builder(first).build();
                LikeService b = LikeService.builder(second).build()) {
            CompletableFuture<LikeResult> loser = a.async().like(301, POST).toCompletableFuture();
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> admin.sync().exists(first.keys().lock(POST)) == 1);
            CompletableFuture<LikeResult> waiter = b.async().like(302, POST).toCompletableFuture(); // waits for first
            Thread.sleep(300);
            assertThat(waiter).isNotDone();
            durable.likersGate = null;
            gate.complete(null); // the first load's read fails now: its lock is released and the waiter loads itself
            assertThatThrownBy(() -> loser.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LikeStoreException.class);
            assertThat(waiter.get(30, TimeUnit.SECONDS).count()).isEqualTo(301);
            assertThat(a.like(301, POST).count()).isEqualTo(302);
        }
    }

    /**
     * A content whose load hangs holds up its own mutations only: the shard's other contents stay writable, and the
     * waiting mutations are applied in order once the load completes.
     */
    @Test
    void aLoadThatHangsHoldsUpOnlyItsOwnContent() throws Exception {
        ContentRef loaded = ContentRef.of("post", 20);
        try (RedisLikeStore store = cache().shards(1).loadTimeout(Duration.ofSeconds(60)).build();
                LikeService service = LikeService.builder(store).callTimeout(Duration.ofSeconds(60)).build()) {
            assertThat(service.like(1, loaded).count()).isEqualTo(1);
            CompletableFuture<Void> gate = new CompletableFuture<>();
            durable.likersGate = gate; // POST's load waits for the gate
            CompletableFuture<LikeResult> first = service.async().like(301, POST).toCompletableFuture();
            CompletableFuture<LikeResult> second = service.async().unlike(301, POST).toCompletableFuture();
            CompletableFuture<LikeResult> third = service.async().like(301, POST).toCompletableFuture();
            for (long user = 2; user <= 50; user++) {
                assertThat(service.async().like(user, loaded).toCompletableFuture().get(10, TimeUnit.SECONDS).count())
                        .as("a like of a loaded content of the same shard while another content loads")
                        .isEqualTo(user);
            }
            assertThat(first).isNotDone();
            durable.likersGate = null;
            gate.complete(null);
            assertThat(List.of(first.get(30, TimeUnit.SECONDS).count(), second.get(30, TimeUnit.SECONDS).count(),
                    third.get(30, TimeUnit.SECONDS).count())).as("applied in order after the load").containsExactly(
                    301L, 300L, 301L);
            assertThat(service.hasLiked(301, POST)).isTrue();
        }
    }

    @Test
    void aStormOfMissesBeyondTheLoadQueueIsShedAtOnceAndEveryAdmittedLikeIsApplied() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        durable.likersGate = gate; // every load waits for the gate
        int admitted = ReadThrough.MAX_LOADS + ReadThrough.MAX_WAITING_LOADS;
        try (RedisLikeStore store = cache().loadTimeout(Duration.ofSeconds(60)).loadQueueTimeout(Duration.ofSeconds(60))
                .build();
                LikeService service = LikeService.builder(store).callTimeout(Duration.ofSeconds(60)).build()) {
            List<CompletableFuture<LikeResult>> calls = new ArrayList<>();
            for (int i = 0; i < admitted + 50; i++) {
                calls.add(service.async().like(7, ContentRef.of("post", 1_000 + i)).toCompletableFuture());
            }
            // the 50 beyond the queue fail at once, while every admitted load still waits
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    calls.stream().filter(CompletableFuture::isCompletedExceptionally).count() >= 50);
            List<Integer> refused = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i).isCompletedExceptionally()) {
                    refused.add(i);
                    assertThatThrownBy(calls.get(i)::join).cause()
                            .isInstanceOf(LikeRejectedException.class)
                            .satisfies(e -> assertThat(((LikeRejectedException) e).reason())
                                    .isEqualTo(LikeRejectedException.Reason.OVERLOADED));
                }
            }
            assertThat(refused).hasSize(50);
            assertThat(calls.stream().filter(CompletableFuture::isDone).count()).isEqualTo(50);

            durable.likersGate = null;
            gate.complete(null);
            for (int i = 0; i < calls.size(); i++) {
                ContentRef content = ContentRef.of("post", 1_000 + i);
                if (refused.contains(i)) {
                    assertThat(service.hasLiked(7, content)).as("a refused like changed nothing").isFalse();
                } else {
                    assertThat(calls.get(i).get(60, TimeUnit.SECONDS).count()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void likesWhoseLoadWaitedBeyondTheQueueTimeoutAreRefusedAndChangeNothing() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        durable.likersGate = gate; // the running loads wait for the gate, so the ones after them wait for a turn
        try (RedisLikeStore store = cache().loadQueueTimeout(Duration.ofMillis(200)).build();
                LikeService service = LikeService.builder(store).callTimeout(Duration.ofSeconds(30)).build()) {
            List<CompletableFuture<LikeResult>> calls = new ArrayList<>();
            for (int i = 0; i < ReadThrough.MAX_LOADS + 10; i++) {
                calls.add(service.async().like(8, ContentRef.of("post", 5_000 + i)).toCompletableFuture());
            }
            TimeUnit.MILLISECONDS.sleep(600);
            durable.likersGate = null;
            gate.complete(null);
            int refused = 0;
            for (int i = 0; i < calls.size(); i++) {
                ContentRef content = ContentRef.of("post", 5_000 + i);
                try {
                    assertThat(calls.get(i).get(30, TimeUnit.SECONDS).count()).isEqualTo(1);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(LikeRejectedException.class)
                            .hasMessageContaining("for a load from the backing store")
                            .satisfies(r -> assertThat(((LikeRejectedException) r).reason())
                                    .isEqualTo(LikeRejectedException.Reason.OVERLOADED));
                    assertThat(service.hasLiked(8, content)).as("a refused like changed nothing").isFalse();
                    refused++;
                }
            }
            assertThat(refused).as("the loads that waited beyond 200 ms for one of the 64 places").isEqualTo(10);
        }
    }

    @Test
    void aBackingStoreThatNeverAnswersFailsTheLoadAfterTheLoadTimeout() {
        durable.likersGate = new CompletableFuture<>(); // never completes
        try (RedisLikeStore store = cache().loadTimeout(Duration.ofSeconds(2)).build();
                LikeService service = LikeService.builder(store).build()) {
            assertThatThrownBy(() -> service.like(301, POST)).isInstanceOf(LikeStoreException.class);
            // the call's own deadline (2 s) may end the wait just before the load gives up and releases its lock
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> admin.sync().exists(store.keys().lock(POST)) == 0);
            durable.likersGate = null;
            assertThat(service.like(301, POST).count()).isEqualTo(301);
        }
    }

    @Test
    void aLikeOnContentRedisDoesNotHoldContinuesFromTheDurableTruth() {
        try (RedisLikeStore store = cache().build();
                LikeService service = LikeService.builder(store).build()) {
            assertThat(service.like(301, POST).count()).isEqualTo(301);
            assertThat(service.like(5, POST).changed()).isFalse(); // already liked in the durable store
            assertThat(service.unlike(5, POST).count()).isEqualTo(300);
            assertThat(durable.likerReads.sum()).isEqualTo(1);
        }
    }

    /**
     * Mutations of a content Redis must load first wait behind its load and are applied in the order they were
     * submitted: one user toggling 1,001 times without waiting gets every toggle applied and ends liked.
     */
    @Test
    void mutationsWaitingForALoadKeepTheirOrder() {
        try (RedisLikeStore store = cache().build()) {
            List<CompletableFuture<LikeResult>> results = new ArrayList<>();
            for (int i = 0; i <= 1_000; i++) {
                results.add(store.apply(new LikeMutation("t" + i, 100_000, POST,
                        i % 2 == 0 ? LikeAction.LIKE : LikeAction.UNLIKE, null,
                        Instant.now())).toCompletableFuture());
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).join().status()).as("toggle %d", i)
                        .isEqualTo(LikeResult.Status.APPLIED);
            }
            assertThat(store.hasLiked(100_000, POST).toCompletableFuture().join()).isTrue();
            assertThat(store.count(POST).toCompletableFuture().join()).isEqualTo(301);
        }
    }

    @Test
    void allKeysOfAContentExpireTogetherAndWritesMoveThemToTheHotTtl() {
        try (RedisLikeStore store = cache().hashMaxListpackEntries(128)
                        .hotTtl(Duration.ofHours(24))
                        .coldTtl(Duration.ofHours(1))
                        .build();
                LikeService service = LikeService.builder(store).build()) {
            service.hasLiked(1, POST); // loaded for reading: cold TTL
            RedisCommands<String, String> redis = admin.sync();
            List<String> keys = contentKeys(store);
            assertThat(keys).as("the main hash and 300 / 40 buckets").hasSizeGreaterThan(3);
            Set<Long> expiries = keys.stream().map(redis::pexpiretime).collect(Collectors.toSet());
            assertThat(expiries).hasSize(1);
            long coldLeft = expiries.iterator().next() - System.currentTimeMillis();
            assertThat(coldLeft).isBetween(Duration.ofMinutes(50).toMillis(), Duration.ofHours(1).toMillis());

            service.like(1_000, POST); // a write makes it hot: every key moves together
            Set<Long> after = contentKeys(store).stream()
                    .map(redis::pexpiretime)
                    .collect(Collectors.toSet());
            assertThat(after).hasSize(1);
            assertThat(after.iterator().next() - System.currentTimeMillis())
                    .isGreaterThan(Duration.ofHours(23).toMillis());
        }
    }

    @Test
    void contentsNobodyLikesAreCachedEmptyForTheEmptyTtl() throws Exception {
        ContentRef nobody = ContentRef.of("post", 404);
        try (RedisLikeStore store = cache().emptyTtl(Duration.ofSeconds(30)).build();
                LikeService service = LikeService.builder(store).build()) {
            assertThat(concurrently(50, () -> service.count(nobody))).containsOnly(0L);
            assertThat(concurrently(50, () -> service.count(nobody))).containsOnly(0L);
            assertThat(durable.countReads.sum()).isEqualTo(1);
            // cached with the short empty TTL, not the cold one
            assertThat(admin.sync().pttl(store.keys().main(nobody))).isBetween(1L, 30_000L);

            admin.sync().del(store.keys().main(nobody)); // the empty TTL runs out
            assertThat(service.count(nobody)).isZero();
            assertThat(durable.countReads.sum()).isEqualTo(2);
        }
    }

    @Test
    void aBloomFilterKeepsUnknownContentsAwayFromRedisAndTheDurableStore() {
        Funnel<ContentRef> funnel = (content, sink) -> sink.putString(content.toString(), StandardCharsets.UTF_8);
        BloomFilter<ContentRef> existing = BloomFilter.create(funnel, 10_000, 0.001);
        existing.put(POST);
        try (RedisLikeStore store = cache().contentFilter(existing).build();
                LikeService service = LikeService.builder(store).build()) {
            for (long id = 100_000; id < 100_100; id++) {
                assertThat(service.count(ContentRef.of("post", id))).isZero();
            }
            assertThat(service.counts(List.of(ContentRef.of("post", 5_000), POST)))
                    .containsEntry(ContentRef.of("post", 5_000), 0L)
                    .containsEntry(POST, 300L);
            assertThatThrownBy(() -> service.like(1, ContentRef.of("post", 777)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("post:777");
            assertThat(durable.reads()).isEqualTo(1); // only POST's counts
            assertThat(admin.sync().keys(prefix + ":*:post:1000*")).isEmpty();
        }
    }

    @Test
    void theLocalCacheAnswersRepeatedCountReadsAndShowsTheUsersOwnLikeAtOnce() {
        try (RedisLikeStore store = cache().localCountCache(Duration.ofMinutes(1), 1_000).build();
                LikeService service = LikeService.builder(store).build()) {
            for (int i = 0; i < 10; i++) {
                assertThat(service.count(POST)).isEqualTo(300);
            }
            assertThat(store.policy().localCountCacheMisses()).isEqualTo(1);
            assertThat(store.policy().localCountCacheHits()).isEqualTo(9);

            service.like(500, POST);
            assertThat(service.count(POST)).isEqualTo(301); // read-your-writes, from the local cache
            assertThat(store.policy().localCountCacheHits()).isEqualTo(10);
            assertThat(service.counts(List.of(POST, ContentRef.of("post", 11)))).containsEntry(POST, 301L);
        }
    }

    @Test
    void listingsComeFromTheDurableStore() {
        try (RedisLikeStore store = cache().build();
                LikeService service = LikeService.builder(store).build()) {
            assertThat(service.likers(POST, PageRequest.first(5)).items()).hasSize(5);
            assertThat(service.likesOf(3, PageRequest.first()).items()).singleElement()
                    .satisfies(like -> assertThat(like.content()).isEqualTo(POST));
            assertThat(durable.likerReads.sum()).isEqualTo(1);
        }
    }

    @Test
    void batchReadsOfAFeedPageLoadMissingCountsInOneCall() {
        List<ContentRef> page = new ArrayList<>();
        for (long id = 1; id <= 100; id++) {
            page.add(ContentRef.of("post", id));
        }
        try (RedisLikeStore store = cache().build();
                LikeService service = LikeService.builder(store).build()) {
            assertThat(service.counts(page)).containsEntry(POST, 300L).hasSize(100);
            assertThat(service.counts(page)).containsEntry(POST, 300L);
            assertThat(durable.countReads.sum()).isEqualTo(1);
            assertThat(service.likedAmong(42, page)).containsExactly(POST);
        }
    }

    /** The content's main hash and status buckets. */
    private List<String> contentKeys(RedisLikeStore store) {
        List<String> keys = new ArrayList<>(admin.sync().keys(store.keys().bucketPrefix(POST) + "*"));
        keys.add(store.keys().main(POST));
        return keys;
    }

    private static <T> List<T> concurrently(int callers, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(1, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
