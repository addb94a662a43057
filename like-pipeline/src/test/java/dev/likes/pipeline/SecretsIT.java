package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisURI;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials never reach a log line or an exception message: wrong Redis, JDBC and Kafka SASL passwords make every
 * part fail and log, and neither the captured log of this JVM ({@code target/pipeline-it.log}) nor the failures'
 * stack traces contain them.
 */
class SecretsIT {

    private static final String REDIS_SECRET = "redis-S3cret-" + TestServices.uniqueName("x");
    private static final String JDBC_SECRET = "jdbc-S3cret-" + TestServices.uniqueName("x");
    private static final String KAFKA_SECRET = "kafka-S3cret-" + TestServices.uniqueName("x");

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void noPasswordAppearsInLogsOrExceptions() throws Exception {
        List<Throwable> failures = new ArrayList<>();

        // Redis with a password the server refuses
        RedisURI redis = RedisURI.builder(RedisURI.create(TestServices.redisUri()))
                .withAuthentication("like-no-such-user", REDIS_SECRET)
                .build();
        failures.add(catchThrowable(() -> h.pipeline().redis(redis).build().close()));

        // MySQL with a wrong password: the pipeline's start-up check reads the schema and fails
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(h.endpoint.url());
        config.setUsername(h.endpoint.user());
        config.setPassword(JDBC_SECRET);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(1_000);
        try (HikariDataSource wrong = new HikariDataSource(config)) {
            Throwable mysqlFailure = catchThrowable(() -> h.pipeline().mysql(Jdbi.create(wrong)).build().close());
            assertThat(mysqlFailure).as("the MySQL password was refused").isNotNull();
            failures.add(mysqlFailure);
        }

        // Kafka with SASL credentials on a plaintext broker: the client logs its config and fails
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
                + KAFKA_SECRET + "\";";
        failures.add(catchThrowable(() -> {
            try (LikePipeline p = h.pipeline().runConsumer(false)
                    .configurePublisher(b -> b.producerProperty("security.protocol", "SASL_PLAINTEXT")
                            .producerProperty("sasl.mechanism", "PLAIN")
                            .producerProperty("sasl.jaas.config", jaas)
                            .producerProperty("max.block.ms", 2_000))
                    .build()) {
                p.service().like(1, ContentRef.of("post", 1));
                p.redisStore().policy().sweepOutbox().toCompletableFuture().join();
                Thread.sleep(Duration.ofSeconds(3).toMillis());
            }
        }));

        assertThat(failures.get(0)).as("the Redis password was refused").isNotNull();
        for (Throwable failure : failures) {
            if (failure != null) {
                StringWriter trace = new StringWriter();
                failure.printStackTrace(new PrintWriter(trace));
                assertThat(trace.toString()).doesNotContain(REDIS_SECRET, JDBC_SECRET, KAFKA_SECRET);
            }
        }
        Path log = Path.of("target", "pipeline-it.log");
        assertThat(log).exists();
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logged).as("the log shows the parts failed").containsAnyOf("Access denied", "AUTH", "WRONGPASS", "SASL");
        assertThat(logged).doesNotContain(REDIS_SECRET, JDBC_SECRET, KAFKA_SECRET);
        Invariants.report(String.format("%-34s secrets_in_log=0 secrets_in_exceptions=0 log_bytes_checked=%d",
                "credentials in logs and errors", logged.length()));
    }
}
