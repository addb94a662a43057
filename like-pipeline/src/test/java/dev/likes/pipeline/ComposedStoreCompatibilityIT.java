package dev.likes.pipeline;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.EventPublisher;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeStore;
import dev.likes.jdbc.DegradedJournal;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.redis.RedisLikeStore;
import dev.likes.redis.RedisRateLimiter;
import dev.likes.testkit.LikeStoreCompatibilityKit;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract of the store the pipeline's service runs on, composed as the pipeline composes it: the
 * {@link AdmittingLikeStore} (bulkhead, rate limit) over the {@link ResilientLikeStore} (breaker, degraded mode) over
 * Redis in cache mode, with MySQL behind it as the backing store, the journal of degraded
 * changes and the sink. The outbox's publisher applies each event to MySQL at once, where the pipeline has a queue and
 * a consumer, and the like returns once MySQL holds it, so MySQL's listings follow the likes. Every test starts from
 * empty tables and a fresh key prefix.
 */
class ComposedStoreCompatibilityIT extends LikeStoreCompatibilityKit {

    private static final List<String> TABLES = List.of("like_records", "like_records_archive", "like_counts",
            "like_requests", "like_degraded", "like_erasures", "like_job_leases");

    private static HikariDataSource pool;
    private static Jdbi jdbi;
    private static RedisClient client;

    private JdbiLikeStore mysql;
    private RedisLikeStore redis;
    private ResilientLikeStore resilient;

    private static synchronized Jdbi database() {
        if (jdbi == null) {
            JdbcEndpoint endpoint = TestServices.freshDatabase();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(endpoint.url());
            config.setUsername(endpoint.user());
            config.setPassword(endpoint.password());
            config.setMaximumPoolSize(16);
            pool = new HikariDataSource(config);
            jdbi = Jdbi.create(pool);
            JdbiLikeStore.createSchema(jdbi);
            client = RedisClient.create(TestServices.redisUri());
        }
        return jdbi;
    }

    @AfterAll
    static synchronized void closeServers() {
        if (pool != null) {
            client.shutdown();
            pool.close();
            jdbi = null;
        }
    }

    @Override
    protected LikeStore createStore() {
        Jdbi db = database();
        db.useHandle(h -> TABLES.forEach(table -> h.execute("DELETE FROM " + table)));
        mysql = JdbiLikeStore.builder(db).build();
        EventPublisher sink = new EventPublisher() {
            @Override
            public CompletionStage<Void> publish(LikeEvent event) {
                // waited for: the relay publishes before the like returns, so MySQL's listings hold it by then
                try {
                    mysql.apply(List.of(event)).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    return CompletableFuture.completedFuture(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return CompletableFuture.failedFuture(e);
                } catch (ExecutionException | TimeoutException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
        BackingStoreBreaker mysqlGuard = new BackingStoreBreaker(mysql, Breakers.mysql(), Duration.ofSeconds(1));
        redis = RedisLikeStore.builder(client)
                .keyPrefix(TestServices.uniqueName("kitr"))
                .backingStore(mysqlGuard)
                .outbox(sink)
                .build();
        resilient = new ResilientLikeStore(redis, HotTier.of(redis), mysql, mysql::requestSeen,
                Journal.of(DegradedJournal.of(mysql)), mysqlGuard, sink, CircuitBreaker.ofDefaults("kit-redis"),
                Clock.systemUTC(), 10_000, PipelineMetrics.NONE);
        // a limit no test reaches: the kit's users act thousands of times a second
        RedisRateLimiter limiter = RedisRateLimiter.on(redis, 1_000_000, 1_000_000);
        return new AdmittingLikeStore(resilient, Bulkhead.ofDefaults("kit-mutations"), resilient.rateLimit(limiter),
                PipelineMetrics.NONE);
    }

    @Override
    protected void disposeStore(LikeStore store) throws Exception {
        resilient.closing();
        ((AdmittingLikeStore) store).drain(Duration.ofSeconds(5));
        resilient.releaseJournal();
        redis.close();
        mysql.close();
    }

    /** Each like of one content is a transaction on its MySQL count row as well: the kit's smallest load. */
    @Override
    protected int likesPerThreadOnOneContent() {
        return 500;
    }
}
