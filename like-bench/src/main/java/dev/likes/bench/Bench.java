package dev.likes.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.LikeEventConsumer;
import dev.likes.jdbc.JdbiLikeStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/** The suite's shared types: where the servers are, how big a run is, and what a section reports. */
final class Bench {

    private Bench() {}

    /** How big a run is: smoke (CI, seconds), quick (under 10 minutes), full (under 45 minutes). */
    enum Mode {
        SMOKE, QUICK, FULL;

        int pick(int smoke, int quick, int full) {
            return this == SMOKE ? smoke : this == QUICK ? quick : full;
        }

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The servers, from {@code scripts/services.sh env}, and where results go. */
    record Env(Mode mode, String redisUri, String kafka, String rabbitMqUri, String jdbcUrl, String jdbcUser,
            String jdbcPassword, Path kafkaLib, Path resultDir, Path chartDir) {

        static Env fromEnvironment(Mode mode, Path resultDir, Path chartDir) {
            return new Env(mode, need("LIKE_TEST_REDIS_URI"), need("LIKE_TEST_KAFKA_BOOTSTRAP"),
                    need("LIKE_TEST_RABBITMQ_URI"), need("LIKE_TEST_JDBC_URL"), need("LIKE_TEST_JDBC_USER"),
                    need("LIKE_TEST_JDBC_PASSWORD"), Path.of(need("LIKE_KAFKA_LIB")), resultDir, chartDir);
        }

        static String need(String name) {
            String value = System.getenv(name);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(name + " is not set: run the suite with scripts/bench.sh");
            }
            return value;
        }

        /**
         * A new database {@code name} with the like tables, behind a pool of {@code poolSize}; the caller closes the
         * pool and drops the database.
         */
        HikariDataSource freshDatabase(String name, int poolSize) {
            return freshDatabase(jdbcUrl, name, poolSize);
        }

        /** {@link #freshDatabase(String, int)} on another server of {@code scripts/services.sh} (same user). */
        HikariDataSource freshDatabase(String serverUrl, String name, int poolSize) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(serverUrl);
            config.setUsername(jdbcUser);
            config.setPassword(jdbcPassword);
            config.setMaximumPoolSize(2);
            try (HikariDataSource admin = new HikariDataSource(config)) {
                Jdbi.create(admin).useHandle(h -> h.execute("CREATE DATABASE " + name));
            }
            config.setJdbcUrl(serverUrl.substring(0, serverUrl.lastIndexOf('/') + 1) + name);
            config.setMaximumPoolSize(poolSize);
            HikariDataSource pool = new HikariDataSource(config);
            JdbiLikeStore.createSchema(Jdbi.create(pool));
            return pool;
        }

        int redisPort() {
            return URI.create(redisUri).getPort();
        }
    }

    /** A goal from the issue, what this run measured, and whether it was met. */
    record Target(String what, String goal, String measured, boolean met, String note) {}

    /** A table of a section: column names, then rows of cells. */
    record Table(List<String> columns, List<List<String>> rows) {
        static Table of(String... columns) {
            return new Table(List.of(columns), new ArrayList<>());
        }

        Table row(Object... cells) {
            List<String> row = new ArrayList<>();
            for (Object cell : cells) {
                row.add(cell instanceof Double d ? fmt(d) : String.valueOf(cell));
            }
            rows.add(row);
            return this;
        }
    }

    /** What one section measured. */
    record Result(String id, String title, String method, List<Table> tables, List<Target> targets, List<String> charts,
            Map<String, Object> metrics, double seconds) {}

    /** Builds a result as a section goes. */
    static final class Report {
        final String id;
        final String title;
        String method = "";
        final List<Table> tables = new ArrayList<>();
        final List<Target> targets = new ArrayList<>();
        final List<String> charts = new ArrayList<>();
        final Map<String, Object> metrics = new LinkedHashMap<>();

        Report(String id, String title) {
            this.id = id;
            this.title = title;
        }

        Report metric(String name, Object value) {
            metrics.put(name, value);
            return this;
        }

        Report target(String what, String goal, String measured, boolean met, String note) {
            targets.add(new Target(what, goal, measured, met, note));
            return this;
        }

        Result done(double seconds) {
            return new Result(id, title, method, tables, targets, charts, metrics, seconds);
        }
    }

    /** One part of the suite. */
    interface Section {
        String id();

        Result run(Env env) throws Exception;

        /** Whether the section runs only when named on the command line, never as part of a whole mode. */
        default boolean onRequestOnly() {
            return false;
        }
    }

    /**
     * Consumes {@code events} events with a consumer whose sink adds to {@code consumed} and does nothing else, and
     * returns the rate, from start to the last one.
     */
    static double consumeRate(Function<LongAdder, LikeEventConsumer> consumerOf, int events) throws Exception {
        LongAdder consumed = new LongAdder();
        long start = System.nanoTime();
        try (LikeEventConsumer consumer = consumerOf.apply(consumed).start()) {
            while (consumed.sum() < events) {
                if (!consumer.isRunning()) {
                    throw new IllegalStateException("the consumer stopped before it consumed every event");
                }
                Thread.sleep(20);
            }
        }
        return events / ((System.nanoTime() - start) / 1e9);
    }
    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2fx", value);
    }
}
