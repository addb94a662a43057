package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The listing pages are index range reads, not scans and sorts: what EXPLAIN says of the store's own queries. */
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
            h.execute("ANALYZE TABLE like_records");
        });
    }

    @Test
    void likersPageUsesTheLikersIndexWithoutSorting() {
        Map<String, Object> plan = explain("SELECT user_id, updated_at FROM like_records"
                + " WHERE content_id = 3 AND content_type = 'post' AND is_canceled = 0"
                + " AND (updated_at < NOW(3) OR (updated_at = NOW(3) AND user_id < 50))"
                + " ORDER BY updated_at DESC, user_id DESC LIMIT 20");
        assertThat(plan.get("key")).isEqualTo("idx_content_likers");
        assertThat(String.valueOf(plan.get("Extra"))).doesNotContain("filesort");
    }

    @Test
    void myLikesPageUsesTheUserIndexWithoutSorting() {
        Map<String, Object> plan = explain("SELECT content_type, content_id, updated_at FROM like_records"
                + " WHERE user_id = 7 AND is_canceled = 0"
                + " AND (updated_at < NOW(3) OR (updated_at = NOW(3) AND (content_type < 'post'"
                + " OR (content_type = 'post' AND content_id < 9))))"
                + " ORDER BY updated_at DESC, content_type DESC, content_id DESC LIMIT 20");
        assertThat(plan.get("key")).isEqualTo("idx_user_likes");
        assertThat(String.valueOf(plan.get("Extra"))).doesNotContain("filesort");
    }

    private static Map<String, Object> explain(String sql) {
        List<Map<String, Object>> rows = db.withHandle(h -> h.createQuery("EXPLAIN " + sql).mapToMap().list());
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }
}
