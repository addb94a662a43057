package dev.likes.testservers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The real servers of the integration tests. Each endpoint comes, in this order:
 *
 * <ol>
 *   <li>from an environment variable ({@code LIKE_TEST_REDIS_URI}, {@code LIKE_TEST_REDIS_CLUSTER},
 *       {@code LIKE_TEST_JDBC_URL} with {@code LIKE_TEST_JDBC_USER} and {@code LIKE_TEST_JDBC_PASSWORD},
 *       {@code LIKE_TEST_KAFKA_BOOTSTRAP}, {@code LIKE_TEST_RABBITMQ_URI}), as {@code scripts/services.sh env} prints them and
 *       {@code scripts/test.sh} sets them;
 *   <li>else from Testcontainers, when a Docker engine is available (pinned images, see {@link DockerServers});
 *   <li>else the call fails with a message that says which command starts the servers. A test that needs a server
 *       never skips silently: a green run means it ran.
 * </ol>
 *
 * <p>Tests share the servers, so each isolates itself: {@link #uniqueName(String)} for key prefixes, topics and
 * consumer groups, {@link #freshDatabase()} for a database of its own. Thread-safe; containers, if any, are started
 * once per JVM and removed by Testcontainers when it exits.
 */
public final class TestServices {

    private static final String HOW_TO_START = "run the tests with scripts/test.sh, or start the servers with"
            + " `scripts/services.sh start` and export what `scripts/services.sh env` prints,"
            + " or start a Docker engine so that Testcontainers can run them";
    private static final Pattern SAFE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");

    private TestServices() {}

    /**
     * The MariaDB primary of the replicated pair ({@code LIKE_TEST_JDBC_PRIMARY_URL}, with the user and password of
     * {@link #jdbc()}); only {@code scripts/services.sh} runs it.
     *
     * @return the endpoint of its test database
     */
    public static JdbcEndpoint jdbcPrimary() {
        return topology("LIKE_TEST_JDBC_PRIMARY_URL");
    }

    /**
     * The read-only replica of {@link #jdbcPrimary()} ({@code LIKE_TEST_JDBC_REPLICA_URL}); a database created on the
     * primary appears here once replicated.
     *
     * @return the endpoint of its test database
     */
    public static JdbcEndpoint jdbcReplica() {
        return topology("LIKE_TEST_JDBC_REPLICA_URL");
    }

    /**
     * The second shard server, a MariaDB of its own ({@code LIKE_TEST_JDBC_SHARD_URL}).
     *
     * @return the endpoint of its test database
     */
    public static JdbcEndpoint jdbcShard() {
        return topology("LIKE_TEST_JDBC_SHARD_URL");
    }

    /**
     * The Redis primary of the replicated pair ({@code LIKE_TEST_REDIS_PRIMARY_URI}).
     *
     * @return a URI such as {@code redis://127.0.0.1:16389}
     */
    public static String redisPrimaryUri() {
        return env("LIKE_TEST_REDIS_PRIMARY_URI").orElseThrow(() -> noTopology("LIKE_TEST_REDIS_PRIMARY_URI"));
    }

    /**
     * The Redis replica of {@link #redisPrimaryUri()} ({@code LIKE_TEST_REDIS_REPLICA_URI}).
     *
     * @return a URI such as {@code redis://127.0.0.1:16390}
     */
    public static String redisReplicaUri() {
        return env("LIKE_TEST_REDIS_REPLICA_URI").orElseThrow(() -> noTopology("LIKE_TEST_REDIS_REPLICA_URI"));
    }

    private static JdbcEndpoint topology(String variable) {
        return new JdbcEndpoint(env(variable).orElseThrow(() -> noTopology(variable)),
                env("LIKE_TEST_JDBC_USER").orElse("root"), env("LIKE_TEST_JDBC_PASSWORD").orElse(""));
    }

    private static IllegalStateException noTopology(String variable) {
        return new IllegalStateException(variable + " is not set: the replicated and sharded servers come only from"
                + " scripts/services.sh (run the tests with scripts/test.sh, or `scripts/services.sh start` and export"
                + " what `scripts/services.sh env` prints)");
    }

    /**
     * The single Redis.
     *
     * @return a URI such as {@code redis://127.0.0.1:16379}
     */
    public static String redisUri() {
        return env("LIKE_TEST_REDIS_URI").orElseGet(() -> docker("Redis").redisUri());
    }

    /**
     * The nodes of the 3-master Redis Cluster.
     *
     * @return URIs such as {@code redis://127.0.0.1:17001}
     */
    public static List<String> redisClusterUris() {
        return env("LIKE_TEST_REDIS_CLUSTER")
                .map(value -> Arrays.stream(value.split(",")).map(String::trim).collect(Collectors.toList()))
                .orElseGet(() -> docker("Redis Cluster").redisClusterUris());
    }

    /**
     * The MySQL-compatible server's default test database, as a user who may create databases.
     *
     * @return the endpoint
     */
    public static JdbcEndpoint jdbc() {
        Optional<String> url = env("LIKE_TEST_JDBC_URL");
        if (url.isPresent()) {
            return new JdbcEndpoint(
                    url.get(),
                    env("LIKE_TEST_JDBC_USER").orElse("root"),
                    env("LIKE_TEST_JDBC_PASSWORD").orElse(""));
        }
        return docker("MariaDB/MySQL").jdbc();
    }

    /**
     * Creates a database no other test uses and returns its endpoint; the caller may drop it when done.
     *
     * @return the endpoint of the new database
     * @throws IllegalStateException if the server refuses
     */
    public static JdbcEndpoint freshDatabase() {
        return freshDatabase(jdbc());
    }

    /**
     * A new, empty database on the given server (on {@link #jdbcPrimary()} it appears on the replica too).
     *
     * @param server the server
     * @return the endpoint of the new database
     */
    public static JdbcEndpoint freshDatabase(JdbcEndpoint server) {
        String name = uniqueName("like_t");
        try (Connection connection = server.connect();
                Statement statement = connection.createStatement()) {
            // the name is ours and matches SAFE_NAME: nothing from outside reaches this statement
            statement.executeUpdate("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + " on " + server, e);
        }
        return server.withDatabase(name);
    }

    /**
     * The Kafka broker.
     *
     * @return a bootstrap address such as {@code 127.0.0.1:19092}
     */
    public static String kafkaBootstrap() {
        return env("LIKE_TEST_KAFKA_BOOTSTRAP").orElseGet(() -> docker("Kafka").kafkaBootstrap());
    }

    /**
     * The RabbitMQ broker, with the consistent-hash exchange plugin enabled.
     *
     * @return an AMQP URI with the user and password, such as {@code amqp://like:secret@127.0.0.1:15673}
     */
    public static String rabbitMqUri() {
        return env("LIKE_TEST_RABBITMQ_URI").orElseGet(() -> docker("RabbitMQ").rabbitMqUri());
    }

    /**
     * The Kafka broker's SASL/PLAIN listener ({@code scripts/services.sh} starts it): users {@code like-producer},
     * {@code like-consumer} and {@code like-admin}, each with the password {@code <user>-pw}; a client without a
     * login is refused.
     *
     * @return a bootstrap address such as {@code 127.0.0.1:19094}
     * @throws IllegalStateException if {@code LIKE_TEST_KAFKA_SASL_BOOTSTRAP} is not set: the Docker fallback has no
     *     SASL listener
     */
    public static String kafkaSaslBootstrap() {
        return env("LIKE_TEST_KAFKA_SASL_BOOTSTRAP").orElseThrow(() -> new IllegalStateException(
                "LIKE_TEST_KAFKA_SASL_BOOTSTRAP is not set: run scripts/services.sh start and"
                        + " eval \"$(scripts/services.sh env)\" (the Docker fallback has no SASL listener)"));
    }

    /**
     * A name no other test run uses: {@code prefix}, an underscore and 10 random characters of {@code [a-z0-9]}.
     * Safe as a Redis key prefix, a topic, a consumer group and a database name.
     *
     * @param prefix a lower-case prefix of letters, digits and underscores, starting with a letter
     * @return the name
     */
    public static String uniqueName(String prefix) {
        if (!SAFE_NAME.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix must match " + SAFE_NAME + ", but was " + prefix);
        }
        StringBuilder name = new StringBuilder(prefix).append('_');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 10; i++) {
            name.append(Character.forDigit(random.nextInt(36), 36));
        }
        return name.toString();
    }

    /**
     * Stops one server, as a crash or an outage would; clients see connection failures until {@link #start(Server)}.
     * Needs the servers of {@code scripts/services.sh} ({@code LIKE_TEST_SERVICES_SCRIPT}, which
     * {@code scripts/services.sh env} exports).
     *
     * @param server the server
     */
    public static void stop(Server server) {
        runScript("stop", server);
    }

    /**
     * Starts a server stopped by {@link #stop(Server)} or {@link #kill(Server)} and waits until it answers. Every
     * server keeps its data (the standalone Redis has an append-only file written before each reply; the cluster
     * keeps nothing on disk).
     *
     * @param server the server
     */
    public static void start(Server server) {
        runScript("start", server);
    }

    /**
     * Kills one server with SIGKILL, as a crash would: no shutdown work, no final flush. {@link #start(Server)}
     * brings it back. Not for the cluster.
     *
     * @param server {@link Server#REDIS}, {@link Server#MARIADB}, {@link Server#KAFKA} or {@link Server#RABBITMQ}
     */
    public static void kill(Server server) {
        runScript("kill", server);
    }

    /**
     * Hangs one server with SIGSTOP, as a stalled machine would: connections stay open and nothing answers, so
     * clients see timeouts rather than refused connections. {@link #resume(Server)} brings it back. Not for the cluster.
     *
     * @param server {@link Server#REDIS}, {@link Server#MARIADB}, {@link Server#KAFKA} or {@link Server#RABBITMQ}
     */
    public static void hang(Server server) {
        runScript("hang", server);
    }

    /**
     * Resumes a server hung by {@link #hang(Server)} (SIGCONT).
     *
     * @param server the server
     */
    public static void resume(Server server) {
        runScript("resume", server);
    }

    /**
     * Stops the server and starts it again ({@code scripts/services.sh restart}).
     *
     * @param server the server
     */
    public static void restart(Server server) {
        runScript("restart", server);
    }

    private static void runScript(String command, Server server) {
        String script = env("LIKE_TEST_SERVICES_SCRIPT").orElseThrow(() -> new IllegalStateException(
                "stopping and starting " + server + " needs the servers of scripts/services.sh"
                        + " (LIKE_TEST_SERVICES_SCRIPT is not set): " + HOW_TO_START.replace(
                                ", or start a Docker engine so that Testcontainers can run them", "")));
        try {
            Path output = Files.createTempFile("like-services", ".log");
            Process process = new ProcessBuilder("bash", script, command, server.scriptName())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " " + command + " " + server.scriptName() + " timed out");
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);
            Files.deleteIfExists(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        script + " " + command + " " + server.scriptName() + " failed (exit " + process.exitValue()
                                + "):\n" + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    private static Optional<String> env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static DockerServers docker(String what) {
        return DockerServers.instance().orElseThrow(() -> new IllegalStateException(
                "no " + what + " for the integration tests: " + HOW_TO_START + " (no Docker engine found)"));
    }
}
