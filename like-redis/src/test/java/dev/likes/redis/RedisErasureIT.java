package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.core.PageRequest;
import dev.likes.core.UserLike;
import dev.likes.testkit.RecordingEventPublisher;
import dev.likes.testservers.TestServices;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Redis keeps of a user besides their likes' state, erased; and the outbox's oldest entry an erasure waits on. */
class RedisErasureIT {

    private static final long GONE = 4_611_686_018_427_387_904L; // a random-looking 63-bit id

    private String prefix;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void setUp() {
        prefix = TestServices.uniqueName("erase");
        admin = SharedClients.redis().connect();
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    @Test
    void erasesTheUsersRequestIdsAndKeysAndNothingOfOtherUsers() {
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).build();
                LikeService service = LikeService.builder(store).build()) {
            Random random = new Random(3);
            List<Long> users = new ArrayList<>(List.of(GONE));
            for (int i = 0; i < 40; i++) {
                users.add(1 + (random.nextLong() >>> 1));
            }
            users.add(7L); // an id that is also a content id below: the match is on the user's part of a field
            int gonesRequests = 0;
            for (int step = 0; step < 3_000; step++) {
                long user = users.get(random.nextInt(users.size()));
                ContentRef content = ContentRef.of(random.nextBoolean() ? "post" : "comment", 1 + random.nextInt(200));
                service.like(user, content, "r" + step);
                if (user == GONE) {
                    gonesRequests++;
                }
            }
            RedisRateLimiter.on(store, 100, 10).acquire(GONE).toCompletableFuture().join();
            for (UserLike like : service.likesOf(GONE, PageRequest.first(1000)).items()) {
                service.unlike(GONE, like.content());
            }
            List<String> othersFields = requestFields(false);
            assertThat(requestFields(true)).hasSize(gonesRequests);
            assertThat(admin.sync().keys(prefix + "*" + GONE + "*")).as("the rate-limit key").isNotEmpty();

            long erased = store.policy().eraseUser(GONE).toCompletableFuture().join();

            assertThat(erased).isEqualTo(gonesRequests);
            assertThat(requestFields(true)).isEmpty();
            assertThat(requestFields(false)).containsExactlyInAnyOrderElementsOf(othersFields);
            assertThat(admin.sync().keys(prefix + "*" + GONE + "*")).as("no key names the user").isEmpty();
            assertThat(service.likesOf(GONE, PageRequest.first(1000)).items()).isEmpty();
            assertThat(store.policy().eraseUser(GONE).toCompletableFuture().join()).as("idempotent").isZero();
            assertThatThrownBy(() -> store.policy().eraseUser(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("userId");
        }
    }

    @Test
    void theOldestOutboxEntryIsWhatTheEventLogHasNotTakenYet() {
        RecordingEventPublisher recorded = new RecordingEventPublisher();
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix).outbox(recorded)
                        .build();
                LikeService service = LikeService.builder(store).build()) {
            service.like(1, ContentRef.of("post", 1));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> store.policy().oldestOutboxEntry().toCompletableFuture().join().isEmpty());
        }
        Instant before = Instant.now().minusSeconds(1);
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.redis()).keyPrefix(prefix + "f")
                        .outbox(event -> CompletableFuture.failedFuture(new IllegalStateException("broker down")))
                        .outboxSweep(Duration.ofHours(1), Duration.ZERO)
                        .build();
                LikeService service = LikeService.builder(store).build()) {
            service.like(1, ContentRef.of("post", 1));
            service.like(2, ContentRef.of("post", 2));
            Optional<Instant> oldest = store.policy().oldestOutboxEntry().toCompletableFuture().join();
            assertThat(oldest).hasValueSatisfying(at -> assertThat(at).isBetween(before, Instant.now()));
        }
    }

    /** The fields of every request-ID hash of the store: the user's, or everybody else's. */
    private List<String> requestFields(boolean gones) {
        List<String> fields = new ArrayList<>();
        for (String key : admin.sync().keys(prefix + ":r:*:*")) {
            if (!key.matches(".*\\}:\\d+")) {
                continue; // the shard's epochs hash, not an epoch's IDs
            }
            for (String field : admin.sync().hkeys(key)) {
                boolean mine = field.split(":")[2].equals(Long.toString(GONE));
                if (mine == gones) {
                    fields.add(key + ' ' + field);
                }
            }
        }
        return fields;
    }
}
