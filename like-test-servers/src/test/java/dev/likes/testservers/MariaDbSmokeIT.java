package dev.likes.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A table round trip through mysql-connector-j, on a database of the test's own, with bound parameters only. */
class MariaDbSmokeIT {

    @Test
    void roundTripsRowsAndUpsertsWithValuesFunction() throws Exception {
        JdbcEndpoint db = TestServices.freshDatabase();
        try (Connection connection = db.connect()) {
            try (Statement ddl = connection.createStatement()) {
                ddl.executeUpdate("CREATE TABLE likes (user_id BIGINT NOT NULL, content_id BIGINT NOT NULL,"
                        + " content_type VARCHAR(20) NOT NULL, is_canceled TINYINT NOT NULL DEFAULT 0,"
                        + " UNIQUE KEY uk (user_id, content_id, content_type))");
            }
            String upsert = "INSERT INTO likes (user_id, content_id, content_type, is_canceled) VALUES (?, ?, ?, ?)"
                    + " ON DUPLICATE KEY UPDATE is_canceled = VALUES(is_canceled)";
            try (PreparedStatement insert = connection.prepareStatement(upsert)) {
                bind(insert, 1, 10, "post", 0).executeUpdate();
                bind(insert, 2, 10, "post", 0).executeUpdate();
                bind(insert, 1, 10, "post", 1).executeUpdate();
                bind(insert, 3, 10, "' OR 1=1 --", 0).executeUpdate();
            }
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT COUNT(*), SUM(is_canceled) FROM likes WHERE content_id = ? AND content_type = ?")) {
                query.setLong(1, 10);
                query.setString(2, "post");
                try (ResultSet rows = query.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getLong(1)).isEqualTo(2);
                    assertThat(rows.getLong(2)).isEqualTo(1);
                }
            }
            try (Statement drop = connection.createStatement()) {
                drop.executeUpdate("DROP DATABASE " + connection.getCatalog());
            }
        }
    }

    @Test
    void endpointsNeverPrintTheirPassword() {
        JdbcEndpoint endpoint = TestServices.jdbc();

        assertThat(endpoint.toString()).doesNotContain(endpoint.password()).contains("****");
    }

    private static PreparedStatement bind(PreparedStatement statement, long user, long content, String type, int canceled)
            throws Exception {
        statement.setLong(1, user);
        statement.setLong(2, content);
        statement.setString(3, type);
        statement.setInt(4, canceled);
        return statement;
    }
}
