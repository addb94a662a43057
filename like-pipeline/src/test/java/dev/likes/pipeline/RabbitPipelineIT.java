package dev.likes.pipeline;

import static dev.likes.pipeline.ProductionShapeFaultIT.contents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeEventConsumer;
import dev.likes.core.LikeResult;
import dev.likes.rabbitmq.RabbitLikeConsumer;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on RabbitMQ instead of Kafka, at the production shape of {@code WORKLOADS.md} (500 contents of two
 * types, random 63-bit user ids, stale retries): the same model check as on Kafka, in a storm and across a broker
 * killed or hung for 90 seconds. Results go to {@code target/reliability-report.txt}.
 */
class RabbitPipelineIT {

    private static final Duration CONVERGE = Duration.ofMinutes(4);
    private static final ContentRef POST = ContentRef.of("post", 1);

    private final Harness h = new Harness(true);

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void theBuilderPicksRabbitMqAndTheHostSeesTheSameService() {
        try (LikePipeline p = h.pipeline().build()) {
            assertThat(p.service().like(1, POST).status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(p.service().like(2, POST).count()).isEqualTo(2);
            assertThat(p.service().unlike(1, POST).count()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Invariants.nonEmpty(h.mysqlLikers())).isEqualTo(Map.of(POST, Set.of(2L))));
            assertThat(h.mysqlCounts()).containsEntry(POST, 1L);
            LikeEventConsumer consumer = p.eventConsumer().orElseThrow();
            assertThat(consumer).isInstanceOf(RabbitLikeConsumer.class);
            assertThat(consumer.health().healthy()).isTrue();
            assertThat(p.consumer()).as("no Kafka consumer on RabbitMQ").isEmpty();
        }
    }

    @Test
    void aStormAtTheProductionShapeEndsExactInEveryTier() throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            Load load = new Load(p.service(), 4, 2_000, contents(), 200, 31).randomUserIds()
                    .withoutRequestIds(30)
                    .staleRetries(5)
                    .start();
            TimeUnit.SECONDS.sleep(15);
            load.stop();
            Invariants.assertConverged("rabbitmq storm, 500 contents, random ids", h, p, load, CONVERGE);
        }
    }

    @Test
    void rabbitMqKilledFor90SecondsUnderLoadOver500Contents() throws Exception {
        outage("rabbitmq killed 90 s, 500 contents, random ids", false);
    }

    @Test
    void rabbitMqHungFor90SecondsUnderLoadOver500Contents() throws Exception {
        outage("rabbitmq hung (SIGSTOP) 90 s, 500 contents, random ids", true);
    }

    @Test
    void aUserIsForgottenOnRabbitMqToo() throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            for (long id = 1; id <= 5; id++) {
                p.service().like(77, ContentRef.of("post", id));
                p.service().like(78, ContentRef.of("post", id));
            }
            Erasure erasure = p.forgetUser(77, Duration.ofMinutes(1));
            assertThat(erasure.likesWithdrawn() + erasure.recordsErased()).isPositive();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(h.mysqlLikers().values()).allSatisfy(users -> assertThat(users).doesNotContain(77L));
                assertThat(h.mysqlCounts()).containsEntry(POST, 1L);
            });
            assertThat(p.service().hasLiked(77, POST)).isFalse();
            assertThat(p.service().count(POST)).isEqualTo(1);
        }
    }

    private void outage(String scenario, boolean hang) throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            Load load = new Load(p.service(), 4, 2_000, contents(), 2_000, hang ? 93 : 91).randomUserIds()
                    .withoutRequestIds(30)
                    .staleRetries(5)
                    .giveUpAfter(Duration.ofMinutes(3))
                    .start();
            TimeUnit.SECONDS.sleep(3);
            long before = load.operations.sum();
            if (hang) {
                TestServices.hang(Server.RABBITMQ);
            } else {
                TestServices.kill(Server.RABBITMQ);
            }
            long during;
            long backlogDuringOutage;
            try {
                TimeUnit.SECONDS.sleep(90);
                during = load.operations.sum() - before;
                backlogDuringOutage = p.redisStore().policy().outboxBacklog().toCompletableFuture().join();
                LikeEventConsumer consumer = p.eventConsumer().orElseThrow();
                assertThat(consumer.isRunning()).as("the consumer outlives a 90 s broker outage").isTrue();
                assertThat(consumer.health().healthy()).as("its health probe reports the outage").isFalse();
            } finally {
                if (hang) {
                    TestServices.resume(Server.RABBITMQ);
                } else {
                    TestServices.start(Server.RABBITMQ);
                }
            }
            TimeUnit.SECONDS.sleep(5);
            load.stop();
            assertThat(during).as("likes go on while RabbitMQ is down").isPositive();
            assertThat(backlogDuringOutage).as("changes waited in the outbox").isPositive();
            Invariants.assertConverged(scenario, h, p, load, CONVERGE);
            assertThat(p.eventConsumer().orElseThrow().health().healthy()).isTrue();
        }
    }
}
