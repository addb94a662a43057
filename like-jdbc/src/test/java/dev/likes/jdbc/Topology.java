package dev.likes.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;

/**
 * Databases on the replicated and sharded servers of {@code scripts/services.sh}: a fresh database on the primary with
 * the like tables, seen through the replica once replication brought it there; a fresh one on the shard server.
 */
final class Topology {

    /** The driver's timeouts on the primaries' connections: a hung server fails a statement after 3 s. */
    static final String TIMEOUTS = "connectTimeout=2000&socketTimeout=3000";
    /**
     * The replica's, well under the service's call timeout (2 s by default), so that a read that finds the replica
     * dead or hung still has time to go to the primary.
     */
    static final String REPLICA_TIMEOUTS = "connectTimeout=500&socketTimeout=1000";

    private Topology() {}

    /** A database on the primary and the same database seen through the replica. */
    record Replicated(String name, Jdbi primary, Jdbi replica) {}

    static Replicated replicated() {
        JdbcEndpoint onPrimary = TestServices.freshDatabase(TestServices.jdbcPrimary());
        Jdbi primary = pooled(onPrimary, 16, TIMEOUTS, 2_000);
        JdbiLikeStore.createSchema(primary);
        String name = onPrimary.url().substring(onPrimary.url().lastIndexOf('/') + 1);
        Jdbi replica = pooled(TestServices.jdbcReplica().withDatabase(name), 16, REPLICA_TIMEOUTS, 500);
        Awaitility.await("the schema on the replica").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> replica.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM like_erasures")
                        .mapTo(Long.class).one()) >= 0);
        return new Replicated(name, primary, replica);
    }

    /** A fresh database with the like tables on the second shard server. */
    static Jdbi onShardServer() {
        Jdbi jdbi = pooled(TestServices.freshDatabase(TestServices.jdbcShard()), 16, TIMEOUTS, 2_000);
        JdbiLikeStore.createSchema(jdbi);
        return jdbi;
    }

    /** A fresh database with the like tables on the primary, without waiting for the replica. */
    static Jdbi onPrimary() {
        Jdbi jdbi = pooled(TestServices.freshDatabase(TestServices.jdbcPrimary()), 16, TIMEOUTS, 2_000);
        JdbiLikeStore.createSchema(jdbi);
        return jdbi;
    }

    /** Stops the replica's applier thread (it keeps receiving the binlog): the replica lags from now on. */
    static void pauseReplication() {
        admin("STOP SLAVE SQL_THREAD");
    }

    /** Starts the replica's applier again. */
    static void resumeReplication() {
        admin("START SLAVE SQL_THREAD");
    }

    private static void admin(String statement) {
        JdbcEndpoint replica = TestServices.jdbcReplica();
        Jdbi.create(replica.url(), replica.user(), replica.password()).useHandle(h -> h.execute(statement));
    }

    static Jdbi pooled(JdbcEndpoint endpoint, int size, String timeouts, long connectionTimeoutMillis) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.url() + (endpoint.url().contains("?") ? "&" : "?") + timeouts);
        config.setUsername(endpoint.user());
        config.setPassword(endpoint.password());
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(connectionTimeoutMillis);
        config.setValidationTimeout(Math.min(connectionTimeoutMillis, 1_000));
        config.setInitializationFailTimeout(-1);
        config.setPoolName(endpoint.url().substring(endpoint.url().indexOf("//") + 2).replace('/', '-'));
        HikariDataSource pool = new HikariDataSource(config);
        Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
        return Jdbi.create(pool);
    }
}
