package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.EventPublisher;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.testservers.TestServices;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A store whose promises rest on Redis' settings refuses to start on a Redis that cannot keep them: one that evicts
 * under memory pressure, or that does not write every change to its append-only file before answering.
 */
class RedisSettingsIT {

    private RedisLikeStore.Builder withOutbox() {
        return RedisLikeStore.builder(SharedClients.redis())
                .keyPrefix(TestServices.uniqueName("set"))
                .backingStore(InMemoryLikeStore.create())
                .outbox(EventPublisher.NONE);
    }

    @Test
    void aDurableRedisWithoutEvictionIsAccepted() {
        try (RedisLikeStore store = withOutbox().build()) {
            assertThat(store).isNotNull();
        }
        try (RedisLikeStore truthOnTheCluster = RedisLikeStore.builder(SharedClients.cluster())
                .keyPrefix(TestServices.uniqueName("set"))
                .build()) {
            assertThat(truthOnTheCluster).isNotNull(); // every master runs with appendfsync always
        }
    }

    @Test
    void anEvictingRedisIsRefusedUnlessTheHostOptsIn() {
        try (StatefulRedisConnection<String, String> admin = SharedClients.redis().connect()) {
            Map<String, String> before = admin.sync().configGet("maxmemory", "maxmemory-policy");
            try {
                admin.sync().configSet("maxmemory", "4gb");
                admin.sync().configSet("maxmemory-policy", "allkeys-lru");
                assertThatThrownBy(() -> withOutbox().build())
                        .isInstanceOf(LikeStoreException.class)
                        .hasMessageContaining("maxmemory-policy allkeys-lru")
                        .hasMessageContaining("noeviction")
                        .hasMessageContaining("settingsCheck");
                assertThatThrownBy(() -> RedisLikeStore.builder(SharedClients.redis()).build()) // Redis as the truth
                        .hasMessageContaining("maxmemory-policy");
                try (RedisLikeStore store = withOutbox().settingsCheck(RedisLikeStore.SettingsCheck.WARN).build();
                        RedisLikeStore cacheOnly = RedisLikeStore.builder(SharedClients.redis())
                                .backingStore(InMemoryLikeStore.create())
                                .build()) {
                    assertThat(store).isNotNull();
                    assertThat(cacheOnly).isNotNull(); // a pure cache promises nothing eviction could break
                }
            } finally {
                admin.sync().configSet("maxmemory-policy", before.get("maxmemory-policy"));
                admin.sync().configSet("maxmemory", before.get("maxmemory"));
            }
        }
    }

    @Test
    void aRedisThatAnswersBeforeItsWritesAreOnDiskIsRefused() {
        try (StatefulRedisConnection<String, String> admin = SharedClients.redis().connect()) {
            String fsync = admin.sync().configGet("appendfsync").get("appendfsync");
            try {
                admin.sync().configSet("appendfsync", "everysec");
                assertThatThrownBy(() -> withOutbox().build())
                        .isInstanceOf(LikeStoreException.class)
                        .hasMessageContaining("appendfsync everysec");
                try (RedisLikeStore skipped = withOutbox().settingsCheck(RedisLikeStore.SettingsCheck.SKIP).build()) {
                    assertThat(skipped).isNotNull();
                }
            } finally {
                admin.sync().configSet("appendfsync", fsync);
            }
        }
    }

    @Test
    void everyProblemOfANodeIsNamed() {
        assertThat(SettingsGuard.problems("n1", Map.of("maxmemory", "0", "maxmemory-policy", "allkeys-lru",
                "appendonly", "yes", "appendfsync", "always"), 0, 0)).isEmpty();
        assertThat(SettingsGuard.problems("n1", Map.of("maxmemory", "100", "maxmemory-policy", "volatile-ttl",
                "appendonly", "no", "appendfsync", "always"), 0, 0)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("n1").contains("volatile-ttl"))
                .anySatisfy(p -> assertThat(p).contains("appendonly no"));
        assertThat(SettingsGuard.problems("n1", Map.of("maxmemory", "0", "maxmemory-policy", "noeviction",
                "appendonly", "no", "appendfsync", "everysec"), 1, 1)).as("a replica confirms each write").isEmpty();
        assertThat(SettingsGuard.problems("n1", Map.of("maxmemory", "0", "maxmemory-policy", "noeviction",
                "appendonly", "no", "appendfsync", "everysec"), 2, 1)).singleElement()
                .satisfies(p -> assertThat(p).contains("1 connected replicas, fewer than the 2"));
        assertThat(SettingsGuard.connectedReplicas("# Replication\r\nrole:master\r\nconnected_slaves:3\r\n"))
                .isEqualTo(3);
    }
}
