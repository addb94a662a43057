package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.testsupport.Server;
import dev.likes.testsupport.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
            Load load = new Load(p.service(), 4, 2_000, contents(), 2_000, 90).randomUserIds().start();
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
    void redisKilledFor90SecondsUnderLoadOver500Contents() throws Exception {
        redisOutage("redis killed 90 s, 500 contents, random ids", false);
    }

    @Test
    void redisHungFor90SecondsUnderLoadOver500Contents() throws Exception {
        redisOutage("redis hung (SIGSTOP) 90 s, 500 contents, random ids", true);
    }

    /**
     * Redis down for 90 s under load, 30% of the calls without a request ID: likes answer {@code ACCEPTED} through
     * the degraded mode (after a hang, the calls Redis held answer {@code LikeTimeoutException} and are retried, with
     * their request IDs where they have one); once Redis is back the backlog is replayed in batches while the load
     * goes on.
     */
    private void redisOutage(String scenario, boolean hang) throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            Load load = new Load(p.service(), 4, 2_000, contents(), 10_000, hang ? 91 : 90).randomUserIds()
                    .withoutRequestIds(30)
                    .start();
            TimeUnit.SECONDS.sleep(3);
            int backlogAtRecovery;
            if (hang) {
                TestServices.hang(Server.REDIS);
            } else {
                TestServices.kill(Server.REDIS);
            }
            try {
                TimeUnit.SECONDS.sleep(90);
                backlogAtRecovery = p.degradedBacklog();
            } finally {
                if (hang) {
                    TestServices.resume(Server.REDIS);
                } else {
                    TestServices.start(Server.REDIS);
                }
            }
            long recovering = System.nanoTime();
            org.awaitility.Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                    .until(() -> p.degradedBacklog() == 0);
            long replayMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovering);
            TimeUnit.SECONDS.sleep(5);
            load.stop();
            assertThat(backlogAtRecovery).as("changes were accepted in degraded mode").isPositive();
            Invariants.report(String.format("%-34s degraded_backlog_at_recovery=%d replayed_within_ms=%d", scenario,
                    backlogAtRecovery, replayMillis));
            Invariants.assertConverged(scenario, h, p, load, CONVERGE);
        }
    }
}
