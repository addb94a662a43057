package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.JobLeases;
import dev.likes.jdbc.JdbiJobLeases;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drift made on purpose in each tier is found, reported and repaired. */
class ReconcilerIT {

    private static final ContentRef POST = ContentRef.of("post", 21);

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    private LikePipeline withThreeLikes() {
        LikePipeline p = h.pipeline().build();
        for (long user = 1; user <= 3; user++) {
            p.service().like(user, POST);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 3);
        return p;
    }

    @Test
    void aWrongCountRowIsReportedThenRepairedFromTheRecords() {
        try (LikePipeline p = withThreeLikes()) {
            h.jdbi.useHandle(x -> x.execute("UPDATE like_counts SET like_count = 99"));
            LikeReconciler.Report found = p.reconciler().reconcile(List.of(POST), false);
            assertThat(found.countRowDrifts()).singleElement().satisfies(d -> {
                assertThat(d.stored()).isEqualTo(99);
                assertThat(d.actual()).isEqualTo(3);
            });
            assertThat(h.mysqlCounts()).containsEntry(POST, 99L);
            p.reconciler().reconcile(List.of(POST), true);
            assertThat(h.mysqlCounts()).containsEntry(POST, 3L);
            assertThat(p.reconciler().reconcile(List.of(POST), false).clean()).isTrue();
        }
    }

    @Test
    void aWrongRedisCountOrStateIsReportedThenRepairedByReloadingFromMySql() {
        RedisClient client = RedisClient.create(TestServices.redisUri());
        try (LikePipeline p = withThreeLikes(); StatefulRedisConnection<String, String> admin = client.connect()) {
            // a content with three likers is one hash: its meta fields and its one status bucket
            String main = admin.sync().keys(h.prefix + ":c:{s:*}:post:21").get(0);
            admin.sync().hset(main, "n", "42");
            LikeReconciler.Report counted = p.reconciler().reconcileCached(false);
            assertThat(counted.cacheDrifts()).singleElement().satisfies(d -> {
                assertThat(d.redisCount()).isEqualTo(42);
                assertThat(d.mysqlCount()).isEqualTo(3);
                assertThat(d.repaired()).isFalse();
            });
            assertThat(p.reconciler().reconcileCached(true).cacheDrifts()).singleElement()
                    .satisfies(d -> assertThat(d.repaired()).isTrue());
            await().atMost(Duration.ofSeconds(5)).until(() -> p.service().count(POST) == 3);
            assertThat(p.service().hasLiked(1, POST)).isTrue(); // loads the state, not only the count

            // same count, other users: only the deep comparison sees it
            main = admin.sync().keys(h.prefix + ":c:{s:*}:post:21").get(0);
            admin.sync().hdel(main, "1");
            admin.sync().hset(main, "9", "0");
            LikeReconciler.Report swapped = p.reconciler().reconcile(List.of(POST), true);
            assertThat(swapped.cacheDrifts()).singleElement().satisfies(d -> {
                assertThat(d.redisCount()).isEqualTo(d.mysqlCount());
                assertThat(d.usersDiffering()).isEqualTo(2);
                assertThat(d.repaired()).isTrue();
            });
            assertThat(p.service().hasLiked(1, POST)).isTrue();
            assertThat(p.service().hasLiked(9, POST)).isFalse();
            assertThat(p.reconciler().reconcileCached(false).clean()).isTrue();
        } finally {
            client.shutdown();
        }
    }

    /** The scheduled jobs take turns across instances: while another instance holds a job's lease, a run is a no-op. */
    @Test
    void theCacheReconcilerAndTheRequestPurgeRunOnOneInstanceAtATime() throws Exception {
        try (LikePipeline p = withThreeLikes()) {
            h.jdbi.useHandle(x -> {
                for (int i = 0; i < 20; i++) {
                    x.execute("INSERT INTO like_requests (user_id, content_id, content_type, request_id, expires_at)"
                            + " VALUES (?, 1, 'post', 'r', '2020-01-01 00:00:00')", i + 1);
                }
            });
            JdbiJobLeases other = JdbiJobLeases.create(h.jdbi); // another instance of the host
            try (JobLeases.Lease reconciling =
                            other.tryAcquire(LikeReconciler.JOB, Duration.ofMinutes(1)).orElseThrow();
                    JobLeases.Lease purging = other.tryAcquire(LikePipeline.PURGE_JOB, Duration.ofMinutes(1))
                            .orElseThrow()) {
                assertThat(p.reconciler().reconcileCached(false).contentsChecked()).isZero();
                assertThat(p.purgeExpiredRequests()).isZero();
                long requests = h.jdbi.withHandle(x -> x.createQuery("SELECT COUNT(*) FROM like_requests")
                        .mapTo(Long.class)
                        .one());
                assertThat(requests).isGreaterThanOrEqualTo(20);
                assertThat(reconciling.renew() && purging.renew()).as("the other instance keeps both").isTrue();
            }
            assertThat(p.reconciler().reconcileCached(false).contentsChecked()).isPositive();
            assertThat(p.purgeExpiredRequests()).isEqualTo(20);
        }
    }
}
