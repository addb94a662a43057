package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeEvent;
import dev.likes.testkit.EventHistory;
import dev.likes.testkit.InMemoryEventSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jdbi.v3.core.Jdbi;

/**
 * The consumer's path: shuffled, duplicated and replayed batches leave exactly the table and counts that the
 * in-order stream leaves, and the counts match the records.
 */
class JdbiEventSinkIT {

    private static Jdbi inOrderDb;
    private static Jdbi shuffledDb;

    private static synchronized void databases() {
        if (inOrderDb == null) {
            inOrderDb = Databases.fresh();
            shuffledDb = Databases.fresh();
        }
    }

    @Property(tries = 10)
    void anyDeliveryOrderGivesTheInOrderResult(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int batchSize) throws Exception {
        databases();
        Databases.truncate(inOrderDb);
        Databases.truncate(shuffledDb);
        List<LikeEvent> history = EventHistory.random(3_000, 60, 8, seed);
        try (JdbiLikeStore inOrder = JdbiLikeStore.builder(inOrderDb).build();
                JdbiLikeStore shuffled = JdbiLikeStore.builder(shuffledDb).build()) {
            for (int from = 0; from < history.size(); from += 500) {
                inOrder.apply(history.subList(from, Math.min(history.size(), from + 500)))
                        .toCompletableFuture()
                        .get(1, TimeUnit.MINUTES);
            }
            Random random = new Random(seed);
            List<LikeEvent> delivered = new ArrayList<>(history);
            delivered.addAll(history.subList(0, history.size() / 3)); // duplicates
            Collections.shuffle(delivered, random);
            delivered.addAll(history.subList(history.size() / 2, history.size())); // a replay of the tail
            for (int from = 0; from < delivered.size(); from += batchSize) {
                shuffled.apply(delivered.subList(from, Math.min(delivered.size(), from + batchSize)))
                        .toCompletableFuture()
                        .get(1, TimeUnit.MINUTES);
            }
        }
        assertThat(records(shuffledDb)).isEqualTo(records(inOrderDb));
        assertThat(counts(shuffledDb)).isEqualTo(counts(inOrderDb));

        InMemoryEventSink model = new InMemoryEventSink();
        model.apply(history);
        for (String row : counts(inOrderDb)) {
            String[] f = row.split(" ");
            assertThat(Long.parseLong(f[2]))
                    .isEqualTo(model.count(ContentRef.of(f[1], Long.parseLong(f[0]))));
        }
        // like_counts agrees with like_records
        long drift = inOrderDb.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM like_counts c WHERE like_count <>"
                        + " (SELECT COUNT(*) FROM like_records r WHERE r.content_id = c.content_id"
                        + " AND r.content_type = c.content_type AND r.is_canceled = 0)")
                .mapTo(Long.class)
                .one());
        assertThat(drift).isZero();
    }

    private static List<String> records(Jdbi db) {
        return db.withHandle(h -> h.createQuery("SELECT CONCAT_WS(' ', user_id, content_id, content_type, updated_at,"
                        + " is_canceled, version) FROM like_records ORDER BY user_id, content_id, content_type")
                .mapTo(String.class)
                .list());
    }

    private static List<String> counts(Jdbi db) {
        return db.withHandle(h -> h.createQuery("SELECT CONCAT_WS(' ', content_id, content_type, like_count, version)"
                        + " FROM like_counts ORDER BY content_id, content_type")
                .mapTo(String.class)
                .list());
    }
}
