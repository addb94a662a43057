package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeResult;
import dev.likes.core.Liker;
import dev.likes.core.PageRequest;
import dev.likes.jdbc.LikeArchiver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Archived likes count in every tier: after the archiver moved a post's old likes, Redis reloads them, a new like
 * counts from the true total, an archived liker still likes, and the reconcilers find nothing to repair.
 */
class ArchivedLikesIT {

    private static final ContentRef POST = ContentRef.of("post", 4_242);

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void archivingChangesNoAnswerOfAnyTierAndTheReconcilersRepairNothing() throws Exception {
        try (LikePipeline p = h.pipeline().build()) {
            // ten likes from 200 days ago, as the consumer wrote them then, and five recent ones through the service
            Instant old = Instant.now().minus(Duration.ofDays(200));
            List<LikeEvent> history = new ArrayList<>();
            for (long user = 1; user <= 10; user++) {
                history.add(new LikeEvent("old-" + user, null, user, POST, LikeAction.LIKE, old.plusSeconds(user),
                        user, user));
            }
            p.mysqlStore().apply(history).toCompletableFuture().get(1, TimeUnit.MINUTES);
            for (long user = 11; user <= 15; user++) {
                assertThat(p.service().like(user, POST).count()).isEqualTo(user);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 15);

            long moved = LikeArchiver.builder(h.jdbi, Clock.systemUTC()).build().run();
            assertThat(moved).isEqualTo(10);
            assertThat(h.mysqlRecordRows()).isEqualTo(5);
            // Redis forgets the post (its expiry, or a restart) and reloads it from MySQL on the next call
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> p.redisStore().policy().evict(POST).toCompletableFuture().get(10, TimeUnit.SECONDS));

            LikeResult fresh = p.service().like(16, POST);
            assertThat(fresh.status()).isEqualTo(LikeResult.Status.APPLIED);
            assertThat(fresh.count()).as("a new like counts from the total, archived likes included").isEqualTo(16);
            assertThat(p.service().hasLiked(3, POST)).as("an archived liker still likes").isTrue();
            LikeResult again = p.service().like(3, POST);
            assertThat(again.status()).isEqualTo(LikeResult.Status.UNCHANGED);
            assertThat(again.count()).isEqualTo(16);
            await().atMost(Duration.ofSeconds(30)).until(() -> h.mysqlCounts().getOrDefault(POST, 0L) == 16);
            // the listing (read from MySQL in cache mode) lists archived likers too
            List<Liker> likers = p.service().likers(POST, PageRequest.first(100)).items();
            assertThat(likers).extracting(Liker::userId).containsExactlyInAnyOrder(
                    1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L);

            LikeReconciler.Report report = p.reconciler().reconcile(List.of(POST), true);
            assertThat(report.clean()).as(report.toString()).isTrue();
            assertThat(p.reconciler().reconcileCached(true).clean()).isTrue();
            assertThat(p.service().count(POST)).isEqualTo(16);
            assertThat(h.mysqlCounts()).containsEntry(POST, 16L);
            long live = h.jdbi.withHandle(x -> x.createQuery("SELECT (SELECT COUNT(*) FROM like_records"
                            + " WHERE content_id = 4242 AND is_canceled = 0) + (SELECT COUNT(*) FROM like_records_archive"
                            + " WHERE content_id = 4242 AND is_canceled = 0)")
                    .mapTo(Long.class)
                    .one());
            assertThat(live).isEqualTo(16);
        }
    }
}
