package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeService;
import dev.likes.testkit.MutableClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's erasure in MySQL: every table, the counts, the ERASE events, late events, a failing batch. */
class JdbiErasureIT {

    private static final long GONE = 7;

    @TempDir
    Path files;

    @Test
    void erasesEveryRecordOfTheUserInEveryTableAndNothingOfOthers() throws Exception {
        Jdbi db = Databases.fresh();
        MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build();
                LikeService service = LikeService.builder(store).clock(clock).build()) {
            Random random = new Random(5);
            for (int step = 0; step < 1_500; step++) {
                clock.advance(Duration.ofMinutes(200));
                long user = 1 + random.nextInt(12);
                ContentRef content = ContentRef.of(random.nextBoolean() ? "post" : "comment", 1 + random.nextInt(30));
                String requestId = "r" + step;
                if (random.nextInt(4) == 0) {
                    service.unlike(user, content, requestId);
                } else {
                    service.like(user, content, requestId);
                }
            }
            GzipJsonLinesArchiveSink sink = new GzipJsonLinesArchiveSink(files);
            assertThat(LikeArchiver.builder(db, clock).batchSize(100).sink(sink).build().run()).isPositive();
            assertThat(count(db, "like_records_archive WHERE user_id = " + GONE)).isPositive();
            assertThat(count(db, "like_records WHERE user_id = " + GONE)).isPositive();
            assertThat(count(db, "like_requests WHERE user_id = " + GONE)).isPositive();
            Map<ContentRef, Long> expected = countsWithout(db, GONE);
            long othersRows = count(db, "like_records WHERE user_id <> " + GONE)
                    + count(db, "like_records_archive WHERE user_id <> " + GONE);
            long othersRequests = count(db, "like_requests WHERE user_id <> " + GONE);
            long gonesRecords = count(db, "like_records WHERE user_id = " + GONE)
                    + count(db, "like_records_archive WHERE user_id = " + GONE);

            List<LikeEvent> published = new ArrayList<>();
            AtomicInteger batches = new AtomicInteger();
            Instant erasedAt = clock.instant();
            // the third batch fails: it stays, the earlier ones are gone, and a rerun finishes
            assertThatThrownBy(() -> store.eraseUser(GONE, erasedAt, 10, events -> {
                if (batches.incrementAndGet() == 3) {
                    throw new IllegalStateException("the broker refused");
                }
                published.addAll(events);
            }).toCompletableFuture().join()).isInstanceOf(CompletionException.class)
                    .hasRootCauseMessage("the broker refused");
            int firstTwo = published.size();
            assertThat(firstTwo).isPositive();
            assertThat(count(db, "like_records WHERE user_id = " + GONE)
                    + count(db, "like_records_archive WHERE user_id = " + GONE)).isEqualTo(gonesRecords - firstTwo);
            long erased = store.eraseUser(GONE, erasedAt, 10, published::addAll).toCompletableFuture()
                    .get(1, TimeUnit.MINUTES);
            assertThat(erased + firstTwo).isEqualTo(gonesRecords);
            assertThat(published).hasSize((int) gonesRecords)
                    .allSatisfy(e -> {
                        assertThat(e.action()).isEqualTo(LikeAction.ERASE);
                        assertThat(e.userId()).isEqualTo(GONE);
                        assertThat(e.occurredAt()).isEqualTo(erasedAt);
                    });
            assertThat(published.stream().map(LikeEvent::content).distinct().count()).isEqualTo(gonesRecords);
            for (LikeEvent e : published) {
                assertThat(e.count()).as("the count after the erasure, in the event").isEqualTo(
                        expected.getOrDefault(e.content(), 0L));
            }

            for (String table : List.of("like_records", "like_records_archive", "like_requests")) {
                assertThat(count(db, table + " WHERE user_id = " + GONE)).as(table).isZero();
            }
            assertThat(count(db, "like_records WHERE user_id <> " + GONE)
                    + count(db, "like_records_archive WHERE user_id <> " + GONE)).isEqualTo(othersRows);
            assertThat(count(db, "like_requests WHERE user_id <> " + GONE)).isEqualTo(othersRequests);
            assertThat(countsNow(db)).isEqualTo(expected);
            assertThat(count(db, "like_erasures WHERE user_id = " + GONE + " AND completed_at IS NOT NULL"))
                    .isEqualTo(1);
            assertThat(new LikeCountReconciler(db).reconcileAll(false).drifts()).isEmpty();

            List<String> linesBefore = archiveLines();
            long gonesLines = linesBefore.stream().filter(l -> l.contains("\"userId\":" + GONE + ",")).count();
            assertThat(gonesLines).isPositive();
            assertThat(sink.eraseUser(GONE)).isEqualTo(gonesLines);
            assertThat(archiveLines()).containsExactlyInAnyOrderElementsOf(linesBefore.stream()
                    .filter(l -> !l.contains("\"userId\":" + GONE + ",")).toList());
            assertThat(sink.eraseUser(GONE)).isZero();
            assertThat(store.eraseUser(GONE, erasedAt, 10, published::addAll).toCompletableFuture()
                    .get(1, TimeUnit.MINUTES)).as("idempotent").isZero();
        }
    }

    @Test
    void eventsFromBeforeTheErasureAreIgnoredAndEraseEventsApplyWhateverTheirVersion() throws Exception {
        Jdbi db = Databases.fresh();
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        ContentRef post = ContentRef.of("post", 1);
        ContentRef other = ContentRef.of("post", 2);
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build()) {
            store.apply(List.of(
                    new LikeEvent("a", "ra", GONE, post, LikeAction.LIKE, t0, 1, 1),
                    new LikeEvent("b", null, 8, post, LikeAction.LIKE, t0, 2, 2),
                    new LikeEvent("c", null, GONE, other, LikeAction.LIKE, t0, 1, 1))).toCompletableFuture().join();
            assertThat(countsNow(db)).isEqualTo(Map.of(post, 2L, other, 1L));

            // an ERASE before the unlike it follows (another path): the pair goes, the count drops once
            LikeEvent erase = new LikeEvent("e", null, GONE, post, LikeAction.ERASE, t0.plusSeconds(20), 1, 1);
            store.apply(List.of(erase)).toCompletableFuture().join();
            store.apply(List.of(erase)).toCompletableFuture().join(); // redelivered
            LikeEvent lateUnlike = new LikeEvent("u", "ru", GONE, post, LikeAction.UNLIKE, t0.plusSeconds(10), 3, 1);
            LikeEvent lateLike = new LikeEvent("l", null, GONE, other, LikeAction.LIKE, t0.plusSeconds(5), 2, 1);
            store.apply(List.of(lateUnlike, lateLike)).toCompletableFuture().join();
            assertThat(count(db, "like_records WHERE user_id = " + GONE + " AND content_id = 1")).isZero();
            assertThat(count(db, "like_requests WHERE user_id = " + GONE)).as("request IDs of the pair, and the"
                    + " ignored event's").isZero();
            assertThat(countsNow(db)).isEqualTo(Map.of(post, 1L, other, 1L));

            // in one batch: an ERASE, an older like of the same user on another content (ignored), a newer one (kept)
            store.apply(List.of(
                    new LikeEvent("e2", null, GONE, other, LikeAction.ERASE, t0.plusSeconds(30), 2, 0),
                    new LikeEvent("old", null, GONE, ContentRef.of("post", 3), LikeAction.LIKE, t0.plusSeconds(29), 1,
                            1),
                    new LikeEvent("new", null, GONE, ContentRef.of("post", 4), LikeAction.LIKE, t0.plusSeconds(31), 1,
                            1))).toCompletableFuture().join();
            assertThat(countsNow(db)).isEqualTo(Map.of(post, 1L, other, 0L, ContentRef.of("post", 4), 1L));
            assertThat(count(db, "like_records WHERE user_id = " + GONE)).isEqualTo(1);

            // the erasure's table makes a later batch ignore the user's older events too
            store.eraseUser(GONE, t0.plusSeconds(40), 100, events -> {}).toCompletableFuture().join();
            store.apply(List.of(new LikeEvent("older", null, GONE, post, LikeAction.LIKE, t0.plusSeconds(35), 9, 2)))
                    .toCompletableFuture().join();
            assertThat(count(db, "like_records WHERE user_id = " + GONE)).isZero();
            store.apply(List.of(new LikeEvent("after", null, GONE, post, LikeAction.LIKE, t0.plusSeconds(41), 10, 2)))
                    .toCompletableFuture().join();
            assertThat(count(db, "like_records WHERE user_id = " + GONE + " AND is_canceled = 0")).isEqualTo(1);
            assertThat(countsNow(db).get(post)).isEqualTo(2L);
        }
    }

    @Test
    void theErasuresListingReadsThePrimaryWhenTheReplicaLags() throws Exception {
        Jdbi primary = Databases.fresh();
        Jdbi replica = Databases.fresh(); // a replica that has not caught up with anything
        try (JdbiLikeStore store = JdbiLikeStore.builder(List.of(JdbiShard.of(primary).withReplica(replica))).build();
                JdbiLikeStore consumer = JdbiLikeStore.builder(primary).build()) {
            // written by the consumer of another process: this store has no mark of the user's write
            consumer.apply(List.of(new LikeEvent("a", null, GONE, ContentRef.of("post", 1), LikeAction.LIKE,
                    Instant.parse("2026-03-01T00:00:00Z"), 1, 1))).toCompletableFuture().join();
            assertThat(store.likesOf(GONE, null, null, 10).toCompletableFuture().join()).isEmpty();
            assertThat(store.likesOfOnPrimaries(GONE, null, 10).toCompletableFuture().join())
                    .extracting(like -> like.content()).containsExactly(ContentRef.of("post", 1));
        }
    }

    @Test
    void rejectsBadArguments() {
        try (JdbiLikeStore store = JdbiLikeStore.builder(Databases.fresh()).build()) {
            assertThatThrownBy(() -> store.eraseUser(0, Instant.now(), 10, e -> {}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userId");
            assertThatThrownBy(() -> store.eraseUser(1, Instant.now(), 0, e -> {}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
        }
    }

    private List<String> archiveLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> all = Files.walk(files)) {
            for (Path file : all.filter(f -> f.toString().endsWith(".jsonl.gz")).toList()) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    in.lines().filter(l -> !l.isBlank()).forEach(lines::add);
                }
            }
        }
        return lines;
    }

    private static Map<ContentRef, Long> countsWithout(Jdbi db, long userId) {
        Map<ContentRef, Long> counts = new HashMap<>();
        db.useHandle(h -> h.createQuery("SELECT content_type, content_id, COUNT(*) FROM (SELECT content_type,"
                        + " content_id FROM like_records WHERE is_canceled = 0 AND user_id <> ? UNION ALL SELECT"
                        + " content_type, content_id FROM like_records_archive WHERE is_canceled = 0 AND user_id <> ?)"
                        + " t GROUP BY content_type, content_id")
                .bind(0, userId)
                .bind(1, userId)
                .map((rs, ctx) -> counts.put(ContentRef.of(rs.getString(1), rs.getLong(2)), rs.getLong(3)))
                .list());
        db.useHandle(h -> h.createQuery("SELECT content_type, content_id FROM like_counts")
                .map((rs, ctx) -> counts.putIfAbsent(ContentRef.of(rs.getString(1), rs.getLong(2)), 0L))
                .list());
        return counts;
    }

    private static Map<ContentRef, Long> countsNow(Jdbi db) {
        Map<ContentRef, Long> counts = new HashMap<>();
        db.useHandle(h -> h.createQuery("SELECT content_type, content_id, like_count FROM like_counts")
                .map((rs, ctx) -> counts.put(ContentRef.of(rs.getString(1), rs.getLong(2)), rs.getLong(3)))
                .list());
        return counts;
    }

    private static long count(Jdbi db, String from) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + from).mapTo(Long.class).one());
    }
}
