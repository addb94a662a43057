package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.FeedState;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wired pipeline on the real servers, without faults. */
class PipelineIT {

    private static final ContentRef POST = ContentRef.of("post", 1);
    private static final ContentRef VIDEO = ContentRef.of("video", 2);

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void likesReachMySqlAndEveryTierAgrees() {
        try (LikePipeline p = h.pipeline().build()) {
            LikeService likes = p.service();
            assertThat(likes.like(1, POST).status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(likes.like(2, POST).count()).isEqualTo(2);
            assertThat(likes.like(2, POST).status()).isEqualTo(LikeResult.Status.UNCHANGED);
            assertThat(likes.like(3, VIDEO, "r-1").status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(likes.like(3, VIDEO, "r-1").status()).isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            assertThat(likes.unlike(1, POST).count()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Invariants.nonEmpty(h.mysqlLikers()))
                    .isEqualTo(Map.of(POST, Set.of(2L), VIDEO, Set.of(3L))));
            assertThat(h.mysqlCounts()).containsEntry(POST, 1L).containsEntry(VIDEO, 1L);
            FeedState feed = likes.feed(2, List.of(POST, VIDEO, ContentRef.of("post", 3)));
            assertThat(feed.counts()).containsEntry(POST, 1L).containsEntry(VIDEO, 1L).containsEntry(ContentRef.of("post", 3), 0L);
            assertThat(feed.liked()).containsExactly(POST);
            assertThat(feed.possiblyStale()).isFalse();
            assertThat(p.reconciler().reconcileCached(false).clean()).isTrue();
            assertThat(p.circuitState()).isEqualTo("CLOSED");
        }
    }

    @Test
    void aContentOnlyInMySqlIsReadThroughAndLikedOnTopOfItsHistory() {
        try (LikePipeline first = h.pipeline().build()) {
            for (long user = 1; user <= 5; user++) {
                first.service().like(user, POST);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 5);
        }
        // Redis forgets the content (expired, evicted, or a new Redis): MySQL's history is loaded back
        try (LikePipeline second = h.pipeline().build()) {
            assertThat(second.redisStore().policy().evict(POST).toCompletableFuture().join()).isTrue();
            assertThat(second.service().like(6, POST).count()).isEqualTo(6);
            assertThat(second.service().like(3, POST).status()).isEqualTo(LikeResult.Status.UNCHANGED);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 6);
        }
    }

    @Test
    void aReloadedContentsEventsStayNewerThanMySqlsWhateverRedisClockSays() {
        ContentRef post = ContentRef.of("post", 4242);
        try (LikePipeline p = h.pipeline().build()) {
            LikeService likes = p.service();
            likes.like(1, post);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(post, 0L) == 1);
            // MySQL applied the like at a version a day ahead of Redis' clock (a failover to a host whose clock is
            // behind); Redis forgets the post
            long ahead = (System.currentTimeMillis() + Duration.ofDays(1).toMillis()) * 1_000;
            h.jdbi.useHandle(x -> {
                x.execute("UPDATE like_records SET version = ? WHERE content_id = 4242", ahead);
                x.execute("UPDATE like_counts SET version = ? WHERE content_id = 4242", ahead);
            });
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    p.redisStore().policy().evict(post).toCompletableFuture().join());

