package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.testservers.TestServices;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on what a host already has: a client without a URI of its own (Spring Data's native client is one), and
 * the host's Lettuce resources and options for the client the store creates, whose failure behaviour stays the
 * store's: with the host's options saying "queue commands while disconnected", a call on a dead Redis still fails at
 * once instead of waiting for the command timeout.
 */
class RedisHostClientIT {

    private static final ContentRef POST = ContentRef.of("post", 11);

    @TempDir
    Path dir;

    @Test
    void aStoreOnTheHostsClientWithoutAUriConnectsToTheServerGivenAndLeavesTheClientOpen() {
        RedisClient hosts = RedisClient.create();
        try {
            RedisURI uri = RedisURI.create(TestServices.redisUri());
            try (RedisLikeStore store = RedisLikeStore.builder(hosts, uri)
                    .keyPrefix(TestServices.uniqueName("host")).build()) {
                assertThat(store.apply(like(7)).toCompletableFuture().join().count()).isEqualTo(1);
            }
            try (StatefulRedisConnection<String, String> still = hosts.connect(uri)) {
                assertThat(still.sync().ping()).isEqualTo("PONG");
            }
        } finally {
            hosts.shutdown();
        }
    }

    @Test
    void theHostsResourcesAndOptionsCarryTheStoresConnectionButADeadRedisFailsCallsAtOnce() throws Exception {
        int port = OwnRedisServers.freePort();
        OwnRedisServers own = new OwnRedisServers(dir);
        Process redis = own.start("killed", port);
        ClientResources resources = DefaultClientResources.create();
        AtomicInteger activated = new AtomicInteger();
        resources.eventBus().get().filter(ConnectionActivatedEvent.class::isInstance)
                .subscribe(event -> activated.incrementAndGet());
        ClientOptions queueWhileDisconnected = ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .build();
        try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create("redis://127.0.0.1:" + port))
                .clientResources(resources)
                .clientOptions(queueWhileDisconnected)
                .commandTimeout(Duration.ofSeconds(30))
                .settingsCheck(RedisLikeStore.SettingsCheck.SKIP)
                .build()) {
            assertThat(store.apply(like(1)).toCompletableFuture().join().count()).isEqualTo(1);
            // the event bus delivers on its own scheduler: the event may come just after the call's answer
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(activated.get()).as("connections on the host's resources").isPositive());

            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    assertThatThrownBy(() -> store.apply(like(2)).toCompletableFuture().join())
                            .isInstanceOf(CompletionException.class)
                            .cause()
                            .isInstanceOf(LikeStoreException.class)
                            .isNotInstanceOf(LikeTimeoutException.class));
        } finally {
            own.stopAll();
            resources.shutdown().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void resourcesAndOptionsApplyOnlyToAClientTheStoreCreates() {
        RedisClient hosts = RedisClient.create("redis://127.0.0.1:1");
        try {
            assertThatThrownBy(() -> RedisLikeStore.builder(hosts).clientOptions(ClientOptions.create()).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("clientResources and clientOptions");
        } finally {
            hosts.shutdown();
        }
    }

    private static LikeMutation like(long user) {
        return new LikeMutation(UUID.randomUUID().toString(), user, POST, LikeAction.LIKE, null, Instant.now());
    }
}
