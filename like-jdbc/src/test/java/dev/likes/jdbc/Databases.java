package dev.likes.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.testsupport.JdbcEndpoint;
import dev.likes.testsupport.TestServices;
import org.jdbi.v3.core.Jdbi;

/** Test databases of their own, with the schema, behind a small connection pool that closes when the JVM exits. */
final class Databases {

    private Databases() {}

    /** A new database with the like tables. */
    static Jdbi fresh() {
        Jdbi jdbi = empty();
        JdbiLikeStore.createSchema(jdbi);
        return jdbi;
    }

    /** A new database without any table. */
    static Jdbi empty() {
        JdbcEndpoint endpoint = TestServices.freshDatabase();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        config.setPassword(endpoint.password());
        config.setMaximumPoolSize(16);
        config.setPoolName(endpoint.url().substring(endpoint.url().lastIndexOf('/') + 1));
        HikariDataSource pool = new HikariDataSource(config);
        Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
        return Jdbi.create(pool);
    }

    static void truncate(Jdbi jdbi) {
        jdbi.useHandle(h -> {
            h.execute("TRUNCATE TABLE like_records");
            h.execute("TRUNCATE TABLE like_counts");
            h.execute("TRUNCATE TABLE like_requests");
        });
    }
}
