package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeService;
import dev.likes.core.Liker;
import dev.likes.core.PageRequest;
import dev.likes.core.UnstorableEventException;
import dev.likes.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The design's table: a database created with the design's DDL is upgraded in place and keeps its rows, SQL written
 * for the design's table works on ours, and the schema's guards and upkeep (request purge, unstorable events) hold.
 */
class JdbiSchemaIT {

    /** The design's DDL, verbatim. */
    private static final String DESIGN_TABLE = """
            CREATE TABLE `like_records` (
            `id` BIGINT(20) NOT NULL AUTO_INCREMENT COMMENT 'Primary key',
            `user_id` BIGINT(20) NOT NULL COMMENT 'User ID',
            `content_id` BIGINT(20) NOT NULL COMMENT 'Content ID',
            `content_type` VARCHAR(20) NOT NULL COMMENT 'Content type',
            `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT 'Like time',
            `updated_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'Update time',
            `is_canceled` TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'Logical delete flag',
            PRIMARY KEY (`id`),
            UNIQUE KEY `uk_user_content` (`user_id`,`content_id`,`content_type`) COMMENT 'Prevent duplicate likes',
            KEY `idx_content` (`content_id`,`content_type`) COMMENT 'Query by content'
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='User like records'""";

    private static long rows(Jdbi db, String sql) {
        return db.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void timesKeepTheirMillisecondsOnMariaDbAndMySql() {
        Jdbi db = Databases.fresh();
        Instant at = Instant.parse("2026-12-03T10:00:00.123Z");
        ContentRef post = ContentRef.of("post", 12);
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build();
                LikeService service = LikeService.builder(store).clock(MutableClock.at(at)).build()) {
            service.like(5, post);
            store.apply(List.of(new LikeEvent("e1", null, 6, post, LikeAction.LIKE, at.plusMillis(1), 1, 2)))
                    .toCompletableFuture().join();
            String stored = db.withHandle(h -> h.createQuery(
                    "SELECT CAST(updated_at AS CHAR) FROM like_records WHERE user_id = 5").mapTo(String.class).one());
            assertThat(stored).isEqualTo("2026-12-03 10:00:00.123");
            assertThat(service.likers(post, PageRequest.first(10)).items())
                    .extracting(Liker::likedAt)
                    .containsExactly(at.plusMillis(1), at);
        }
    }

