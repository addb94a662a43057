package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.testservers.TestServices;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The cache mode on a cluster: loads, expiry bookkeeping and likes of many contents spread over the three masters. */
class RedisClusterReadThroughIT {

    @Test
    void contentsOnEveryMasterAreLoadedOnceAndContinueFromTheDurableTruth() {
        CountingStore durable = new CountingStore();
        LikeService truth = LikeService.builder(durable).build();
        List<ContentRef> posts = new ArrayList<>();
        for (long id = 1; id <= 30; id++) {
            ContentRef post = ContentRef.of("post", id);
            posts.add(post);
            for (long user = 1; user <= id; user++) {
                truth.like(user, post);
            }
        }
        try (RedisLikeStore store = RedisLikeStore.builder(SharedClients.cluster())
                        .keyPrefix(TestServices.uniqueName("crt"))
                        .backingStore(durable)
                        .build();
                LikeService service = LikeService.builder(store).build()) {
            List<CompletableFuture<Long>> counts = new ArrayList<>();
            for (ContentRef post : posts) {
                for (int reader = 0; reader < 5; reader++) {
                    counts.add(service.async().count(post).toCompletableFuture());
                }
            }
            CompletableFuture.allOf(counts.toArray(new CompletableFuture<?>[0])).join();
            for (int i = 0; i < counts.size(); i++) {
                assertThat(counts.get(i).join()).isEqualTo(i / 5 + 1);
            }
            assertThat(durable.countReads.sum()).isEqualTo(30);

            for (ContentRef post : posts) {
                assertThat(service.like(1_000, post).count()).isEqualTo(post.id() + 1);
                assertThat(service.hasLiked(post.id(), post)).isTrue();
            }
            assertThat(durable.likerReads.sum()).isEqualTo(30);
        }
    }
}
