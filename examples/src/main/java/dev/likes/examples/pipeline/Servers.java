package dev.likes.examples.pipeline;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.pipeline.LikePipeline;
import io.lettuce.core.RedisURI;
import org.jdbi.v3.core.Jdbi;

/**
 * Where the demos find Redis, Kafka and MySQL: the environment variables {@code scripts/services.sh env} prints
 * ({@code LIKE_TEST_REDIS_URI}, {@code LIKE_TEST_KAFKA_BOOTSTRAP}, {@code LIKE_TEST_JDBC_URL}, {@code _USER},
 * {@code _PASSWORD}).
 */
public final class Servers {

    private Servers() {}

    /**
     * A required environment variable.
     *
     * @param name its name
     * @return its value
     * @throws IllegalStateException if it is not set, naming the command that sets it
     */
    public static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: start the servers with"
                    + " eval \"$(scripts/services.sh env)\" after scripts/services.sh start");
        }
        return value;
    }

    /**
     * A pipeline builder over the servers the environment names: database {@code like_demo} (through {@code pool}),
     * topic {@code likes-demo} (created if absent) and the given Redis key prefix.
     *
     * @param pool the database pool, from {@link #database(String)}
     * @param keyPrefix the Redis key prefix
     * @return the builder, for more settings
     */
    public static LikePipeline.Builder pipeline(HikariDataSource pool, String keyPrefix) {
        return LikePipeline.builder()
                .redis(RedisURI.create(env("LIKE_TEST_REDIS_URI")))
                .kafka(env("LIKE_TEST_KAFKA_BOOTSTRAP"))
                .mysql(Jdbi.create(pool))
                .topic("likes-demo")
                .createTopic(12, (short) 1)
                .configureRedis(r -> r.keyPrefix(keyPrefix));
    }

    /**
     * A pool on database {@code database} of the MySQL server the environment names, created with the like tables
     * if it does not exist.
     *
     * @param database a database name of [a-z_]
     * @return the pool; the caller closes it
     */
    public static HikariDataSource database(String database) {
        if (!database.matches("[a-z_]{1,40}")) {
            throw new IllegalArgumentException("database must be 1 to 40 characters of [a-z_], but was " + database);
        }
        String url = env("LIKE_TEST_JDBC_URL");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(env("LIKE_TEST_JDBC_USER"));
        config.setPassword(env("LIKE_TEST_JDBC_PASSWORD"));
        config.setMaximumPoolSize(2);
        boolean created;
        try (HikariDataSource admin = new HikariDataSource(config)) {
            created = Jdbi.create(admin).withHandle(h -> h.execute("CREATE DATABASE IF NOT EXISTS " + database) > 0);
        }
        config.setJdbcUrl(url.substring(0, url.lastIndexOf('/') + 1) + database);
        config.setMaximumPoolSize(12);
        HikariDataSource pool = new HikariDataSource(config);
        Jdbi jdbi = Jdbi.create(pool);
        boolean hasTables = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM information_schema.tables"
                + " WHERE table_schema = DATABASE() AND table_name = 'like_records'").mapTo(Long.class).one() > 0);
        if (created || !hasTables) {
            JdbiLikeStore.createSchema(jdbi);
        }
        return pool;
    }
}
