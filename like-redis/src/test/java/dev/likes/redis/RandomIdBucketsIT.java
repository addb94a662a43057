package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.testservers.TestServices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * With random 63-bit user ids, buckets grow and split (linear hashing) while likes and unlikes interleave: every
 * result and the final state equal {@link InMemoryLikeStore} applying the same mutations one by one.
 */
class RandomIdBucketsIT {

    @Property(tries = 6)
    void randomIdsAndSplitsMatchTheInMemoryStore(@ForAll long seed, @ForAll @IntRange(min = 1, max = 256) int batch,
            @ForAll boolean cache) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] users = new long[600];
        for (int i = 0; i < users.length; i++) {
            users[i] = 1 + (random.nextLong() >>> 1) % (Long.MAX_VALUE - 1);
        }
        List<ContentRef> contents = List.of(ContentRef.of("post", 1 + random.nextInt(1_000)),
                ContentRef.of("comment", 1 + (random.nextLong() >>> 1) % (Long.MAX_VALUE - 1)));
        Instant at = Instant.ofEpochSecond(1_764_345_603L);
        List<LikeMutation> mutations = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            // mostly likes, so the contents grow past several splits; unlikes and repeats interleave
            LikeAction action = random.nextInt(5) == 0 ? LikeAction.UNLIKE : LikeAction.LIKE;
            mutations.add(new LikeMutation("e" + i, users[random.nextInt(users.length)],
                    contents.get(random.nextInt(contents.size())), action, null, at.plusSeconds(i)));
        }
        InMemoryLikeStore model = InMemoryLikeStore.create();
        RedisLikeStore.Builder builder = RedisLikeStore.builder(SharedClients.redis())
                .keyPrefix(TestServices.uniqueName("rid"))
                .hashMaxListpackEntries(random.nextBoolean() ? 16 : 128) // buckets of 8 or 40 users on average
                .maxBatchSize(batch);
        if (cache) {
            builder.backingStore(InMemoryLikeStore.create());
        }
        try (RedisLikeStore store = builder.build()) {
            List<CompletableFuture<LikeResult>> results = new ArrayList<>();
            for (LikeMutation m : mutations) {
                results.add(store.apply(m).toCompletableFuture());
            }
            for (int i = 0; i < mutations.size(); i++) {
                LikeResult expected = model.apply(mutations.get(i)).toCompletableFuture().join();
                LikeResult actual = results.get(i).join();
                assertThat(List.of(actual.status(), actual.liked(), actual.count())).as("mutation %d", i)
                        .isEqualTo(List.of(expected.status(), expected.liked(), expected.count()));
            }
            for (ContentRef content : contents) {
                for (long user : users) {
                    assertThat(store.hasLiked(user, content).toCompletableFuture().join()).as("%d on %s", user, content)
                            .isEqualTo(model.hasLiked(user, content).toCompletableFuture().join());
                }
                assertThat(store.count(content).toCompletableFuture().join())
                        .isEqualTo(model.count(content).toCompletableFuture().join());
            }
        }
    }
}
