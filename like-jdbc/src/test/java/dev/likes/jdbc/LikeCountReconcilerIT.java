package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.JobLeases;
import dev.likes.core.LikeService;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Drift between like_counts and like_records is found, reported and repaired. */
class LikeCountReconcilerIT {

    @Test
    void findsReportsAndRepairsDrift() {
        Jdbi db = Databases.fresh();
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build();
                LikeService service = LikeService.builder(store).build()) {
            for (long id = 1; id <= 30; id++) {
                for (long user = 1; user <= id; user++) {
                    service.like(user, ContentRef.of("post", id * 7_000));
                }
            }
            // damage: a lost update, a double count, and a count row that went missing
            db.useHandle(h -> {
                h.execute("UPDATE like_counts SET like_count = like_count - 1 WHERE content_id = 21000");
                h.execute("UPDATE like_counts SET like_count = like_count + 1 WHERE content_id = 140000");
                h.execute("DELETE FROM like_counts WHERE content_id = 210000");
            });
            LikeCountReconciler reconciler = new LikeCountReconciler(db);

            LikeCountReconciler.Report found = reconciler.reconcileAll(false);
            assertThat(found.contentsChecked()).isEqualTo(30);
            assertThat(found.drifts()).containsExactlyInAnyOrder(
                    new LikeCountReconciler.Drift(ContentRef.of("post", 21_000), 2, 3),
                    new LikeCountReconciler.Drift(ContentRef.of("post", 140_000), 21, 20),
                    new LikeCountReconciler.Drift(ContentRef.of("post", 210_000), 0, 30));
            assertThat(service.count(ContentRef.of("post", 21_000))).isEqualTo(2); // not repaired yet

            assertThat(reconciler.reconcileAll(true).drifts()).hasSize(3);
            assertThat(reconciler.reconcileAll(false).drifts()).isEmpty();
            assertThat(service.count(ContentRef.of("post", 210_000))).isEqualTo(30);
            assertThat(reconciler.reconcile(ContentRef.of("post", 7_000), true).drifts()).isEmpty();
        }
    }

    /** A full run holds the job's lease: while another instance holds it, a run checks nothing. */
    @Test
    void aFullRunWaitsItsTurnBehindAnotherInstance() {
        Jdbi db = Databases.fresh();
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build();
                LikeService service = LikeService.builder(store).build()) {
            service.like(1, ContentRef.of("post", 1));
            db.useHandle(h -> h.execute("UPDATE like_counts SET like_count = 5"));
            LikeCountReconciler reconciler = new LikeCountReconciler(db);
            try (JobLeases.Lease other = JdbiJobLeases.create(db)
                    .tryAcquire(LikeCountReconciler.JOB, Duration.ofMinutes(1))
                    .orElseThrow()) {
                LikeCountReconciler.Report skipped = reconciler.reconcileAll(true);
                assertThat(skipped.contentsChecked()).isZero();
                assertThat(service.count(ContentRef.of("post", 1))).as("not repaired").isEqualTo(5);
                assertThat(other.renew()).isTrue();
            }
            assertThat(reconciler.reconcileAll(true).drifts()).hasSize(1);
            assertThat(service.count(ContentRef.of("post", 1))).isEqualTo(1);
            assertThat(JdbiJobLeases.create(db).tryAcquire(LikeCountReconciler.JOB, Duration.ofMinutes(1)))
                    .as("released after the run").isPresent();
        }
    }
}
