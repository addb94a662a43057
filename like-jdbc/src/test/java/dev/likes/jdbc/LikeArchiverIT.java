package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeService;
import dev.likes.core.Page;
import dev.likes.core.PageRequest;
import dev.likes.testkit.MutableClock;
import dev.likes.testservers.JdbcEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archiver over generated history with a fake clock: answers unchanged, a crash mid-run loses and doubles nothing. */
class LikeArchiverIT {

    private static final int USERS = 60;
    private static final int CONTENTS = 15;

    @TempDir
    Path files;

    @Test
    void movesOldRecordsWithoutChangingAnyAnswerAndSurvivesACrashMidRun() throws Exception {
        Jdbi db = Databases.fresh();
        MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build();
                LikeService service = LikeService.builder(store).clock(clock).build()) {
            Random random = new Random(11);
            for (int step = 0; step < 3_000; step++) {
                clock.advance(Duration.ofMinutes(100)); // about 200 days in all
                long user = 1 + random.nextInt(USERS);
                ContentRef content = ContentRef.of("post", 1 + random.nextInt(CONTENTS));
                if (random.nextInt(3) == 0) {
                    service.unlike(user, content);
                } else {
                    service.like(user, content);
                }
            }
            Map<String, Boolean> before = answers(service);
            long rows = count(db, "like_records");

            AtomicInteger writes = new AtomicInteger();
            GzipJsonLinesArchiveSink gzip = new GzipJsonLinesArchiveSink(files);
            LikeArchiver crashing = LikeArchiver.builder(db, clock).batchSize(40).sink(records -> {
                if (writes.addAndGet(records.size()) > 150 && writes.get() - records.size() <= 150) {
                    gzip.write(records); // written, then the process dies before the move commits
                    throw new IOException("killed");
                }
                gzip.write(records);
            }).build();
            assertThatThrownBy(crashing::run).isInstanceOf(IOException.class).hasMessage("killed");
            long movedBeforeCrash = count(db, "like_records_archive");
            assertThat(movedBeforeCrash).isPositive();

            long moved = LikeArchiver.builder(db, clock).batchSize(40).sink(gzip).build().run();
            assertThat(moved).isPositive();
            assertThat(count(db, "like_records_archive")).isEqualTo(movedBeforeCrash + moved);
            assertThat(count(db, "like_records") + count(db, "like_records_archive")).isEqualTo(rows);
            assertThat(count(db, "like_records WHERE updated_at < '2026-04-20'")).isZero();
            assertThat(answers(service)).isEqualTo(before);
            LikeCountReconciler.Report report = new LikeCountReconciler(db).reconcileAll(true);
            assertThat(report.drifts()).as("archived likes count for the reconciler").isEmpty();
            assertThat(report.contentsChecked()).isEqualTo(CONTENTS);
            assertThat(answers(service)).isEqualTo(before);
            assertThat(fileIds()).containsExactlyInAnyOrderElementsOf(ids(db)).doesNotHaveDuplicates();

            // an archived like moves back when it changes, through the store and through events
            long[] archivedLike = db.withHandle(h -> h.createQuery("SELECT user_id, content_id, version"
                            + " FROM like_records_archive WHERE is_canceled = 0 LIMIT 2")
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                    .list()
                    .get(0));
            ContentRef content = ContentRef.of("post", archivedLike[1]);
            long countBefore = service.count(content);
            assertThat(service.unlike(archivedLike[0], content).count()).isEqualTo(countBefore - 1);
            assertThat(service.hasLiked(archivedLike[0], content)).isFalse();
            assertThat(count(db, "like_records_archive WHERE user_id = " + archivedLike[0] + " AND content_id = "
                    + archivedLike[1])).isZero();

            long[] another = db.withHandle(h -> h.createQuery("SELECT user_id, content_id, version"
                            + " FROM like_records_archive WHERE is_canceled = 0 LIMIT 1")
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                    .one());
            ContentRef other = ContentRef.of("post", another[1]);
            long otherCount = service.count(other);
            try (JdbiLikeStore sink = JdbiLikeStore.builder(db).build()) {
                LikeEvent stale = new LikeEvent("old", null, another[0], other, LikeAction.UNLIKE, clock.instant(),
                        another[2] - 1, 0);
                sink.apply(List.of(stale)).toCompletableFuture().get(1, TimeUnit.MINUTES);
                assertThat(service.count(other)).isEqualTo(otherCount); // older than the archived row: ignored
                LikeEvent newer = new LikeEvent("new", null, another[0], other, LikeAction.UNLIKE, clock.instant(),
                        another[2] + 1, 0);
                sink.apply(List.of(newer)).toCompletableFuture().get(1, TimeUnit.MINUTES);
                assertThat(service.count(other)).isEqualTo(otherCount - 1);
                assertThat(service.hasLiked(another[0], other)).isFalse();

                // one batch: a stale and a newer event for archived likes of two contents, and likes of a new
                // content with no archived likes (looked up per content first, so its keys skip the archive)
                List<long[]> two = db.withHandle(h -> h.createQuery("SELECT user_id, content_id, version"
                                + " FROM like_records_archive WHERE is_canceled = 0 ORDER BY content_id LIMIT 50")
                        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                        .list());
                long[] first = two.get(0);
                long[] second = two.stream().filter(r -> r[1] != first[1]).findFirst().orElseThrow();
                ContentRef firstContent = ContentRef.of("post", first[1]);
                ContentRef secondContent = ContentRef.of("post", second[1]);
                ContentRef fresh = ContentRef.of("post", 9_999_999);
                long firstCount = service.count(firstContent);
                long secondCount = service.count(secondContent);
                sink.apply(List.of(
                        new LikeEvent("b1", null, first[0], firstContent, LikeAction.UNLIKE, clock.instant(),
                                first[2] - 1, 0),
                        new LikeEvent("b2", null, second[0], secondContent, LikeAction.UNLIKE, clock.instant(),
                                second[2] + 1, 0),
                        new LikeEvent("b3", null, 1, fresh, LikeAction.LIKE, clock.instant(), 5, 1),
                        new LikeEvent("b4", null, 2, fresh, LikeAction.LIKE, clock.instant(), 6, 2)))
                        .toCompletableFuture().get(1, TimeUnit.MINUTES);
                assertThat(service.count(firstContent)).as("stale event for an archived like").isEqualTo(firstCount);
                assertThat(service.hasLiked(first[0], firstContent)).isTrue();
                assertThat(service.count(secondContent)).isEqualTo(secondCount - 1);
                assertThat(service.hasLiked(second[0], secondContent)).isFalse();
                assertThat(count(db, "like_records_archive WHERE user_id = " + second[0] + " AND content_id = "
                        + second[1])).as("the revived like left the archive").isZero();
                assertThat(service.count(fresh)).isEqualTo(2);
            }
        }
    }

    private static Map<String, Boolean> answers(LikeService service) {
        Map<String, Boolean> answers = new HashMap<>();
        List<ContentRef> all = new ArrayList<>();
        for (long c = 1; c <= CONTENTS; c++) {
            all.add(ContentRef.of("post", c));
            answers.put("count " + c + " " + service.count(ContentRef.of("post", c)), true);
            ContentRef post = ContentRef.of("post", c);
            answers.put("likers " + c + " " + allPages(p -> service.likers(post, p)), true);
        }
        for (long u = 1; u <= USERS; u++) {
            long user = u;
            answers.put("likes of " + u + " " + allPages(p -> service.likesOf(user, p)), true);
            for (ContentRef content : all) {
                answers.put(u + " " + content, service.hasLiked(u, content));
            }
            answers.put("among " + u + " " + service.likedAmong(u, all), true);
        }
        return answers;
    }

    /** Every item of a listing, following its cursors in pages of 7 (so that pages span both tables). */
    private static <T> List<T> allPages(Function<PageRequest, Page<T>> listing) {
        List<T> items = new ArrayList<>();
        Page<T> page = listing.apply(PageRequest.first(7));
        items.addAll(page.items());
        while (page.nextCursor() != null) {
            page = listing.apply(PageRequest.after(page.nextCursor(), 7));
            items.addAll(page.items());
        }
        return items;
    }

    /**
     * Three instances run the archiver on a schedule against one database: each record is archived once, and no two
     * runs that moved records overlap in time (without the lease, runs started together interleave their batches).
     */
    @Test
    void threeInstancesArchiveEachRecordOnceAndNeverRunAtOnce() throws Exception {
        JdbcEndpoint endpoint = Databases.freshEndpoint();
        Jdbi db = connect(endpoint);
        Instant old = Instant.parse("2026-01-01T00:00:00Z");
        int records = oldLikes(db, old, 1_500);
        MutableClock later = MutableClock.at(old.plus(Duration.ofDays(200)));
        Set<Long> archived = ConcurrentHashMap.newKeySet();
        AtomicInteger twice = new AtomicInteger();
        List<long[]> productiveRuns = Collections.synchronizedList(new ArrayList<>());
        ExecutorService instances = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int instance = i;
                // an archiver of its own per instance, on connections of its own
                LikeArchiver archiver = LikeArchiver.builder(connect(endpoint), later).batchSize(50).sink(batch -> {
                    for (ArchivedLike like : batch) {
                        if (!archived.add(like.id())) {
                            twice.incrementAndGet();
                        }
                    }
                    sleep(5); // a sink that takes its time: runs last long enough to meet
                }).build();
                running.add(instances.submit(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (count(db, "like_records") > 0 && System.nanoTime() < deadline) {
                        long start = System.nanoTime();
                        long moved = archiver.run();
                        if (moved > 0) {
                            productiveRuns.add(new long[] {instance, start, System.nanoTime()});
                        }
                        sleep(2);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            instances.shutdownNow();
        }
        assertThat(count(db, "like_records")).isZero();
        assertThat(count(db, "like_records_archive")).isEqualTo(records);
        assertThat(archived).hasSize(records);
        assertThat(twice).as("records the sink was given twice").hasValue(0);
        for (long[] a : productiveRuns) {
            for (long[] b : productiveRuns) {
                if (a != b && a[0] != b[0]) {
                    assertThat(a[2] <= b[1] || b[2] <= a[1]).as("runs of instances %d and %d overlap", a[0], b[0])
                            .isTrue();
                }
            }
        }
    }

    /** An instance that died holding the job's lease holds up the others only until the lease expires. */
    @Test
    void aDeadInstancesLeaseExpiresAndAnotherArchives() throws Exception {
        JdbcEndpoint endpoint = Databases.freshEndpoint();
        Jdbi db = connect(endpoint);
        Instant old = Instant.parse("2026-01-01T00:00:00Z");
        int records = oldLikes(db, old, 100);
        // taken and never released nor renewed: the holder's process died
        JdbiJobLeases.create(connect(endpoint)).tryAcquire(LikeArchiver.JOB, Duration.ofSeconds(2)).orElseThrow();
        LikeArchiver archiver = LikeArchiver.builder(db, MutableClock.at(old.plus(Duration.ofDays(200)))).build();
        assertThat(archiver.run()).as("while the dead holder's lease lasts").isZero();
        assertThat(count(db, "like_records")).isEqualTo(records);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(archiver::run, moved -> moved == records);
        assertThat(count(db, "like_records_archive")).isEqualTo(records);
    }

    private static Jdbi connect(JdbcEndpoint endpoint) {
        return Jdbi.create(endpoint.url(), endpoint.user(), endpoint.password());
    }

    /** {@code n} likes of 20 posts written at {@code at}, as the consumer writes them. */
    private static int oldLikes(Jdbi db, Instant at, int n) throws Exception {
        List<LikeEvent> events = new ArrayList<>();
        Map<Long, Long> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long post = 1 + i % 20;
            long count = counts.merge(post, 1L, Long::sum);
            events.add(new LikeEvent("e" + i, null, 1 + i, ContentRef.of("post", post), LikeAction.LIKE, at, count,
                    count));
        }
        try (JdbiLikeStore sink = JdbiLikeStore.builder(db).build()) {
            sink.apply(events).toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
        return n;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long count(Jdbi db, String tableAndWhere) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + tableAndWhere).mapTo(Long.class).one());
    }

    private static List<Long> ids(Jdbi db) {
        return db.withHandle(h -> h.createQuery("SELECT id FROM like_records_archive").mapTo(Long.class).list());
    }

    private List<Long> fileIds() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> all = Files.walk(files)) {
            for (Path file : all.filter(p -> p.toString().endsWith(".jsonl.gz")).toList()) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (!line.isBlank()) {
                            ids.add(json.readTree(line).get("id").asLong());
                        }
                    }
                }
            }
        }
        return ids;
    }
}
