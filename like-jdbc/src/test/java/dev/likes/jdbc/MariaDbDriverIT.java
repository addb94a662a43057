package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStore;
import dev.likes.core.Liker;
import dev.likes.core.PageRequest;
import dev.likes.testkit.LikeStoreCompatibilityKit;
import dev.likes.testkit.MutableClock;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The store on MariaDB Connector/J, the driver a host may pick instead of MySQL's: the whole contract, and the event
 * sink with times that keep their milliseconds.
 */
class MariaDbDriverIT extends LikeStoreCompatibilityKit {

    private static Jdbi jdbi;

    private static synchronized Jdbi database() {
        if (jdbi == null) {
            jdbi = Databases.freshThroughMariaDbDriver();
        }
        return jdbi;
    }

    /** Likes of one content serialize on its count row: 16,000 of them prove the count as well as 80,000. */
    @Override
    protected int likesPerThreadOnOneContent() {
        return 1_000;
    }

    @Override
    protected LikeStore createStore() {
        Databases.truncate(database());
        return JdbiLikeStore.builder(database()).build();
    }

    @Test
    void theDriverInUseIsMariaDbs() throws SQLException {
        String driver = database().withHandle(h -> h.getConnection().getMetaData().getDriverName());
        assertThat(driver).containsIgnoringCase("MariaDB");
    }

    @Test
    void eventsAppliedThroughTheSinkKeepTheirMilliseconds() {
        Databases.truncate(database());
        Instant at = Instant.parse("2026-12-04T10:00:00.123Z");
        ContentRef post = ContentRef.of("post", 12);
        try (JdbiLikeStore store = JdbiLikeStore.builder(database()).build();
                LikeService service = LikeService.builder(store).clock(MutableClock.at(at)).build()) {
            service.like(5, post);
            store.apply(List.of(
                    new LikeEvent("e1", "r1", 6, post, LikeAction.LIKE, at.plusMillis(1), 1, 2),
                    new LikeEvent("e1", "r1", 6, post, LikeAction.LIKE, at.plusMillis(1), 1, 2)))
                    .toCompletableFuture().join();
            String stored = database().withHandle(h -> h.createQuery(
                    "SELECT CAST(updated_at AS CHAR) FROM like_records WHERE user_id = 5").mapTo(String.class).one());
            assertThat(stored).isEqualTo("2026-12-04 10:00:00.123");
            assertThat(service.count(post)).isEqualTo(2);
            assertThat(service.likers(post, PageRequest.first(10)).items())
                    .extracting(Liker::likedAt)
                    .containsExactly(at.plusMillis(1), at);
        }
    }
}
