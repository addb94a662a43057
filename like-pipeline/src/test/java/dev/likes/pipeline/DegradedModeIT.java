package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.FeedState;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The design's "liked, will show later": Redis down, likes still accepted, still in MySQL, Redis repaired after. */
class DegradedModeIT {

    private static final ContentRef POST = ContentRef.of("post", 11);
    private static final ContentRef VIDEO = ContentRef.of("video", 12);

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void whileRedisIsDownLikesAreAcceptedReachMySqlAndRedisIsRepairedWhenItIsBack() {
        try (LikePipeline p = h.pipeline().build()) {
            LikeService likes = p.service();
            for (long user = 1; user <= 3; user++) {
                assertThat(likes.like(user, POST).status()).isEqualTo(LikeResult.Status.APPLIED);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 3);

            TestServices.kill(Server.REDIS);
            try {
                LikeResult accepted = likes.like(4, POST, "click-4");
                assertThat(accepted.status()).isEqualTo(LikeResult.Status.ACCEPTED);
                assertThat(accepted.liked()).isTrue();
                assertThat(accepted.count()).as("an estimate from the local cache").isGreaterThanOrEqualTo(1);
                assertThat(likes.unlike(1, POST).status()).isEqualTo(LikeResult.Status.ACCEPTED);
                assertThat(likes.like(5, VIDEO).status()).isEqualTo(LikeResult.Status.ACCEPTED);
                assertThat(p.degradedBacklog()).isEqualTo(3);

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Invariants.nonEmpty(h.mysqlLikers()))
                        .as("degraded changes reach MySQL through Kafka while Redis is down")
                        .isEqualTo(Map.of(POST, Set.of(2L, 3L, 4L), VIDEO, Set.of(5L))));
                FeedState feed = likes.feed(2, List.of(POST, VIDEO));
                assertThat(feed.possiblyStale()).isTrue();
                assertThat(feed.liked()).containsExactly(POST);
                assertThat(feed.counts()).containsEntry(VIDEO, 1L);
                assertThat(likes.hasLiked(4, POST)).as("reads fall back to MySQL").isTrue();
                assertThat(p.circuitState()).isIn("OPEN", "HALF_OPEN");
            } finally {
                TestServices.start(Server.REDIS);
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(p.degradedBacklog()).isZero();
                assertThat(p.redisStore().policy().cachedCount(POST).toCompletableFuture().join()).hasValue(3);
            });
            assertThat(p.redisStore().policy().cachedLikers(POST).toCompletableFuture().join()).containsExactlyInAnyOrder(2L, 3L, 4L);
            assertThat(likes.like(4, POST, "click-4").status()).as("the request ID was replayed with the change")
                    .isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            assertThat(likes.count(VIDEO)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !likes.feed(2, List.of(POST, VIDEO)).possiblyStale());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Invariants.nonEmpty(h.mysqlLikers()))
                    .isEqualTo(Map.of(POST, Set.of(2L, 3L, 4L), VIDEO, Set.of(5L))));
            assertThat(h.mysqlCounts()).containsEntry(POST, 3L).containsEntry(VIDEO, 1L);
            assertThat(p.reconciler().reconcile(List.of(POST, VIDEO), false).clean()).isTrue();
            // 3 likes, 3 degraded changes, and the replays through Redis that changed its state: each its own ID
            assertThat(h.eventIds()).hasSizeGreaterThanOrEqualTo(8).doesNotHaveDuplicates();
        }
    }

    @Test
    void requestIdsAreHonouredWhileRedisIsDown() {
        try (LikePipeline p = h.pipeline().build()) {
            LikeService likes = p.service();
            assertThat(likes.like(1, POST, "a").status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(likes.unlike(1, POST, "b").status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(likes.like(2, POST, "c").status()).isEqualTo(LikeResult.Status.APPLIED);
            // the durable side has recorded the three request IDs
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 1
                    && h.jdbi.withHandle(x -> x.createQuery("SELECT COUNT(*) FROM like_requests")
                            .mapTo(Long.class).one()) == 3);

            TestServices.kill(Server.REDIS);
            try {
                LikeResult stale = likes.like(1, POST, "a"); // a retry of the like answered before the unlike
                assertThat(stale.status()).isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
                assertThat(stale.liked()).isFalse();
                assertThat(likes.unlike(2, POST, "d").status()).isEqualTo(LikeResult.Status.ACCEPTED);
                assertThat(likes.unlike(2, POST, "d").status()).as("a retry during the outage")
                        .isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
                assertThat(likes.like(2, POST, "c").status()).as("a stale retry from before the outage")
                        .isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
                assertThat(likes.like(3, POST, "e").status()).isEqualTo(LikeResult.Status.ACCEPTED);
                assertThat(p.degradedBacklog()).isEqualTo(2);
            } finally {
                TestServices.start(Server.REDIS);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(p.degradedBacklog()).isZero();
                assertThat(Invariants.nonEmpty(h.mysqlLikers())).isEqualTo(Map.of(POST, Set.of(3L)));
            });
            assertThat(likes.unlike(2, POST, "d").status()).as("Redis learned the request ID from the replay")
                    .isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            assertThat(likes.hasLiked(1, POST)).isFalse();
            assertThat(likes.hasLiked(2, POST)).isFalse();
            assertThat(likes.count(POST)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 1);
            assertThat(p.reconciler().reconcile(List.of(POST), false).clean()).isTrue();
        }
    }

    /**
     * A stale retry that the degraded mode cannot recognise: Redis applied its request ID and a later change of the
     * pair just before the outage, and neither reached MySQL (Kafka was down). The retry is accepted and its event
     * overwrites MySQL's row with a newer version; at the replay Redis recognises the request ID, and the correction
     * brings MySQL back to the pair's last acknowledged state.
     */
    @Test
    void aStaleRetryOfAChangeStillOnItsWayToMySqlIsCorrectedAtTheReplay() {
        try (LikePipeline p = h.pipeline().callTimeout(Duration.ofSeconds(10)).build()) {
            LikeService likes = p.service();
            assertThat(likes.like(2, POST, "other").status()).isEqualTo(LikeResult.Status.APPLIED);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 1);

            TestServices.kill(Server.KAFKA);
            try {
                assertThat(likes.like(1, POST, "a").status()).isEqualTo(LikeResult.Status.APPLIED);
                assertThat(likes.unlike(1, POST, "b").status()).isEqualTo(LikeResult.Status.APPLIED);
                TestServices.kill(Server.REDIS); // the two events wait in Redis' outbox
            } finally {
                TestServices.start(Server.KAFKA);
            }
            try {
                LikeResult stale = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> likes.like(1, POST, "a"), r -> true);
                assertThat(stale.status()).isIn(LikeResult.Status.ACCEPTED, LikeResult.Status.DUPLICATE_REQUEST);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(h.mysqlLikers().getOrDefault(POST, Set.of()))
                                .as("the stale retry reached MySQL").contains(1L));
            } finally {
                TestServices.start(Server.REDIS);
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(p.degradedBacklog()).isZero();
                assertThat(Invariants.nonEmpty(h.mysqlLikers()))
                        .as("MySQL ends on the last acknowledged change of each pair")
                        .isEqualTo(Map.of(POST, Set.of(2L)));
                assertThat(h.mysqlCounts()).containsEntry(POST, 1L);
            });
            assertThat(likes.hasLiked(1, POST)).isFalse();
            assertThat(likes.count(POST)).isEqualTo(1);
            assertThat(p.reconciler().reconcile(List.of(POST), false).clean()).isTrue();
        }
    }

    @Test
    void aDatabaseOutageDoesNotOpenTheRedisBreakerAndLoadedContentsStayOnTheHotPath() {
        // a call may wait for a failing load (the pool's 5 s connection timeout) and still be answered
        try (LikePipeline p = h.pipeline().callTimeout(Duration.ofSeconds(20)).build()) {
            LikeService likes = p.service();
            assertThat(likes.like(1, POST).status()).isEqualTo(LikeResult.Status.APPLIED); // POST is in Redis
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 1);

            List<ContentRef> cold = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                cold.add(ContentRef.of("post", 1_000 + i));
            }
            TestServices.kill(Server.MARIADB);
            try {
                List<CompletableFuture<LikeResult>> answers = cold.stream()
                        .map(c -> likes.async().like(2, c).toCompletableFuture())
                        .toList();
                for (CompletableFuture<LikeResult> answer : answers) {
                    assertThat(answer.join().status()).as("a content MySQL cannot load goes to the degraded mode")
                            .isEqualTo(LikeResult.Status.ACCEPTED);
                }
                assertThat(p.circuitState()).as("MySQL's failures are not counted against Redis").isEqualTo("CLOSED");
                assertThat(likes.like(3, POST).status()).as("a content already in Redis").isEqualTo(LikeResult.Status.APPLIED);
            } finally {
                TestServices.start(Server.MARIADB);
            }
            Map<ContentRef, Set<Long>> expected = new HashMap<>();
            expected.put(POST, Set.of(1L, 3L));
            cold.forEach(c -> expected.put(c, Set.of(2L)));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(p.degradedBacklog()).isZero();
                assertThat(Invariants.nonEmpty(h.mysqlLikers())).isEqualTo(expected);
            });
            for (ContentRef c : cold) {
                assertThat(likes.hasLiked(2, c)).isTrue();
                assertThat(likes.count(c)).isEqualTo(1);
            }
            assertThat(likes.count(POST)).isEqualTo(2);
        }
    }

    @Test
    void aLikeThatTimesOutIsNotAcceptedASecondTimeThroughTheDegradedMode() throws Exception {
        try (LikePipeline p = h.pipeline().build();
                StatefulRedisConnection<String, String> admin =
                        RedisClient.create(TestServices.redisUri()).connect()) {
            LikeService likes = p.service();
            assertThat(likes.like(1, POST, "r1").status()).isEqualTo(LikeResult.Status.APPLIED);

            admin.sync().clientPause(2_500); // longer than the 700 ms command timeout of the harness
            List<CompletableFuture<LikeResult>> answers = new ArrayList<>();
            for (long user = 2; user <= 41; user++) {
                answers.add(likes.async().like(user, POST, "r" + user).toCompletableFuture());
            }
            for (CompletableFuture<LikeResult> answer : answers) {
                Throwable failure = answer.handle((r, e) -> e).join();
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                assertThat(cause).as("a like sent to a paused Redis has an unknown outcome")
                        .isInstanceOf(LikeTimeoutException.class);
            }
            assertThat(p.degradedBacklog()).as("nothing was accepted a second time through the degraded mode")
                    .isZero();

            // Redis runs the paused calls once the pause ends: every like is applied exactly once
            Set<Long> users = new HashSet<>();
            for (long user = 1; user <= 41; user++) {
                users.add(user);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Invariants.nonEmpty(h.mysqlLikers())).isEqualTo(Map.of(POST, users)));
            assertThat(likes.count(POST)).isEqualTo(41);
            assertThat(likes.like(7, POST, "r7").status()).as("a retry learns the outcome")
                    .isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            assertThat(new HashSet<>(h.eventIds())).as("one event per like: none from the degraded mode")
                    .hasSize(41);
            assertThat(p.degradedBacklog()).isZero();
        }
    }

    /**
     * While Redis hangs, each half-open probe of the breaker replays the degraded changes; the probe times out, but
     * Redis runs its commands when it resumes, and then the replay that succeeds runs them again. A like without a
     * request ID followed by an unlike with one must not end liked: the replay of a change is applied at most once.
     */
    @Test
    void replaysThatRedisRunsLateApplyEachChangeOnce() throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            LikeService likes = p.service();
            assertThat(likes.like(9, POST).status()).isEqualTo(LikeResult.Status.APPLIED);
            TestServices.hang(Server.REDIS);
            try {
                // calls that time out open the breaker (the harness: 3 calls, 700 ms command timeout)
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    try {
                        return likes.like(100, VIDEO).status() == LikeResult.Status.ACCEPTED;
                    } catch (LikeTimeoutException e) {
                        return false;
                    }
                });
                assertThat(likes.like(1, POST).status()).isEqualTo(LikeResult.Status.ACCEPTED);
                assertThat(likes.unlike(1, POST, "unlike-1").status()).isEqualTo(LikeResult.Status.ACCEPTED);
                // half-open probes replay both changes into the hung Redis every 500 ms; each one times out
                Thread.sleep(4_000);
            } finally {
                TestServices.resume(Server.REDIS);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(p.degradedBacklog()).isZero();
                assertThat(Invariants.nonEmpty(h.mysqlLikers())).as("MySQL ends on the last answer of each pair")
                        .isEqualTo(Map.of(POST, Set.of(9L), VIDEO, Set.of(100L)));
            });
            assertThat(likes.hasLiked(1, POST)).as("Redis ends on the last answer").isFalse();
            assertThat(likes.count(POST)).isEqualTo(1);
            assertThat(p.reconciler().reconcile(List.of(POST, VIDEO), false).clean()).isTrue();
        }
    }

    @Test
    void whenRedisAndKafkaAreBothDownALikeFailsClearlyAndNothingIsRecorded() {
        try (LikePipeline p = h.pipeline().callTimeout(Duration.ofSeconds(10))
                .configurePublisher(b -> b.producerProperty("max.block.ms", 1_000)
                        .producerProperty("delivery.timeout.ms", 3_000).producerProperty("request.timeout.ms", 1_000))
                .build()) {
            p.service().like(1, POST);
            TestServices.kill(Server.REDIS);
            TestServices.kill(Server.KAFKA);
            try {
                Assertions.assertThatThrownBy(() -> p.service().like(2, POST))
                        .isInstanceOf(LikeStoreException.class)
                        .hasMessageContaining("nothing was recorded");
                assertThat(p.degradedBacklog()).isZero();
            } finally {
                TestServices.start(Server.REDIS);
                TestServices.start(Server.KAFKA);
            }
        }
    }
}
