package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.InMemoryLikeStore;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Configuration mistakes fail before anything connects, naming the setting. */
class RedisLikeStoreBuilderTest {

    private final RedisClient client = RedisClient.create("redis://127.0.0.1:1");

    @AfterEach
    void shutdown() {
        client.shutdown();
    }

    @Test
    void keyPrefixesCannotHoldHashTagsOrBeEmpty() {
        for (String bad : new String[] {"", "a{b}", "x y", "p".repeat(41)}) {
            assertThatThrownBy(() -> RedisLikeStore.builder(client).keyPrefix(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("keyPrefix must be");
        }
    }

    @Test
    void shardsAndTheRequestIdCapNameTheirRule() {
        assertThatThrownBy(() -> RedisLikeStore.builder(client).shards(0))
                .hasMessage("shards must be between 1 and 16384, but was 0");
        assertThatThrownBy(() -> RedisLikeStore.builder(client).shards(20_000))
                .hasMessage("shards must be between 1 and 16384, but was 20000");
        assertThatThrownBy(() -> RedisLikeStore.builder(client).maxRequestIds(10))
                .hasMessage("maxRequestIds must be at least 1000, but was 10");
    }

    @Test
    void bucketsAreSizedFromTheListpackLimitWithinItsRule() {
        assertThatThrownBy(() -> RedisLikeStore.builder(client).hashMaxListpackEntries(8))
                .hasMessage("hashMaxListpackEntries must be between 16 and 1000000, but was 8");
        // 5/16 of the limit: the fullest bucket of a round of linear hashing holds about twice the average
        assertThat(Buckets.load(16)).isEqualTo(8);
        assertThat(Buckets.load(128)).isEqualTo(40);
        assertThat(Buckets.load(512)).isEqualTo(160);
        assertThat(Buckets.load(1_000_000)).as("a listpack lookup scans it: at most 160").isEqualTo(160);
    }

    @Test
    void expiryWithoutABackingStoreIsRefusedBecauseItWouldLoseLikes() {
        assertThatThrownBy(() -> RedisLikeStore.builder(client).hotTtl(Duration.ofHours(1)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backingStore");
    }

    @Test
    void ttlsAreCheckedAloneAndTogether() {
        assertThatThrownBy(() -> RedisLikeStore.builder(client).hotTtl(Duration.ZERO))
                .hasMessage("hotTtl must be at least PT1S, but was PT0S");
        assertThatThrownBy(() -> RedisLikeStore.builder(client)
                        .backingStore(InMemoryLikeStore.create())
                        .hotTtl(Duration.ofMinutes(10))
                        .coldTtl(Duration.ofHours(1))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("coldTtl");
        assertThatThrownBy(() -> RedisLikeStore.builder(client).maxBatchSize(0))
                .hasMessage("maxBatchSize must be between 1 and 1000, but was 0");
    }
}
