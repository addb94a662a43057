package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the contract cannot see: several instances, restarts, group commit, the key layout, failures. */
class RedisHotPathIT {

    /**
     * The deadline of the calls of the tests that check what the hot path stores, not how fast: thousands of calls are
     * in flight at once, and on a machine whose two cores other modules' tests share, the last of them may wait longer
     * than the default 2 s.
     */
    private static final Duration NOT_TIMED = Duration.ofMinutes(1);

    private static final ContentRef POST = ContentRef.of("post", 1);

    private String prefix;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void setUp() {
        prefix = TestServices.uniqueName("hot");
        admin = SharedClients.redis().connect();
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    @Test
    void twoInstancesOnTwoClientsCountExactly() throws Exception {
        RedisClient second = RedisClient.create(TestServices.redisUri());
        try (RedisLikeStore storeA = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).build();
                RedisLikeStore storeB = RedisLikeStore.builder(second).keyPrefix(prefix).build();
                LikeService a = LikeService.builder(storeA).callTimeout(NOT_TIMED).build();
                LikeService b = LikeService.builder(storeB).callTimeout(NOT_TIMED).build()) {
            int threads = 16;
            int perThread = 5_000;
            Set<Long> counts = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    LikeService instance = t % 2 == 0 ? a : b;
                    long first = (long) t * perThread + 1;
                    work.add(pool.submit(() -> {
                        for (long user = first; user < first + perThread; user++) {
                            counts.add(instance.like(user, POST).count());
                            instance.like(user, POST); // a repeated click, through the same instance
                        }
                    }));
                }
                for (Future<?> f : work) {
                    f.get(3, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            long expected = (long) threads * perThread;
            assertThat(a.count(POST)).isEqualTo(expected);
            assertThat(b.count(POST)).isEqualTo(expected);
            assertThat(counts).hasSize((int) expected);
        } finally {
            second.shutdown();
        }
    }

    @Test
    void aRestartedRedisFlushesTheScriptCacheAndTheStoreReloadsItsScripts() {
        try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(TestServices.redisUri()))
                        .keyPrefix(prefix)
                        .build();
                LikeService service = LikeService.builder(store).callTimeout(NOT_TIMED).build()) {
            assertThat(service.like(1, POST).changed()).isTrue();

            TestServices.stop(Server.REDIS);
            try {
                assertThatThrownBy(() -> service.like(2, POST)).isInstanceOf(LikeStoreException.class);
            } finally {
                TestServices.start(Server.REDIS);
            }
            // the test Redis keeps its data in an append-only file, but no script survives a restart
            awaitReconnected(service);
            LikeResult afterRestart = service.like(3, POST);
            assertThat(afterRestart.changed()).isTrue();
            assertThat(afterRestart.count()).as("the like from before the restart came back from the AOF").isEqualTo(2);
            assertThat(commandCalls(TestServices.redisUri(), "eval")).isPositive();
        }
    }

    @Test
    void aFlushedScriptCacheIsReloadedTransparently() {
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).build();
                LikeService service = LikeService.builder(store).callTimeout(NOT_TIMED).build()) {
            service.like(1, POST);
            admin.sync().scriptFlush();

            assertThat(service.like(2, POST).count()).isEqualTo(2);
            assertThat(service.unlike(1, POST).count()).isEqualTo(1);
        }
    }

    @Test
    void concurrentLikesOfOneContentShareScriptCalls() {
        // with a backing store there is no per-user index script, so every EVALSHA counted is a like script
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis())
                        .keyPrefix(prefix)
                        .backingStore(InMemoryLikeStore.create())
                        .build();
                LikeService service = LikeService.builder(store).callTimeout(NOT_TIMED).build()) {
            service.like(1, POST); // loads the script
            long before = commandCalls(TestServices.redisUri(), "evalsha");
            List<CompletableFuture<LikeResult>> inFlight = new ArrayList<>();
            for (long user = 1_000; user < 3_000; user++) {
                inFlight.add(service.async().like(user, POST).toCompletableFuture());
            }
            CompletableFuture.allOf(inFlight.toArray(new CompletableFuture<?>[0])).join();
            long calls = commandCalls(TestServices.redisUri(), "evalsha") - before;

            assertThat(service.count(POST)).isEqualTo(2_001);
            assertThat(inFlight).allMatch(f -> f.join().changed());
            // 2,000 likes in flight together: batches of many likes per call, not one call each
            assertThat(calls).isLessThan(2_000 / 4);
        }
    }

    /**
     * A script call decides its batch in memory and writes only the net changes: every result and every event must
     * still be what applying the mutations one by one gives. Few users in a few buckets, toggling, and request IDs
     * reused within and across batches make the batches' operations interfere; the contents span several shards and
     * share shards, so batches hold mutations of several contents, and two shards force one content's buckets to split.
     */
    @Test
    void batchesDecideEveryMutationInOrderAsOneByOne() {
        Random random = new Random(20261128);
        long[] users = {1, 2, 3, 127, 128, 129, 300, 301, 4_611_686_018_427_387_904L, 9_223_372_036_854_775_807L};
        List<ContentRef> contents = List.of(POST, ContentRef.of("post", 2), ContentRef.of("comment", 3),
                ContentRef.of("post", 4), ContentRef.of("video", 9_000_000_000_000_000_000L));
        ContentRef big = ContentRef.of("post", 5);
        Instant at = Instant.ofEpochMilli(System.currentTimeMillis()); // events carry milliseconds
        List<LikeMutation> mutations = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            if (i % 4 == 0) {
                // a content with many likers, whose buckets split while the others toggle
                mutations.add(new LikeMutation("b" + i, 10_000 + random.nextInt(300), big,
                        random.nextInt(5) == 0 ? LikeAction.UNLIKE : LikeAction.LIKE, null, at));
                continue;
            }
            long user = users[random.nextInt(users.length)];
            String requestId = random.nextInt(3) == 0 ? "q" + random.nextInt(40) : null;
            mutations.add(new LikeMutation("e" + i, user, contents.get(random.nextInt(contents.size())),
                    random.nextBoolean() ? LikeAction.LIKE : LikeAction.UNLIKE, requestId, at));
        }
        InMemoryLikeStore model = InMemoryLikeStore.create();
        RedisOutboxIT.Switchable publisher = new RedisOutboxIT.Switchable();
        publisher.failing.set(true); // entries stay in the outbox until the sweep below
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis())
                .keyPrefix(prefix)
                .shards(2)
                .hashMaxListpackEntries(16) // buckets of 8 users on average: the big content splits many times
                .outbox(publisher)
                .outboxSweep(Duration.ofHours(1), Duration.ZERO)
                .build()) {
            List<CompletableFuture<LikeResult>> inFlight = new ArrayList<>();
            for (LikeMutation m : mutations) {
                inFlight.add(store.apply(m).toCompletableFuture());
            }
            Map<ContentRef, List<LikeEvent>> expectedEvents = new HashMap<>();
            for (int i = 0; i < mutations.size(); i++) {
                LikeMutation m = mutations.get(i);
                LikeResult expected = model.apply(m).toCompletableFuture().join();
                LikeResult actual = inFlight.get(i).join();
                assertThat(List.of(actual.status(), actual.liked(), actual.count()))
                        .as("mutation %d: %s", i, m)
                        .isEqualTo(List.of(expected.status(), expected.liked(), expected.count()));
                if (actual.changed()) {
                    expectedEvents.computeIfAbsent(m.content(), c -> new ArrayList<>()).add(new LikeEvent(m.eventId(),
                            m.requestId(), m.userId(), m.content(), m.action(), at, actual.version(), actual.count()));
                }
            }
            long entries = admin.sync().xlen(store.keys().outbox(0)) + admin.sync().xlen(store.keys().outbox(1));
            assertThat(entries).as("outbox entries: calls that changed something").isBetween(2L, 4_000L / 4);
            for (ContentRef content : contents) {
                for (long user : users) {
                    assertThat(store.hasLiked(user, content).toCompletableFuture().join()).as("user %d", user)
                            .isEqualTo(model.hasLiked(user, content).toCompletableFuture().join());
                }
            }
            assertThat(admin.sync().hget(store.keys().main(big), "l")).as("the big content's buckets split")
                    .isNotNull();
            for (long user = 10_000; user < 10_300; user++) {
                assertThat(store.hasLiked(user, big).toCompletableFuture().join()).as("user %d", user)
                        .isEqualTo(model.hasLiked(user, big).toCompletableFuture().join());
            }
            // the outbox entries decode to the same events, with the versions and counts the results gave
            publisher.failing.set(false);
            store.policy().sweepOutbox().toCompletableFuture().join();
            Map<ContentRef, List<LikeEvent>> relayed = new HashMap<>();
            publisher.accepted.forEach(e -> relayed.computeIfAbsent(e.content(), c -> new ArrayList<>()).add(e));
            assertThat(relayed).isEqualTo(expectedEvents);
        }
    }

    /**
     * Request IDs are kept for their TTL, in the hashes of their shard's current and previous epochs, which expire by
     * themselves when the shard is idle.
     */
    @Test
    void requestIdsAreForgottenAfterTheirTtl() {
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis())
                        .keyPrefix(prefix)
                        .requestIdTtl(Duration.ofSeconds(1))
                        .build();
                LikeService service = LikeService.builder(store).callTimeout(NOT_TIMED).build()) {
            assertThat(service.like(1, POST, "click").status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(service.unlike(1, POST, "click").status()).isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            String requests = store.keys().requests(store.keys().shard(POST));
            String epoch = requests + ":" + admin.sync().hget(requests, "e");
            assertThat(admin.sync().hkeys(epoch)).containsExactly("post:1:1:click");
            assertThat(admin.sync().pttl(epoch)).as("idle shards forget by themselves").isBetween(1L, 2_000L);

            sleep(1_100);
            assertThat(service.unlike(1, POST, "click").status()).as("forgotten").isEqualTo(LikeResult.Status.APPLIED);
            // a member past its time counts as forgotten even while it is still stored
            service.like(2, POST, "a");
            sleep(600);
            service.like(3, POST, "b");
            sleep(500);
            assertThat(service.unlike(2, POST, "a").status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(service.unlike(3, POST, "b").status()).isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> admin.sync().keys(requests + "*").isEmpty());
        }
    }

    /** Beyond the cap a shard forgets its oldest request IDs first: memory stays bounded whatever the rate. */
    @Test
    void requestIdsBeyondTheCapAreForgottenOldestFirst() {
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis())
                        .keyPrefix(prefix)
                        .shards(1)
                        .maxRequestIds(1_000)
                        .build();
                LikeService service = LikeService.builder(store).callTimeout(NOT_TIMED).build()) {
            for (int i = 0; i < 5_000; i++) {
                service.like(1 + i, POST, "r" + i);
            }
            String requests = store.keys().requests(0);
            long kept = admin.sync().keys(requests + ":*").stream().mapToLong(k -> admin.sync().hlen(k)).sum();
            assertThat(kept).isBetween(500L, 1_000L);
            assertThat(service.unlike(5_000, POST, "r4999").status()).as("the newest are kept")
                    .isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            assertThat(service.unlike(1, POST, "r0").status()).as("the oldest are forgotten")
                    .isEqualTo(LikeResult.Status.APPLIED);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void statusLivesInSmallListpackHashesWithSecondTimes() {
        try (RedisLikeStore store =
                        RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).hashMaxListpackEntries(128).build();
                LikeService service = LikeService.builder(store).callTimeout(NOT_TIMED).build()) {
            for (long user = 128; user < 256 + 128; user++) {
                service.like(user, POST);
            }
            RedisCommands<String, String> redis = admin.sync();
            List<String> buckets = new ArrayList<>(redis.keys(store.keys().bucketPrefix(POST) + "*"));
            buckets.add(store.keys().main(POST));
            assertThat(buckets).as("256 likers in buckets of about 40").hasSizeBetween(256 / 64, 256 / 20);
            long fields = 0;
            for (String bucket : buckets) {
                assertThat(redis.objectEncoding(bucket)).isEqualTo("listpack");
                fields += redis.hkeys(bucket).stream().filter(f -> Character.isDigit(f.charAt(0))).count();
                assertThat(redis.ttl(bucket)).isEqualTo(-1); // Redis is the source of truth here: nothing expires
            }
            assertThat(fields).isEqualTo(256);
            assertThat(redis.hget(store.keys().main(POST), "n")).isEqualTo("256");
            // the like time is kept to the second, after the content's time base
            assertThat(Long.parseLong(redis.hget(store.keys().main(POST), "b"))).isCloseTo(
                    System.currentTimeMillis() / 1000, Offset.offset(60L));
        }
    }

    /**
     * Random 63-bit user ids (what large feeds use) fill the same compact buckets as dense ones: a hash of the id picks
     * the bucket, and buckets split one at a time as likers come, so none outgrows the listpack encoding, whether the
     * buckets are sized for redis.conf's {@code hash-max-listpack-entries} (128) or for what the server says (512 for
     * the test server, which runs without a redis.conf).
     */
    @ParameterizedTest
    @ValueSource(ints = {128, 0})
    void randomSixtyThreeBitIdsStayInCompactBuckets(int configured) {
        Random random = new Random(63);
        RedisLikeStore.Builder builder = RedisLikeStore.builder(SharedClients.redis())
                .keyPrefix(prefix)
                .backingStore(InMemoryLikeStore.create());
        int entries = configured;
        if (configured > 0) {
            builder.hashMaxListpackEntries(configured);
        } else {
            entries = Integer.parseInt(admin.sync().configGet("hash-max-listpack-entries")
                    .get("hash-max-listpack-entries"));
        }
        int load = Buckets.load(entries);
        try (RedisLikeStore store = builder.build();
                LikeService service = LikeService.builder(store).callTimeout(NOT_TIMED).build()) {
            List<Long> users = new ArrayList<>();
            List<CompletableFuture<LikeResult>> likes = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                long user = 1 + (random.nextLong() >>> 1) % (Long.MAX_VALUE - 1);
                users.add(user);
                likes.add(service.async().like(user, POST).toCompletableFuture());
            }
            CompletableFuture.allOf(likes.toArray(new CompletableFuture<?>[0])).join();
            assertThat(service.count(POST)).isEqualTo(20_000);
            RedisCommands<String, String> redis = admin.sync();
            List<String> buckets = new ArrayList<>(redis.keys(store.keys().bucketPrefix(POST) + "*"));
            buckets.add(store.keys().main(POST));
            assertThat(buckets).as("buckets of about %d likers", load)
                    .hasSizeBetween(20_000 * 2 / (3 * load), 20_000 * 4 / (3 * load));
            for (String bucket : buckets) {
                assertThat(redis.objectEncoding(bucket)).as(bucket).isEqualTo("listpack");
                assertThat(redis.hlen(bucket)).as(bucket).isLessThanOrEqualTo(entries);
            }
            assertThat(store.policy().cachedLikers(POST).toCompletableFuture().join()).containsExactlyInAnyOrderElementsOf(users);
            for (int i = 0; i < users.size(); i += 97) {
                assertThat(service.hasLiked(users.get(i), POST)).isTrue();
                assertThat(service.unlike(users.get(i), POST).changed()).isTrue();
                assertThat(service.hasLiked(users.get(i), POST)).isFalse();
            }
        }
    }

    @Test
    void anUnreachableRedisFailsFastWithoutShowingThePassword() {
        RedisURI nowhere = RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(1) // nothing listens on port 1
                .withPassword("s3cret-pw".toCharArray())
                .withTimeout(Duration.ofMillis(500))
                .build();
        assertThatThrownBy(() -> RedisLikeStore.builder(nowhere).build())
                .isInstanceOf(LikeStoreException.class)
                .satisfies(e -> assertThat(allMessages(e)).doesNotContain("s3cret-pw"));
    }

    @Test
    void aStoppedRedisMakesCallsFailWithinTheTimeout() {
        try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(TestServices.redisUri()))
                        .keyPrefix(prefix)
                        .commandTimeout(Duration.ofMillis(300))
                        .build();
                LikeService service = LikeService.builder(store).callTimeout(NOT_TIMED).build()) {
            service.like(1, POST);
            TestServices.stop(Server.REDIS);
            try {
                assertThatThrownBy(() -> service.like(2, POST))
                        .isInstanceOf(LikeStoreException.class)
                        .hasMessageContaining("Redis");
                assertThatThrownBy(() -> service.count(POST)).isInstanceOf(LikeStoreException.class);
            } finally {
                TestServices.start(Server.REDIS);
            }
        }
    }

    @Test
    void aHungRedisEndsTheCallAtTheServiceDeadlineAndTheOutcomeIsLearntByRetryingTheRequestId() {
        try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(TestServices.redisUri()))
                        .keyPrefix(prefix)
                        .commandTimeout(Duration.ofSeconds(20))
                        .build();
                LikeService service = LikeService.builder(store).callTimeout(Duration.ofMillis(500)).build()) {
            service.like(1, POST);
            TestServices.hang(Server.REDIS);
            try {
                assertThatThrownBy(() -> service.like(2, POST, "click-2"))
                        .as("the service's deadline ends the call, not the store's command timeout")
                        .isInstanceOfSatisfying(LikeTimeoutException.class,
                                e -> assertThat(e.timeout()).isEqualTo(Duration.ofMillis(500)));
                assertThatThrownBy(() -> service.count(POST)).isInstanceOf(LikeTimeoutException.class);
            } finally {
                TestServices.resume(Server.REDIS);
            }
            // the like was sent before the deadline: Redis applies it once it runs again
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> service.hasLiked(2, POST));
            LikeResult retry = service.like(2, POST, "click-2");
            assertThat(retry.status()).as("the retry learns the outcome without applying it twice")
                    .isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            assertThat(retry.liked()).isTrue();
            assertThat(service.count(POST)).isEqualTo(2);
        }
    }

    private static void awaitReconnected(LikeService service) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> service.count(ContentRef.of("post", 999)) == 0);
    }

    private static long commandCalls(String uri, String command) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(c.sync().info("commandstats"));
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } finally {
            client.shutdown();
        }
    }

    private static String allMessages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