            LikeResult unliked = likes.unlike(1, post);
            assertThat(unliked.status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(unliked.version()).isGreaterThan(ahead);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(h.mysqlLikers().getOrDefault(post, Set.of())).as("MySQL applied the unlike").isEmpty();
                assertThat(h.mysqlCounts()).containsEntry(post, 0L);
            });
        }
    }

    @Test
    void metersAreRegisteredOnTheHostRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LikePipeline p = h.pipeline().meterRegistry(registry).build()) {
            p.service().like(1, POST);
            p.service().like(1, POST);
            p.service().count(POST);
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.get("likes.consumer.applied").functionCounter().count() >= 1);
            assertThat(registry.get("likes.mutations").tag("status", "APPLIED").tag("action", "like").timer().count()).isEqualTo(1);
            assertThat(registry.get("likes.mutations").tag("status", "UNCHANGED").timer().count()).isEqualTo(1);
            assertThat(registry.get("likes.redis.circuit.state").gauge().value()).isZero();
            assertThat(registry.get("likes.local.cache.requests").tag("result", "hit").functionCounter().count()).isPositive();
            assertThat(registry.get("likes.outbox.relayed").tag("path", "fast").functionCounter().count()).isEqualTo(1);
            assertThat(registry.find("likes.consumer.lag").gauge()).isNotNull();
            assertThat(registry.find("likes.rejections").counters()).hasSize(2);
            assertThat(registry.find("likes.degraded.backlog").gauge()).isNotNull();
            System.gc(); // gauges must hold what they sample: a weakly held one would read NaN after a collection
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("likes.outbox.backlog").gauge().value() == 0);
            assertThat(registry.get("likes.degraded.backlog").gauge().value()).isZero();
            assertThat(registry.get("likes.consumer.healthy").gauge().value()).isEqualTo(1);
            assertThat(registry.get("likes.consumer.replaced").functionCounter().count()).isZero();
        }
    }

    @Test
    void aConsumerThatStoppedIsReplacedAndEventsKeepReachingMySql() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LikePipeline p = h.pipeline().meterRegistry(registry).build()) {
            p.service().like(1, POST);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 1);
            KafkaLikeConsumer first = p.consumer().orElseThrow();
            first.close(); // as if its thread had died
            assertThat(first.isRunning()).isFalse();
            p.service().like(2, POST);
            await().atMost(Duration.ofSeconds(60)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 2);
            assertThat(p.consumer().orElseThrow()).isNotSameAs(first);
            assertThat(p.consumer().orElseThrow().isRunning()).isTrue();
            assertThat(p.consumerReplacements()).isEqualTo(1);
            System.gc();
            assertThat(registry.get("likes.consumer.replaced").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("likes.consumer.applied").functionCounter().count()).isPositive();
        }
    }

    @Test
    void aUserOverTheRateLimitIsRefusedAndNothingIsWritten() {
        try (LikePipeline p = h.pipeline().rateLimit(0.2, 3).build()) {
            for (int i = 1; i <= 3; i++) {
                p.service().like(7, ContentRef.of("post", i));
            }
            assertThatThrownBy(() -> p.service().like(7, ContentRef.of("post", 4)))
                    .isInstanceOf(LikeRejectedException.class)
                    .hasMessageContaining("rate limit")
                    .satisfies(e -> {
                        LikeRejectedException r = (LikeRejectedException) e;
                        assertThat(r.reason()).isEqualTo(LikeRejectedException.Reason.RATE_LIMITED);
                        assertThat(r.retryAfter()).isPositive();
                    });
            assertThat(p.service().hasLiked(7, ContentRef.of("post", 4))).isFalse();
            assertThat(p.service().like(8, ContentRef.of("post", 4)).changed()).as("other users are not limited").isTrue();
        }
    }

    @Test
    void aSpikeBeyondTheInFlightBoundIsShedExplicitlyAndWhatWasAcceptedIsExact() {
        try (LikePipeline p = h.pipeline().maxInFlight(16).build()) {
            List<CompletableFuture<LikeResult>> calls = new ArrayList<>();
            for (long user = 1; user <= 3_000; user++) {
                calls.add(p.service().async().like(user, POST).toCompletableFuture());
            }
            long applied = 0;
            long shed = 0;
            for (CompletableFuture<LikeResult> call : calls) {
                try {
                    call.join();
                    applied++;
                } catch (CompletionException e) {
                    assertThat(e.getCause()).isInstanceOf(LikeRejectedException.class);
                    assertThat(((LikeRejectedException) e.getCause()).reason()).isEqualTo(LikeRejectedException.Reason.OVERLOADED);
                    shed++;
                }
            }
            assertThat(shed).as("some calls were shed").isPositive();
            assertThat(applied + shed).isEqualTo(3_000);
            long expected = applied;
            assertThat(p.redisStore().policy().cachedCount(POST).toCompletableFuture().join().orElse(0)).isEqualTo(expected);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == expected);
        }
    }

    @Test
    void closingWithLikesInFlightAcceptsNoneInDegradedModeAndKeepsEveryAcknowledgedLike() {
        Random random = new Random(11);
        List<ContentRef> contents = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            contents.add(ContentRef.of("post", 1 + (random.nextLong() >>> 2)));
        }
        List<ContentRef> targets = new ArrayList<>();
        List<CompletableFuture<LikeResult>> calls = new ArrayList<>();
        LikePipeline p = h.pipeline().noRateLimit().build();
        for (int i = 0; i < 3_000; i++) {
            ContentRef content = contents.get(random.nextInt(contents.size()));
            targets.add(content);
            calls.add(p.service().async().like(1 + (random.nextLong() >>> 1), content).toCompletableFuture());
        }
        p.close(); // most of the likes are still in flight: their contents are being loaded from MySQL

        Map<ContentRef, Long> acknowledged = new HashMap<>();
        Map<ContentRef, Long> unknown = new HashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            try {
                LikeResult result = calls.get(i).join();
                assertThat(result.status()).as("a change accepted in degraded mode while the pipeline closes")
                        .isEqualTo(LikeResult.Status.APPLIED);
                acknowledged.merge(targets.get(i), 1L, Long::sum);
            } catch (CompletionException e) {
                unknown.merge(targets.get(i), 1L, Long::sum);
            }
        }
        assertThat(p.degradedBacklog()).isZero();

        // every acknowledged like reaches MySQL through a new pipeline's consumer
        try (LikePipeline next = h.pipeline().build()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<ContentRef, Long> counts = h.mysqlCounts();
                for (ContentRef content : contents) {
                    long n = counts.getOrDefault(content, 0L);
                    assertThat(n).as("MySQL count of %s", content)
                            .isBetween(acknowledged.getOrDefault(content, 0L),
                                    acknowledged.getOrDefault(content, 0L) + unknown.getOrDefault(content, 0L));
                    assertThat(next.service().count(content)).isEqualTo(n);
                }
            });
        }
    }

    @Test
    void theBuilderNamesWhatIsMissing() {
        assertThatThrownBy(() -> LikePipeline.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis");
        assertThatThrownBy(() -> LikePipeline.builder().redis(RedisURI.create("redis://127.0.0.1:1")).build())
                .hasMessageContaining("kafka(bootstrapServers) or rabbitmq(uri)");
        assertThatThrownBy(() -> LikePipeline.builder().redis(RedisURI.create("redis://127.0.0.1:1"))
                .kafka("127.0.0.1:1").rabbitmq("amqp://127.0.0.1:1").mysql(h.jdbi).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("choose one");
        assertThatThrownBy(() -> LikePipeline.builder().rabbitmq(" ")).hasMessageContaining("rabbitmq uri");
        assertThatThrownBy(() -> LikePipeline.builder().rateLimit(0, 1)).hasMessageContaining("perSecond");
        assertThatThrownBy(() -> LikePipeline.builder().maxInFlight(0)).hasMessageContaining("maxInFlight");
    }

    @Test
    void aDatabaseWithoutTheTablesOrAMissingTopicFailsTheBuildSayingWhatToDo() {
        Harness bare = new Harness(TestServices.freshDatabase(), false, false, TestServices.uniqueName("likes"));
        try {
            assertThatThrownBy(() -> bare.pipeline().build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("like_records")
                    .hasMessageContaining("dev/likes/jdbc/migration");
            JdbiLikeStore.createSchema(bare.jdbi);
            String absent = TestServices.uniqueName("absent");
            assertThatThrownBy(() -> LikePipeline.builder()
                            .redis(RedisURI.create(TestServices.redisUri()))
                            .kafka(TestServices.kafkaBootstrap())
                            .mysql(bare.jdbi)
                            .topic(absent)
                            .build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("topic " + absent + " does not exist")
                    .hasMessageContaining("createTopic");
        } finally {
            bare.close();
        }
    }
}
