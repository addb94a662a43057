package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeStoreException;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Redis at {@code maxmemory} with {@code noeviction}: a write that would be refused part-way is refused whole, before
 * it starts, and the reads go on.
 */
class RedisOutOfMemoryIT {

    private static final ContentRef POST = ContentRef.of("post", 77);

    @Test
    void unlikesRefusedForMemoryChangeNothingAndReadsGoOn() {
        SplittableRandom random = new SplittableRandom(77);
        long[] users = new long[300]; // about eight buckets: most unlikes touch a bucket other than the main hash
        for (int i = 0; i < users.length; i++) {
            users[i] = 1 + (random.nextLong() >>> 1) % (Long.MAX_VALUE - 1);
        }
        Instant at = Instant.ofEpochSecond(1_764_345_603L);
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis())
                        .keyPrefix(TestServices.uniqueName("oom"))
                        .hashMaxListpackEntries(128)
                        .build();
                RedisClient client = RedisClient.create(TestServices.redisUri());
                StatefulRedisConnection<String, String> admin = client.connect()) {
            for (int i = 0; i < users.length; i++) {
                store.apply(new LikeMutation("l" + i, users[i], POST, LikeAction.LIKE, null, at)).toCompletableFuture()
                        .join();
            }
            admin.sync().configSet("maxmemory", "1");
            try {
                for (int i = 0; i < users.length; i++) {
                    LikeMutation unlike = new LikeMutation("u" + i, users[i], POST, LikeAction.UNLIKE, null, at);
                    assertThatThrownBy(() -> store.apply(unlike).toCompletableFuture().join())
                            .hasCauseInstanceOf(LikeStoreException.class)
                            .hasMessageContaining("OOM");
                }
                assertThat(store.count(POST).toCompletableFuture().join()).as("reads go on").isEqualTo(300);
            } finally {
                admin.sync().configSet("maxmemory", "0");
            }
            for (long user : users) {
                assertThat(store.hasLiked(user, POST).toCompletableFuture().join()).as("user %d", user).isTrue();
            }
            assertThat(store.count(POST).toCompletableFuture().join()).isEqualTo(300);
        }
    }
}