    @Test
    void aDatabaseCreatedWithTheDesignsDdlIsUpgradedInPlaceAndKeepsItsRows() throws Exception {
        Jdbi db = Databases.empty();
        db.useHandle(h -> {
            h.execute(DESIGN_TABLE);
            // rows as an application written for the design's table writes them: defaults for the times
            h.execute("INSERT INTO like_records (user_id, content_id, content_type) VALUES (1, 10, 'post'),"
                    + " (2, 10, 'post'), (3, 10, 'post'), (1, 11, 'comment')");
            h.execute("INSERT INTO like_records (user_id, content_id, content_type, is_canceled) VALUES (4, 10, 'post', 1)");
        });

        JdbiLikeStore.createSchema(db);
        JdbiLikeStore.createSchema(db); // again: nothing to do

        ContentRef post = ContentRef.of("post", 10);
        MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build();
                LikeService service = LikeService.builder(store).clock(clock).build()) {
            assertThat(service.count(post)).isEqualTo(3);
            assertThat(service.count(ContentRef.of("comment", 11))).isEqualTo(1);
            assertThat(service.hasLiked(2, post)).isTrue();
            assertThat(service.hasLiked(4, post)).isFalse();
            assertThat(service.likers(post, PageRequest.first(10)).items()).hasSize(3);
            // the old rows have version 0: any change wins over them, through the store and through events
            assertThat(service.unlike(2, post).count()).isEqualTo(2);
            store.apply(List.of(new LikeEvent("e1", null, 4, post, LikeAction.LIKE, clock.instant(), 1, 3)))
                    .toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertThat(service.hasLiked(4, post)).isTrue();
            assertThat(service.count(post)).isEqualTo(3);
        }
        assertThat(new LikeCountReconciler(db).reconcileAll(false).drifts()).isEmpty();
        assertThat(rows(db, "SELECT COUNT(*) FROM like_records"))
                .isEqualTo(5);
    }

    @Test
    void sqlWrittenForTheDesignsTableWorksOnTheLibrarysTable() {
        Jdbi db = Databases.fresh();
        db.useHandle(h -> {
            h.execute("INSERT INTO like_records (user_id, content_id, content_type) VALUES (7, 70, 'post')");
            h.execute("UPDATE like_records SET is_canceled = 1 WHERE user_id = 7 AND content_id = 70");
        });
        List<Object[]> row = db.withHandle(h -> h.createQuery(
                        "SELECT created_at, updated_at, is_canceled, version FROM like_records WHERE user_id = 7")
                .map((rs, ctx) -> new Object[] {rs.getObject(1), rs.getObject(2), rs.getInt(3), rs.getLong(4)})
                .list());
        assertThat(row).hasSize(1);
        assertThat(row.get(0)[0]).isNotNull();
        assertThat(row.get(0)[1]).isNotNull();
        assertThat(row.get(0)[2]).isEqualTo(1);
        assertThat(row.get(0)[3]).isEqualTo(0L);
        List<String> indexes = db.withHandle(h -> h.createQuery("SELECT DISTINCT index_name FROM information_schema.statistics"
                        + " WHERE table_schema = DATABASE() AND table_name = 'like_records'")
                .mapTo(String.class)
                .list());
        assertThat(indexes).contains("PRIMARY", "uk_user_content", "idx_content");
    }

    @Test
    void expiredRequestIdsArePurgedInBatchesAndLiveOnesKept() throws Exception {
        Jdbi db = Databases.fresh();
        MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).requestIdTtl(Duration.ofHours(1)).build();
                LikeService service = LikeService.builder(store).clock(clock).build()) {
            for (int i = 1; i <= 250; i++) {
                service.like(i, ContentRef.of("post", 1), "r" + i);
            }
            clock.advance(Duration.ofMinutes(90));
            for (int i = 1; i <= 30; i++) {
                service.unlike(i, ContentRef.of("post", 1), "u" + i);
            }
            long purged = store.purgeExpiredRequests(clock.instant(), 100).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertThat(purged).isEqualTo(250);
            assertThat(rows(db, "SELECT COUNT(*) FROM like_requests"))
                    .isEqualTo(30);
            assertThat(service.unlike(5, ContentRef.of("post", 1), "u5").status().name()).isEqualTo("DUPLICATE_REQUEST");
        }
    }

    @Test
    void anEventWhoseTimeTheTableCannotHoldFailsTheBatchAsUnstorable() {
        Jdbi db = Databases.fresh();
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build()) {
            LikeEvent fine = new LikeEvent("ok", null, 1, ContentRef.of("post", 1), LikeAction.LIKE,
                    Instant.parse("2030-01-01T00:00:00Z"), 1, 1);
            LikeEvent farFuture = new LikeEvent("bad", null, 2, ContentRef.of("post", 1), LikeAction.LIKE,
                    Instant.parse("+10000-01-01T00:00:00Z"), 2, 2);
            assertThatThrownBy(() -> store.apply(List.of(fine, farFuture)).toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(UnstorableEventException.class)
                    .hasMessageContaining("bad");
            store.apply(List.of(fine)).toCompletableFuture().join();
            assertThat(rows(db, "SELECT COUNT(*) FROM like_records"))
                    .isEqualTo(1);
        }
    }

    @Test
    void reconcileAllFinishesWhateverTheIds() {
        Jdbi db = Databases.fresh();
        long[] ids = {1, 1_000_000_000_000L, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build()) {
            long version = 1;
            for (long id : ids) {
                store.apply(List.of(new LikeEvent("e" + id, null, 3, ContentRef.of("post", id), LikeAction.LIKE,
                        Instant.parse("2030-01-01T00:00:00Z"), version++, 1))).toCompletableFuture().join();
            }
        }
        db.useHandle(h -> h.execute("UPDATE like_counts SET like_count = 5 WHERE content_id = ?", Long.MAX_VALUE));
        LikeCountReconciler.Report report = Assertions.assertTimeoutPreemptively(
                Duration.ofMinutes(2), () -> new LikeCountReconciler(db).reconcileAll(true)); // a hang guard
        assertThat(report.contentsChecked()).isEqualTo(ids.length);
        assertThat(report.drifts()).containsExactly(new LikeCountReconciler.Drift(ContentRef.of("post", Long.MAX_VALUE), 5, 1));
        assertThat(new LikeCountReconciler(db).reconcileAll(false).drifts()).isEmpty();
    }
}
