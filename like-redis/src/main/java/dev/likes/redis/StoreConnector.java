package dev.likes.redis;

import dev.likes.core.LikeStoreException;
import dev.likes.redis.RedisLikeStore.SettingsCheck;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.TimeoutOptions;

/**
 * What {@link RedisLikeStore.Builder#build()} does: checks the rules that involve several settings, connects (creating
 * the client when the builder was given a URI), checks the server's settings and makes the store. A failure closes
 * what it opened.
 */
final class StoreConnector {

    private StoreConnector() {}

    static RedisLikeStore build(RedisLikeStore.Builder b) {
        if (b.expirySet && b.backingStore == null) {
            throw new IllegalStateException("hotTtl, coldTtl and emptyTtl need backingStore(...): keys that expire"
                    + " with no backing store to reload them from would lose likes");
        }
        if (b.coldTtl.compareTo(b.hotTtl) > 0) {
            throw new IllegalStateException(
                    "coldTtl (" + b.coldTtl + ") must not be longer than hotTtl (" + b.hotTtl + ")");
        }
        if ((b.clientResources != null || b.clientOptions != null) && (b.client != null || b.clusterClient != null)) {
            throw new IllegalStateException("clientResources and clientOptions apply to the client the store"
                    + " creates from a URI; configure the client you passed instead");
        }
        if (b.waitReplicas > 0 && b.clusterClient != null) {
            throw new IllegalStateException("replicaAcknowledgements needs a standalone Redis; a cluster store"
                    + " cannot wait for its nodes' replicas");
        }
        if (b.waitReplicas > 0 && b.waitTimeout.compareTo(b.commandTimeout) >= 0) {
            throw new IllegalStateException("the replicaAcknowledgements timeout (" + b.waitTimeout + ") must be"
                    + " shorter than commandTimeout (" + b.commandTimeout + ")");
        }
        try {
            return connect(b);
        } catch (RedisConnectionException e) {
            throw new LikeStoreException("could not connect to Redis", e);
        }
    }

    private static RedisLikeStore connect(RedisLikeStore.Builder b) {
        boolean checked = b.settingsCheck != SettingsCheck.SKIP && (b.outbox != null || b.backingStore == null);
        if (b.clusterClient != null) {
            var connection = b.clusterClient.connect();
            int entries;
            try {
                if (checked) {
                    SettingsGuard.enforce(b.settingsCheck, SettingsGuard.problems(connection));
                }
                entries = b.listpackEntries > 0
                        ? b.listpackEntries
                        : SettingsGuard.listpackEntries(connection);
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
            return new RedisLikeStore(b, connection, connection.async(), null, false,
                    b.clusterClient.getResources().timer(), entries);
        }
        RedisClient target = b.client;
        AutoCloseable owned = null;
        if (target == null) {
            target = b.clientResources == null ? RedisClient.create(b.uri) : RedisClient.create(b.clientResources, b.uri);
            ClientOptions.Builder options =
                    b.clientOptions == null ? ClientOptions.builder() : b.clientOptions.mutate();
            target.setOptions(options
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(b.commandTimeout))
                    .build());
            owned = target::shutdown;
        }
        try {
            var connection = b.uri == null ? target.connect() : target.connect(b.uri);
            int entries;
            try {
                if (checked) {
                    SettingsGuard.enforce(b.settingsCheck,
                            SettingsGuard.problems("Redis", connection.sync(), b.waitReplicas));
                }
                entries = b.listpackEntries > 0
                        ? b.listpackEntries
                        : SettingsGuard.listpackEntries(connection.sync());
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
            return new RedisLikeStore(b, connection, connection.async(), owned, true,
                    target.getResources().timer(), entries);
        } catch (RuntimeException e) {
            if (owned != null) {
                target.shutdown();
            }
            throw e;
        }
    }
}
