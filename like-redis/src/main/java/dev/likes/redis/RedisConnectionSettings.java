package dev.likes.redis;

import dev.likes.core.LikeTimeoutException;
import dev.likes.core.internal.Args;
import dev.likes.redis.RedisLikeStore.SettingsCheck;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@link RedisLikeStore.Builder} for the connection, the key layout and the write path. Its public
 * setters are {@link RedisLikeStore.Builder}'s.
 */
abstract sealed class RedisConnectionSettings permits RedisLayoutSettings {

    final @Nullable RedisClient client;
    final @Nullable RedisClusterClient clusterClient;
    @Nullable RedisURI uri;
    @Nullable ClientResources clientResources;
    @Nullable ClientOptions clientOptions;
    Duration commandTimeout = RedisLikeStore.DEFAULT_COMMAND_TIMEOUT;
    int waitReplicas;
    Duration waitTimeout = Duration.ZERO;
    SettingsCheck settingsCheck = SettingsCheck.REFUSE;
    @Nullable MeterRegistry meterRegistry;
    Iterable<Tag> meterTags = List.of();

    RedisConnectionSettings(@Nullable RedisClient client, @Nullable RedisClusterClient clusterClient) {
        this.client = client;
        this.clusterClient = clusterClient;
    }

    /* The hierarchy is sealed down to RedisLikeStore.Builder: every instance is one. */
    final RedisLikeStore.Builder self() {
        return (RedisLikeStore.Builder) this;
    }

    /**
     * The event loops and timers of the client this store creates from its URI, such as the host's Lettuce
     * {@code ClientResources}: the store then adds no threads of its own, and leaves the resources running on
     * {@link RedisLikeStore#close()}. Only for {@link RedisLikeStore#builder(RedisURI)}.
     *
     * @param resources the host's resources
     * @return this builder
     */
    public RedisLikeStore.Builder clientResources(ClientResources resources) {
        this.clientResources = Args.notNull("clientResources", resources);
        return self();
    }

    /**
     * The options of the client this store creates from its URI, such as the host client's (TLS, socket and
     * protocol settings). Two are always the store's: commands are refused at once while disconnected, and time
     * out after {@link #commandTimeout}, so that a Redis outage fails calls fast instead of queueing them. Only
     * for {@link RedisLikeStore#builder(RedisURI)}.
     *
     * @param options the options to start from
     * @return this builder
     */
    public RedisLikeStore.Builder clientOptions(ClientOptions options) {
        this.clientOptions = Args.notNull("clientOptions", options);
        return self();
    }

    /**
     * How long one Redis call may take before it fails. Default {@link RedisLikeStore#DEFAULT_COMMAND_TIMEOUT}.
     *
     * @param timeout at least one millisecond
     * @return this builder
     */
    public RedisLikeStore.Builder commandTimeout(Duration timeout) {
        this.commandTimeout = Args.atLeast("commandTimeout", timeout, Duration.ofMillis(1));
        return self();
    }

    /**
     * Acknowledges a write only once {@code replicas} replicas of the Redis primary hold it (Redis' {@code WAIT},
     * after each script call), so that a like survives the loss of the primary and the promotion of a replica.
     * If fewer replicas confirm within {@code timeout}, the calls of that write end with
     * {@link LikeTimeoutException}: the primary applied them, a failover may lose them, and a retry
     * with the same request ID learns which; their events are left to the outbox sweeper, which relays them only
     * if the primary still holds them after the grace period. {@code WAIT} holds the store's connection until the
     * replicas answer, so every call on this store pays a replication round trip. With replicas required, the
     * {@link #settingsCheck} asks for that many connected replicas instead of {@code appendfsync always}. Only on
     * a standalone Redis. Off by default.
     *
     * @param replicas 1 to 64
     * @param timeout at least one millisecond, shorter than the {@link #commandTimeout}
     * @return this builder
     */
    public RedisLikeStore.Builder replicaAcknowledgements(int replicas, Duration timeout) {
        this.waitReplicas = Args.between("replicas", replicas, 1, 64);
        this.waitTimeout = Args.atLeast("timeout", timeout, Duration.ofMillis(1));
        return self();
    }

    /**
     * What {@link RedisLikeStore.Builder#build()} does if Redis' settings cannot keep what the store acknowledges. Checked when the
     * store is Redis as the truth (no backing store) or has an {@link RedisLikeStore.Builder#outbox}: on every node (every master of a
     * cluster), {@code maxmemory-policy} must be {@code noeviction} whenever {@code maxmemory} is set (otherwise
     * Redis evicts outbox entries and request IDs under memory pressure), and {@code appendonly yes} with
     * {@code appendfsync always} (otherwise a crash of Redis loses acknowledged likes), or, with
     * {@link #replicaAcknowledgements}, at least that many connected replicas. A Redis that refuses
     * {@code CONFIG GET} (some managed services) counts as failing the check. Default
     * {@link SettingsCheck#REFUSE}.
     *
     * @param check what to do
     * @return this builder
     */
    public RedisLikeStore.Builder settingsCheck(SettingsCheck check) {
        this.settingsCheck = Args.notNull("settingsCheck", check);
        return self();
    }

    /**
     * Registers this store's meters on a Micrometer registry (Micrometer is an optional dependency: needed only
     * when this is called), and removes them when the store closes: {@code likes.local.cache.requests} (function
     * counter; tag {@code result}: hit, miss), {@code likes.backing.store.loads} (function counter), and with an
     * outbox {@code likes.outbox.relayed} (function counter; tag {@code path}: fast, sweeper),
     * {@code likes.outbox.failures} (function counter), {@code likes.outbox.inflight} (gauge). Two stores on one
     * registry need tags that tell them apart: see {@link #meterRegistry(MeterRegistry, Iterable)}.
     *
     * @param registry the registry
     * @return this builder
     */
    public RedisLikeStore.Builder meterRegistry(MeterRegistry registry) {
        return meterRegistry(registry, List.of());
    }

    /**
     * As {@link #meterRegistry(MeterRegistry)}, with tags added to every meter of this store.
     *
     * @param registry the registry
     * @param tags the tags, e.g. {@code Tags.of("store", "feed")}
     * @return this builder
     */
    public RedisLikeStore.Builder meterRegistry(MeterRegistry registry, Iterable<Tag> tags) {
        this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
        this.meterTags = Objects.requireNonNull(tags, "tags must not be null");
        return self();
    }
}
