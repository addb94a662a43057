package dev.likes.admin;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.jdbc.GzipJsonLinesArchiveSink;
import dev.likes.pipeline.LikePipeline;
import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * What a command works on, opened on first use and closed at the end: the database pool and a pipeline that does not
 * consume (it publishes, relays its outbox and replays degraded changes as any instance does). Not thread-safe.
 */
final class AdminContext implements AutoCloseable {

    private final AdminConfig config;
    private @Nullable HikariDataSource pool;
    private @Nullable LikePipeline pipeline;

    AdminContext(AdminConfig config) {
        this.config = config;
    }

    AdminConfig config() {
        return config;
    }

    String topic() {
        return config.get("like.kafka.topic", LikePipeline.DEFAULT_TOPIC);
    }

    String consumerGroup() {
        return config.get("like.kafka.consumer-group", LikePipeline.DEFAULT_CONSUMER_GROUP);
    }

    String kafka() {
        return config.required("like.kafka.bootstrap-servers", "spring.kafka.bootstrap-servers");
    }

    /** The Kafka client settings every client of the command gets, bootstrap servers included. */
    Map<String, Object> kafkaClientConfig() {
        Map<String, Object> settings = new HashMap<>(config.kafkaProperties());
        settings.put("bootstrap.servers", kafka());
        return settings;
    }

    /** The archive files' directory ({@code like.archive.directory}), or null. */
    @Nullable Path archiveDirectory() {
        String dir = config.get("like.archive.directory");
        return dir == null ? null : Path.of(dir);
    }

    Jdbi jdbi() {
        HikariDataSource open = pool;
        if (open == null) {
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(config.required("spring.datasource.url"));
            String user = config.get("spring.datasource.username");
            if (user != null) {
                hikari.setUsername(user);
            }
            String password = config.get("spring.datasource.password");
            if (password != null) {
                hikari.setPassword(password);
            }
            hikari.setMaximumPoolSize(4);
            hikari.setPoolName("like-admin");
            open = new HikariDataSource(hikari);
            pool = open;
        }
        return Jdbi.create(open);
    }

    LikePipeline pipeline() {
        LikePipeline open = pipeline;
        if (open == null) {
            LikePipeline.Builder b = LikePipeline.builder()
                    .redis(RedisURI.create(config.required("like.redis.uri", "spring.data.redis.url")))
                    .kafka(kafka())
                    .mysql(jdbi())
                    .topic(topic())
                    .consumerGroup(consumerGroup())
                    .runConsumer(false)
                    .noRateLimit()
                    .configureRedis(r -> r.keyPrefix(config.get("like.redis.key-prefix", "like"))
                            .shards(config.getInt("like.redis.shards", 16)));
            config.kafkaProperties().forEach(b::kafkaClientProperty);
            Path archive = archiveDirectory();
            if (archive != null) {
                b.archiveSink(new GzipJsonLinesArchiveSink(archive));
            }
            open = b.build();
            pipeline = open;
        }
        return open;
    }

    @Override
    public void close() {
        LikePipeline p = pipeline;
        if (p != null) {
            p.close();
        }
        HikariDataSource d = pool;
        if (d != null) {
            d.close();
        }
    }
}
