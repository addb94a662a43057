package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.core.LikeResult;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Steady load from several threads while one server after another is killed (SIGKILL) and restarted, and while the
 * consumer is killed mid-batch: after recovery and drain, MySQL's records equal Redis' state equal the model of the
 * acknowledged operations, and every count is exact. Each scenario is bounded in time; the figures go to
 * {@code target/reliability-report.txt}.
 */
class PipelineFaultIT {

    private static final int THREADS = 4;
    private static final int USERS_PER_THREAD = 150;
    private static final Duration CONVERGE = Duration.ofMinutes(2);

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static List<ContentRef> contents() {
        List<ContentRef> contents = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            contents.add(ContentRef.of(i % 2 == 0 ? "post" : "video", 100 + i));
        }
        return contents;
    }

    private Load load(LikePipeline p, long seed) {
        return new Load(p.service(), THREADS, USERS_PER_THREAD, contents(), 1_000, seed).start();
    }

    private static void sleep(Duration d) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(d.toMillis());
    }

    /**
     * Runs the load, kills {@code server} (SIGKILL) after 2 s, checks {@code duringOutage} while it is down, starts it
     * again after {@code outage}, and stops the load {@code after} later.
     */
    private Load killUnderLoad(LikePipeline p, long seed, Server server, Duration outage, Duration after,
            Runnable duringOutage) throws InterruptedException {
        Load load = load(p, seed);
        sleep(Duration.ofSeconds(2));
        TestServices.kill(server);
        try {
            sleep(outage);
            duringOutage.run();
        } finally {
            TestServices.start(server);
        }
        sleep(after);
        load.stop();
        return load;
    }

    @Test
    void redisKilledAndRestartedUnderLoad() throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            Load load = killUnderLoad(p, 1, Server.REDIS, Duration.ofSeconds(4), Duration.ofSeconds(4), () -> {});
            assertThat(load.count(LikeResult.Status.ACCEPTED)).as("likes were accepted in degraded mode").isPositive();
            Invariants.assertConverged("redis killed 4 s under load", h, p, load, CONVERGE);
        }
    }

    @Test
    void kafkaKilledAndRestartedUnderLoad() throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            Load load = killUnderLoad(p, 2, Server.KAFKA, Duration.ofSeconds(5), Duration.ofSeconds(3),
                    () -> assertThat(p.redisStore().policy().outboxBacklog().toCompletableFuture().join())
                            .as("changes wait in the outbox while Kafka is down").isPositive());
            Invariants.assertConverged("kafka killed ~5 s under load", h, p, load, CONVERGE);
        }
    }

    @Test
    void mariadbKilledAndRestartedUnderLoad() throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            Load load = killUnderLoad(p, 3, Server.MARIADB, Duration.ofSeconds(5), Duration.ofSeconds(3), () -> {});
            Invariants.assertConverged("mariadb killed 5 s under load", h, p, load, CONVERGE);
        }
    }

    @Test
    void consumerKilledMidBatchAndReplaced() throws Exception {
        try (LikePipeline p = h.pipeline().runConsumer(false).build()) {
            SlowSink slow = new SlowSink(p.mysqlStore());
            KafkaLikeConsumer first = consumer(slow).start();
            Load load = load(p, 4);
            KafkaLikeConsumer second;
            try {
                sleep(Duration.ofSeconds(3));
                slow.awaitBatchInFlight();
            } finally {
                first.close(); // abandons the batch being applied, uncommitted
            }
            sleep(Duration.ofSeconds(1));
            second = consumer(p.mysqlStore()).start();
            try {
                sleep(Duration.ofSeconds(2));
                load.stop();
                assertThat(slow.batchesStarted).isPositive();
                Invariants.assertConverged("consumer killed mid-batch", h, p, load, CONVERGE);
            } finally {
                second.close();
            }
        }
    }

    private KafkaLikeConsumer consumer(LikeEventSink sink) {
        return KafkaLikeConsumer.builder(TestServices.kafkaBootstrap(), h.group, sink)
                .topic(h.topic)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .build();
    }

    /** Applies batches slowly, so that a close lands while one is being applied. */
    static final class SlowSink implements LikeEventSink {
        private final LikeEventSink target;
        volatile int batchesStarted;
        private volatile boolean inFlight;

        SlowSink(LikeEventSink target) {
            this.target = target;
        }

        @Override
        public CompletionStage<Void> apply(List<LikeEvent> events) {
            batchesStarted++;
            inFlight = true;
            return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS))
                    .thenCompose(x -> target.apply(events))
                    .whenComplete((x, e) -> inFlight = false);
        }

        void awaitBatchInFlight() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!inFlight && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
    }
}
