package dev.likes.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** A server stopped by the script is a connection failure for a test waiting on it, and comes back when started. */
class ServerControlIT {

    @Test
    void aStoppedRedisFailsTheCommandInFlightAndARestartedOneAnswersAgain() throws Exception {
        RedisClient client = RedisClient.create(TestServices.redisUri());
        client.setOptions(ClientOptions.builder().autoReconnect(false).build());
        RedisClient reconnecting = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> waiting = client.connect();
                StatefulRedisConnection<String, String> survivor = reconnecting.connect()) {
            // a command that waits on the server until it goes away
            RedisFuture<?> blocked = waiting.async().blpop(0, TestServices.uniqueName("never"));
            assertThat(survivor.sync().ping()).isEqualTo("PONG");

            TestServices.stop(Server.REDIS);
            try {
                Assertions.assertThatThrownBy(() -> blocked.get(60, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(RedisException.class);
            } finally {
                TestServices.start(Server.REDIS);
            }
            // the default, reconnecting client recovers by itself
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(
                    () -> assertThat(survivor.sync().ping()).isEqualTo("PONG"));
        } finally {
            client.shutdown();
            reconnecting.shutdown();
        }
    }

    @Test
    void aStoppedMariaDbRefusesConnectionsAndARestartedOneAcceptsThem() throws Exception {
        JdbcEndpoint db = TestServices.jdbc();
        try (Connection connection = db.connect()) {
            TestServices.stop(Server.MARIADB);
            try {
                Assertions.assertThatThrownBy(() -> {
                            try (Statement statement = connection.createStatement()) {
                                statement.executeQuery("SELECT 1");
                            }
                        })
                        .isInstanceOf(SQLException.class);
                Assertions.assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
            } finally {
                TestServices.start(Server.MARIADB);
            }
        }
        try (Connection again = db.connect();
                Statement statement = again.createStatement()) {
            assertThat(statement.executeQuery("SELECT 1").next()).isTrue();
        }
    }
}
