package dev.likes.pipeline;

import dev.likes.jdbc.ArchiveSink;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.jdbc.JdbiShard;
import dev.likes.jdbc.LikeArchiver;
import dev.likes.redis.RedisLikeStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link LikePipeline.Builder} that say where Redis and MySQL are, how their stores are adjusted, and
 * what observes the pipeline. Its public setters are {@link LikePipeline.Builder}'s.
 */
abstract sealed class PipelineStoreSettings permits PipelineKafkaSettings {

    @Nullable RedisURI redisUri;
    @Nullable RedisClient redisClient;
    @Nullable RedisClusterClient redisCluster;
    @Nullable List<JdbiShard> shards;
    @Nullable ArchiveSink archiveSink;
    @Nullable ObservationRegistry observationRegistry;
    @Nullable MeterRegistry meterRegistry;
    Clock clock = Clock.systemUTC();
    Consumer<RedisLikeStore.Builder> redisCustomizer = b -> {};
    Consumer<JdbiLikeStore.Builder> mysqlCustomizer = b -> {};

    PipelineStoreSettings() {}

    /* The hierarchy is sealed down to LikePipeline.Builder: every instance is one. */
    final LikePipeline.Builder self() {
        return (LikePipeline.Builder) this;
    }

    /**
     * A standalone Redis (the pipeline creates and closes its client).
     *
     * @param uri e.g. {@code redis://127.0.0.1:6379}, with password and TLS as Lettuce allows
     * @return this builder
     */
    public LikePipeline.Builder redis(RedisURI uri) {
        this.redisUri = Objects.requireNonNull(uri, "redis uri must not be null");
        this.redisClient = null;
        this.redisCluster = null;
        return self();
    }

    /**
     * A standalone Redis, through a client the host owns (its event loops, options and TLS settings; for
     * example Spring Data's native client). The pipeline opens its connections to {@code uri} on it and closes
     * them; the client stays open.
     *
     * @param client the host's client
     * @param uri the server to connect to through it
     * @return this builder
     */
    public LikePipeline.Builder redis(RedisClient client, RedisURI uri) {
        this.redisClient = Objects.requireNonNull(client, "redis client must not be null");
        this.redisUri = Objects.requireNonNull(uri, "redis uri must not be null");
        this.redisCluster = null;
        return self();
    }

    /**
     * A Redis Cluster, through a client the host owns.
     *
     * @param client the cluster client
     * @return this builder
     */
    public LikePipeline.Builder redisCluster(RedisClusterClient client) {
        this.redisCluster = Objects.requireNonNull(client, "redisCluster client must not be null");
        this.redisUri = null;
        this.redisClient = null;
        return self();
    }

    /**
     * One MySQL (or MariaDB) database holding {@code like_records} and {@code like_counts}.
     *
     * @param jdbi the database; the host owns it
     * @return this builder
     */
    public LikePipeline.Builder mysql(Jdbi jdbi) {
        this.shards = List.of(JdbiShard.of(Objects.requireNonNull(jdbi, "mysql jdbi must not be null")));
        return self();
    }

    /**
     * Several MySQL shards (contents spread by id), each with an optional read replica.
     *
     * @param shards at least one
     * @return this builder
     */
    public LikePipeline.Builder mysqlShards(List<JdbiShard> shards) {
        Objects.requireNonNull(shards, "mysqlShards must not be null");
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("mysqlShards must hold at least one shard");
        }
        this.shards = List.copyOf(shards);
        return self();
    }

    /**
     * Adjusts the Redis store before it is built (timeouts, TTLs, local cache, outbox sweep, key prefix). The
     * backing store and the outbox are set by the pipeline. Several customizers run in the order given.
     *
     * @param customizer called with the store's builder
     * @return this builder
     */
    public LikePipeline.Builder configureRedis(Consumer<RedisLikeStore.Builder> customizer) {
        this.redisCustomizer = this.redisCustomizer.andThen(
                Objects.requireNonNull(customizer, "configureRedis customizer must not be null"));
        return self();
    }

    /**
     * Adjusts the MySQL store before it is built (its pools, query timeout, request-ID TTL, and with replicas,
     * read-your-writes and how long a failed replica is skipped). Several customizers run in the order given.
     *
     * @param customizer called with the store's builder
     * @return this builder
     */
    public LikePipeline.Builder configureMysql(Consumer<JdbiLikeStore.Builder> customizer) {
        this.mysqlCustomizer = this.mysqlCustomizer.andThen(
                Objects.requireNonNull(customizer, "configureMysql customizer must not be null"));
        return self();
    }

    /**
     * Observes each like and unlike ({@code like.mutation}, contextual name {@code like} or {@code unlike},
     * low-cardinality keys {@code like.action}, {@code like.content.type}, {@code like.outcome}), each feed read
     * ({@code like.feed}) and each batch the consumer writes to MySQL ({@code like.consumer.batch}) with
     * Micrometer's Observation API: with a meter handler they are timers, with Micrometer Tracing spans, and the
     * trace is in the MDC of what the call logs on the caller's thread. Not set: nothing is observed.
     *
     * @param registry the host's observation registry
     * @return this builder
     */
    public LikePipeline.Builder observationRegistry(ObservationRegistry registry) {
        this.observationRegistry = Objects.requireNonNull(registry, "observationRegistry must not be null");
        return self();
    }

    /**
     * The sink the host's {@link LikeArchiver} copies archived records to, so that
     * {@link LikePipeline#forgetUser} erases its copies too. Not set: the copies are the host's to erase
     * ({@link ArchiveSink#eraseUser}).
     *
     * @param sink the archive sink
     * @return this builder
     */
    public LikePipeline.Builder archiveSink(ArchiveSink sink) {
        this.archiveSink = Objects.requireNonNull(sink, "archiveSink must not be null");
        return self();
    }

    /**
     * Registers the pipeline's meters (named {@code likes.*}; docs/pipeline.md lists them) on a Micrometer registry
     * and removes them on {@link LikePipeline#close()}: the registry may outlive the pipeline. Without it nothing
     * is registered, and Micrometer need not be on the class path.
     *
     * @param registry the registry
     * @return this builder
     */
    public LikePipeline.Builder meterRegistry(MeterRegistry registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
        return self();
    }

    /**
     * The clock that times likes and degraded versions. Default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public LikePipeline.Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        return self();
    }
}
