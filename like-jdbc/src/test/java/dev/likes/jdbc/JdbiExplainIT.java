package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listing pages are index range reads, not scans and sorts: what EXPLAIN says of queries of the store's shape (a
 * page of the hot table and a page of the archive, merged).
 */
class JdbiExplainIT {

    private static Jdbi db;

    @BeforeAll
    static void data() {
        db = Databases.fresh();
        db.useHandle(h -> {
            StringBuilder sql = new StringBuilder("INSERT INTO like_records"
                    + " (user_id, content_id, content_type, created_at, updated_at, is_canceled, version) VALUES ");
            for (int i = 0; i < 5_000; i++) {
                sql.append(i == 0 ? "" : ",").append(String.format(
                        "(%d, %d, 'post', NOW(3), NOW(3) - INTERVAL %d SECOND, %d, 1)", i % 100, i / 100, i, i % 7 == 0 ? 1 : 0));
            }
            h.execute(sql.toString());
            h.execute("INSERT INTO like_records_archive (id, user_id, content_id, content_type, created_at, updated_at,"
                    + " is_canceled, version, archived_at) SELECT id + 100000, user_id + 1000, content_id, content_type,"
                    + " created_at, updated_at - INTERVAL 200 DAY, is_canceled, version, NOW(3) FROM like_records");
            h.execute("ANALYZE TABLE like_records, like_records_archive");
        });
    }

    @Test
    void likersPageUsesTheLikersIndexWithoutSorting() {
        String part = "SELECT user_id, updated_at FROM %s"
                + " WHERE content_id = 3 AND content_type = 'post' AND is_canceled = 0"
                + " AND (updated_at < NOW(3) OR (updated_at = NOW(3) AND user_id < 50))"
                + " ORDER BY updated_at DESC, user_id DESC LIMIT 20";
        assertEachTableIsOneIndexRange(union(part) + " ORDER BY updated_at DESC, user_id DESC LIMIT 20",
                "idx_content_likers");
    }

    @Test
    void myLikesPageUsesTheUserIndexWithoutSorting() {
        String part = "SELECT content_type, content_id, updated_at FROM %s"
                + " WHERE user_id = 7 AND is_canceled = 0"
                + " AND (updated_at < NOW(3) OR (updated_at = NOW(3) AND (content_type < 'post'"
                + " OR (content_type = 'post' AND content_id < 9))))"
                + " ORDER BY updated_at DESC, content_type DESC, content_id DESC LIMIT 20";
        assertEachTableIsOneIndexRange(union(part)
                + " ORDER BY updated_at DESC, content_type DESC, content_id DESC LIMIT 20", "idx_user_likes");
    }

    /** The store's shape: one page from the hot table and one from the archive, merged. */
    private static String union(String part) {
        return "(" + String.format(part, "like_records") + ") UNION ALL (" + String.format(part, "like_records_archive") + ")";
    }

    /** Each table is read as one range of {@code index} in order; only the merged page (at most 2 x 20 rows) is sorted. */
    private static void assertEachTableIsOneIndexRange(String sql, String index) {
        List<Map<String, Object>> rows = db.withHandle(h -> h.createQuery("EXPLAIN " + sql).mapToMap().list());
        List<Map<String, Object>> tables = rows.stream()
                .filter(r -> String.valueOf(r.get("table")).startsWith("like_records"))
                .toList();
        assertThat(tables).extracting(r -> r.get("table")).containsExactlyInAnyOrder("like_records", "like_records_archive");
        assertThat(tables).allSatisfy(r -> {
            assertThat(r.get("key")).isEqualTo(index);
            assertThat(String.valueOf(r.get("Extra"))).doesNotContain("filesort");
        });
    }
}
