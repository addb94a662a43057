package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/** The builder's validation of the shard and replica settings, and which failures count as an unreachable replica. */
class JdbiLikeStoreBuilderTest {

    private final JdbiLikeStore.Builder builder = JdbiLikeStore.builder(Jdbi.create("jdbc:mysql://127.0.0.1:1/none"));

    @Test
    void rejectsOutOfRangeSettingsNamingThem() {
        assertThatThrownBy(() -> builder.shardQueue(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shardQueue");
        assertThatThrownBy(() -> builder.readYourWrites(Duration.ofMillis(500), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> builder.readYourWrites(Duration.ofMinutes(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("users");
        assertThatThrownBy(() -> builder.readYourWrites(null, 10))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> builder.replicaRetryAfter(Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicaRetryAfter");
        assertThatThrownBy(() -> JdbiLikeStore.builder(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shards");
    }

    @Test
    void acceptsTheBoundsAndBuildsWithoutConnecting() {
        try (JdbiLikeStore store = builder.shardQueue(1).readYourWrites(Duration.ofSeconds(1), 1)
                .replicaRetryAfter(Duration.ofMillis(100)).build()) {
            assertThat(store.work().replicaReads().any()).isFalse();
        }
    }

    @Test
    void connectionFailuresAndTimeoutsMakeAReplicaUnreachableButAStatementErrorDoesNot() {
        assertThat(ReplicaReads.unreachable(new ConnectionException(new SQLTransientConnectionException("pool"))))
                .isTrue();
        assertThat(ReplicaReads.unreachable(new UnableToExecuteStatementException(
                new SQLException("link failure", "08S01"), null))).isTrue();
        assertThat(ReplicaReads.unreachable(new UnableToExecuteStatementException(
                new SQLTimeoutException("query timeout"), null))).isTrue();
        assertThat(ReplicaReads.unreachable(new UnableToExecuteStatementException(
                new SQLException("x", new SocketTimeoutException("read timed out")), null))).isTrue();
        assertThat(ReplicaReads.unreachable(new ConnectionException(new SQLException("x", new ConnectException()))))
                .isTrue();
        assertThat(ReplicaReads.unreachable(new UnableToExecuteStatementException(
                new SQLException("Table 'like_records' doesn't exist", "42S02", 1146), null))).isFalse();
    }
}
