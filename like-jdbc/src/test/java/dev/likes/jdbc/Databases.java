package dev.likes.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** Test databases of their own, with the schema, behind a small connection pool that closes when the JVM exits. */
final class Databases {

    private static Jdbi shared;

    private Databases() {}

    /** One database with the like tables for the contract tests of this JVM, created on first use. */
    static synchronized Jdbi shared() {
        if (shared == null) {
            shared = fresh();
        }
        return shared;
    }

    /** A new database with the like tables. */
    static Jdbi fresh() {
        Jdbi jdbi = empty();
        JdbiLikeStore.createSchema(jdbi);
        return jdbi;
    }

    /** A new database with the like tables, for callers that connect to it as several processes would. */
    static JdbcEndpoint freshEndpoint() {
        JdbcEndpoint endpoint = TestServices.freshDatabase();
        JdbiLikeStore.createSchema(Jdbi.create(endpoint.url(), endpoint.user(), endpoint.password()));
        return endpoint;
    }

    /** A new database with the like tables, reached through MariaDB Connector/J instead of MySQL's driver. */
    static Jdbi freshThroughMariaDbDriver() {
        JdbcEndpoint endpoint = TestServices.freshDatabase();
        if (!endpoint.url().startsWith("jdbc:mysql:")) {
            throw new IllegalStateException("expected a jdbc:mysql: URL, got " + endpoint);
        }
        Jdbi jdbi = pooled(new JdbcEndpoint("jdbc:mariadb:" + endpoint.url().substring("jdbc:mysql:".length()),
                endpoint.user(), endpoint.password()), "org.mariadb.jdbc.Driver");
        JdbiLikeStore.createSchema(jdbi);
        return jdbi;
    }

    /** A new database without any table. */
    static Jdbi empty() {
        return Jdbi.create(emptyDataSource());
    }

    /** A new database without any table, as a pooled data source (what a host's migration tool is given). */
    static DataSource emptyDataSource() {
        return pool(TestServices.freshDatabase(), null);
    }

    private static Jdbi pooled(JdbcEndpoint endpoint, String driverClass) {
        return Jdbi.create(pool(endpoint, driverClass));
    }

    private static DataSource pool(JdbcEndpoint endpoint, String driverClass) {
        HikariConfig config = new HikariConfig();
        if (driverClass != null) {
            config.setDriverClassName(driverClass);
        }
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        config.setPassword(endpoint.password());
        config.setMaximumPoolSize(16);
        config.setPoolName(endpoint.url().substring(endpoint.url().lastIndexOf('/') + 1));
        HikariDataSource pool = new HikariDataSource(config);
        Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
        return pool;
    }

    static void truncate(Jdbi jdbi) {
        jdbi.useHandle(h -> {
            h.execute("TRUNCATE TABLE like_records");
            h.execute("TRUNCATE TABLE like_counts");
            h.execute("TRUNCATE TABLE like_requests");
        });
    }
}
