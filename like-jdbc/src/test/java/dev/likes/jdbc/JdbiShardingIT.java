package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.core.PageRequest;
import dev.likes.core.UserLike;
import dev.likes.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Two shards as two databases of one server: placement by content id, reads, "my likes" merged. Shards on servers of
 * their own, and replicas, are in {@link JdbiShardFaultIT} and {@link JdbiReplicationIT}.
 */
class JdbiShardingIT {

    @Test
    void contentsArePlacedByIdModuloShardsAndMyLikesAreMergedInOrder() {
        Jdbi shard0 = Databases.fresh();
        Jdbi shard1 = Databases.fresh();
        try (JdbiLikeStore store = JdbiLikeStore.builder(List.of(JdbiShard.of(shard0), JdbiShard.of(shard1))).build();
                LikeService service = LikeService.builder(store).clock(MutableClock.at(
                        Instant.parse("2026-01-01T00:00:00Z"))).build()) {
            for (long id = 1; id <= 20; id++) {
                service.like(7, ContentRef.of("post", id));
                service.like(8, ContentRef.of("post", id));
            }
            assertThat(rows(shard0)).containsOnly(0L);
            assertThat(rows(shard1)).containsOnly(1L);
            assertThat(service.count(ContentRef.of("post", 3))).isEqualTo(2);
            assertThat(service.counts(List.of(ContentRef.of("post", 3), ContentRef.of("post", 4))))
                    .containsValues(2L, 2L);
            assertThat(service.likedAmong(7, List.of(ContentRef.of("post", 3), ContentRef.of("post", 4)))).hasSize(2);

            List<UserLike> all = new ArrayList<>();
            PageRequest page = PageRequest.first(3);
            while (true) {
                var result = service.likesOf(7, page);
                all.addAll(result.items());
                if (!result.hasNext()) {
                    break;
                }
                page = PageRequest.after(result.nextCursor(), 3);
            }
            assertThat(all).hasSize(20).doesNotHaveDuplicates().isSortedAccordingTo(UserLike.NEWEST_FIRST);
        }
    }

    private static List<Long> rows(Jdbi db) {
        return db.withHandle(h -> h.createQuery("SELECT DISTINCT MOD(content_id, 2) FROM like_records").mapTo(Long.class).list());
    }
}
