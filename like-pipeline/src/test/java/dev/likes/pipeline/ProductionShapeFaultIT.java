package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeResult;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults at the production shape of {@code WORKLOADS.md}: 500 contents of two types with small and random 63-bit
 * ids, random 63-bit user ids, a Kafka outage longer than every client timeout. The model check after recovery and
 * the convergence time go to {@code target/reliability-report.txt}.
 */
class ProductionShapeFaultIT {

    private static final Duration CONVERGE = Duration.ofMinutes(4);

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** 500 contents: posts and comments, half with small ids, half with random 63-bit ids. */
    static List<ContentRef> contents() {
        SplittableRandom random = new SplittableRandom(500);
        List<ContentRef> contents = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            String type = i % 2 == 0 ? "post" : "comment";
            contents.add(ContentRef.of(type, i <= 250 ? i : 1 + (random.nextLong() >>> 1)));
        }
        return contents;
    }

    @Test
    void kafkaKilledFor90SecondsUnderLoadOver500Contents() throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            Load load = new Load(p.service(), 4, 2_000, contents(), 2_000, 90).randomUserIds().staleRetries(5).start();
            TimeUnit.SECONDS.sleep(3);
            TestServices.kill(Server.KAFKA);
            long backlogDuringOutage;
            try {
                TimeUnit.SECONDS.sleep(90);
                backlogDuringOutage = p.redisStore().policy().outboxBacklog().toCompletableFuture().join();
                KafkaLikeConsumer consumer = p.consumer().orElseThrow();
                assertThat(consumer.isRunning()).as("the consumer outlives a 90 s broker outage").isTrue();
                assertThat(consumer.health().healthy()).as("its health probe reports the outage").isFalse();
            } finally {
                TestServices.start(Server.KAFKA);
            }
            TimeUnit.SECONDS.sleep(5);
            load.stop();
            assertThat(backlogDuringOutage).as("changes waited in the outbox").isPositive();
            Invariants.assertConverged("kafka killed 90 s, 500 contents, random ids", h, p, load, CONVERGE);
            assertThat(p.consumer().orElseThrow().isRunning()).isTrue();
        }
    }

    @Test
    void kafkaHungFor90SecondsUnderLoadOver500Contents() throws Exception {
        outage("kafka hung (SIGSTOP) 90 s, 500 contents, random ids", Server.KAFKA, true, 90);
    }

    @Test
    void mysqlKilledFor90SecondsUnderLoadOver500Contents() throws Exception {
        outage("mariadb killed 90 s, 500 contents, random ids", Server.MARIADB, false, 90);
    }

    @Test
    void mysqlKilledFor5SecondsUnderLoadOver500Contents() throws Exception {
        outage("mariadb killed 5 s, 500 contents, random ids", Server.MARIADB, false, 5);
    }

    /**
     * Kafka or MariaDB down for a while under load (30% of the calls without a request ID, 5% stale retries, contents
     * loaded into Redis by their first like, some of them during the outage): every call is acknowledged, and every
     * tier converges once the server is back. With MariaDB killed, a second load starts on contents nobody has liked
     * yet, so every one of its calls needs a load from MySQL: those loads are refused at once once the breaker opens,
     * and their likes accepted in degraded mode.
     */
    private void outage(String scenario, Server server, boolean hang, int seconds) throws Exception {
        boolean mysqlKilled = server == Server.MARIADB && !hang;
        try (LikePipeline p = h.pipeline().build()) {
            Load load = new Load(p.service(), 4, 2_000, contents(), 2_000, 97 + seconds).randomUserIds()
                    .withoutRequestIds(30)
                    .staleRetries(5)
                    .giveUpAfter(Duration.ofMinutes(3))
                    .start();
            List<Load> loads = new ArrayList<>(List.of(load));
            TimeUnit.SECONDS.sleep(3);
            long before = load.operations.sum();
            if (hang) {
                TestServices.hang(server);
            } else {
                TestServices.kill(server);
            }
            if (mysqlKilled) {
                loads.add(new Load(p.service(), 4, 2_000, coldContents(200, seconds), 2_000, 197 + seconds)
                        .randomUserIds()
                        .giveUpAfter(Duration.ofMinutes(3))
                        .start());
            }
            long during;
            boolean loadsRefused = false;
            try {
                for (int s = 0; s < seconds * 10; s++) {
                    TimeUnit.MILLISECONDS.sleep(100);
                    loadsRefused |= "OPEN".equals(p.mysqlCircuitState());
                }
                during = load.operations.sum() - before;
            } finally {
                if (hang) {
                    TestServices.resume(server);
                } else {
                    TestServices.start(server);
                }
            }
            TimeUnit.SECONDS.sleep(5);
            for (Load l : loads) {
                l.stop();
            }
            long accepted = loads.stream().mapToLong(l -> l.count(LikeResult.Status.ACCEPTED)).sum();
            System.out.printf("OUTAGE %s operations_during=%d accepted=%d loads_refused=%s failures: %s%n", scenario,
                    during, accepted, loadsRefused, load.failureKinds());
            assertThat(during).as("likes go on while %s is down", server).isPositive();
            if (mysqlKilled) {
                assertThat(loadsRefused).as("loads were refused at once while MySQL was down").isTrue();
                assertThat(accepted).as("likes on contents Redis could not load were accepted in degraded mode")
                        .isPositive();
            }
            Invariants.assertConverged(scenario, h, p, loads, CONVERGE);
        }
    }

    /** {@code n} contents none of {@link #contents()} is, distinct per {@code seed}. */
    private static List<ContentRef> coldContents(int n, long seed) {
        SplittableRandom random = new SplittableRandom(1_000 + seed);
        List<ContentRef> cold = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cold.add(ContentRef.of("post", 1_000 + (random.nextLong() >>> 2)));
        }
        return cold;
    }

    /**
     * MariaDB hung ({@code SIGSTOP}) for 90 s: one load keeps writing 500 contents loaded into Redis, another keeps
     * asking for 2,000 contents that must be loaded from MySQL first (their calls time out and are retried until
     * MySQL answers again). The loaded contents stay writable throughout; afterwards every tier converges.
     */
    @Test
    void mysqlHungFor90SecondsWhileContentsLoad() throws Exception {
        SplittableRandom random = new SplittableRandom(2_000);
        List<ContentRef> cold = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            cold.add(ContentRef.of(i % 2 == 0 ? "post" : "comment", 1 + (random.nextLong() >>> 1)));
        }
        try (LikePipeline p = h.pipeline().build()) {
            for (ContentRef content : contents()) {
                p.service().unlike(Long.MAX_VALUE, content); // loads the content into Redis; changes nothing
            }
            Load hot = new Load(p.service(), 3, 2_000, contents(), 2_000, 93).randomUserIds().withoutRequestIds(30)
                    .staleRetries(5)
                    .giveUpAfter(Duration.ofMinutes(3))
                    .start();
            TimeUnit.SECONDS.sleep(3);
            Load loading = new Load(p.service(), 2, 2_000, cold, 2_000, 94).randomUserIds().withoutRequestIds(30)
                    .giveUpAfter(Duration.ofMinutes(3))
                    .start();
            TimeUnit.MILLISECONDS.sleep(500);
            long hotBefore = hot.operations.sum();
            long loadingBefore = loading.operations.sum();
            long hotDuring;
            long loadingDuring;
            TestServices.hang(Server.MARIADB);
            try {
                TimeUnit.SECONDS.sleep(90);
                hotDuring = hot.operations.sum() - hotBefore;
                loadingDuring = loading.operations.sum() - loadingBefore;
            } finally {
                TestServices.resume(Server.MARIADB);
            }
            TimeUnit.SECONDS.sleep(5);
            hot.stop();
            loading.stop();
            assertThat(hot.unresolved.get() + loading.unresolved.get()).as("operations never acknowledged").isZero();
            assertThat(hotDuring).as("contents in Redis stay writable while MySQL hangs").isGreaterThan(1_000);
            Map<ContentRef, Set<Long>> model = new HashMap<>(hot.expected());
            model.putAll(loading.expected());
            long slowest = TimeUnit.NANOSECONDS.toMillis(
                    Math.max(hot.slowestCallNanos.get(), loading.slowestCallNanos.get()));
            String stats = String.format("operations_on_loaded_contents_during_hang=%d operations_needing_a_load_during"
                            + "_hang=%d stale_retries=%d slowest_call_ms=%d", hotDuring, loadingDuring,
                    hot.staleRetries.sum(), slowest);
            assertThat(hot.staleRetriesApplied.sum()).as("stale retries that changed a pair's state").isZero();
            try {
                Invariants.assertConverged("mariadb hung (SIGSTOP) 90 s, loads", h, p, model, Set.of(),
                        hot.operations.sum() + loading.operations.sum(), stats, CONVERGE);
            } catch (AssertionError | ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "\n" + Invariants.explain(h, model, List.of(hot, loading)), e);
            }
        }
    }

    /**
     * Redis under {@code maxmemory} (policy {@code noeviction}) for 20 s: writes that would add data are refused as a
     * whole, the breaker opens and likes answer {@code ACCEPTED} through the degraded mode; once the limit is lifted
     * the backlog is replayed and every tier converges.
     */
    @Test
    void redisOutOfMemoryFor20SecondsUnderLoadOver500Contents() throws Exception {
        try (LikePipeline p = h.pipeline().build();
                RedisClient client = RedisClient.create(TestServices.redisUri());
                StatefulRedisConnection<String, String> admin = client.connect()) {
            Load load = new Load(p.service(), 4, 2_000, contents(), 2_000, 95).randomUserIds().withoutRequestIds(30)
                    .staleRetries(5)
                    .start();
            TimeUnit.SECONDS.sleep(3);
            long used = Long.parseLong(admin.sync().info("memory").lines()
                    .filter(l -> l.startsWith("used_memory:")).findFirst().orElseThrow().substring(12).trim());
            long acceptedBefore = load.count(LikeResult.Status.ACCEPTED);
            admin.sync().configSet("maxmemory", Long.toString(used + 256 * 1024));
            try {
                TimeUnit.SECONDS.sleep(20);
            } finally {
                admin.sync().configSet("maxmemory", "0");
            }
            long acceptedDuring = load.count(LikeResult.Status.ACCEPTED) - acceptedBefore;
            TimeUnit.SECONDS.sleep(5);
            load.stop();
            assertThat(acceptedDuring).as("likes were accepted through the degraded mode while Redis refused writes")
                    .isPositive();
            Invariants.assertConverged("redis at maxmemory 20 s, 500 contents, random ids", h, p, load, CONVERGE);
        }
    }

    /** {@code CLIENT PAUSE 6000} under load: calls time out with an unknown outcome, are retried, and converge. */
    @Test
    void redisPausedFor6SecondsUnderLoadOver500Contents() throws Exception {
        try (LikePipeline p = h.pipeline().build();
                RedisClient client = RedisClient.create(TestServices.redisUri());
                StatefulRedisConnection<String, String> admin = client.connect()) {
            Load load = new Load(p.service(), 4, 2_000, contents(), 2_000, 96).randomUserIds().withoutRequestIds(30)
                    .staleRetries(5)
                    .start();
            TimeUnit.SECONDS.sleep(3);
            admin.sync().clientPause(6_000);
            TimeUnit.SECONDS.sleep(10);
            load.stop();
            Invariants.assertConverged("redis CLIENT PAUSE 6 s, 500 contents, random ids", h, p, load, CONVERGE);
        }
    }

    @Test
    void redisKilledFor90SecondsUnderLoadOver500Contents() throws Exception {
        redisOutage("redis killed 90 s, 500 contents, random ids", false, 90);
    }

    @Test
    void redisHungFor90SecondsUnderLoadOver500Contents() throws Exception {
        redisOutage("redis hung (SIGSTOP) 90 s, 500 contents, random ids", true, 90);
    }

    @Test
    void redisKilledFor5SecondsUnderLoadOver500Contents() throws Exception {
        redisOutage("redis killed 5 s, 500 contents, random ids", false, 5);
    }

    @Test
    void redisHungFor5SecondsUnderLoadOver500Contents() throws Exception {
        redisOutage("redis hung (SIGSTOP) 5 s, 500 contents, random ids", true, 5);
    }

    /**
     * Redis down for a while under load, 30% of the calls without a request ID and 5% stale retries: likes answer
     * {@code ACCEPTED} through the degraded mode (after a hang, the calls Redis held answer
     * {@code LikeTimeoutException} and are retried, with their request IDs where they have one); once Redis is back the
     * backlog is replayed in batches while the load goes on.
     */
    private void redisOutage(String scenario, boolean hang, int seconds) throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            Load load = new Load(p.service(), 4, 2_000, contents(), 10_000, (hang ? 91 : 90) + seconds).randomUserIds()
                    .withoutRequestIds(30)
                    .staleRetries(5)
                    .start();
            TimeUnit.SECONDS.sleep(3);
            int backlogAtRecovery;
            if (hang) {
                TestServices.hang(Server.REDIS);
            } else {
                TestServices.kill(Server.REDIS);
            }
            try {
                TimeUnit.SECONDS.sleep(seconds);
                backlogAtRecovery = p.degradedBacklog();
            } finally {
                if (hang) {
                    TestServices.resume(Server.REDIS);
                } else {
                    TestServices.start(Server.REDIS);
                }
            }
            long recovering = System.nanoTime();
            Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                    .until(() -> p.degradedBacklog() == 0);
            long replayMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovering);
            TimeUnit.SECONDS.sleep(5);
            load.stop();
            if (!hang || seconds >= 90) { // a short hang may end before the breaker opens
                assertThat(backlogAtRecovery).as("changes were accepted in degraded mode").isPositive();
            }
            Invariants.report(String.format("%-34s degraded_backlog_at_recovery=%d replayed_within_ms=%d", scenario,
                    backlogAtRecovery, replayMillis));
            Invariants.assertConverged(scenario, h, p, load, CONVERGE);
        }
    }
}
