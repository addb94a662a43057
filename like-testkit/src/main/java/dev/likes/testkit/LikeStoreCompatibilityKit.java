package dev.likes.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import dev.likes.core.ContentRef;
import dev.likes.core.ContentSnapshot;
import dev.likes.core.FeedState;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeResult.Status;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStore;
import dev.likes.core.Liker;
import dev.likes.core.Page;
import dev.likes.core.PageRequest;
import dev.likes.core.UserLike;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LikeStore} must pass. To run a store against it, write a test class that extends this one
 * and implements {@link #createStore()}; every test then runs on a fresh store, through a {@link LikeService} with a
 * {@link MutableClock} and a {@link RecordingEventPublisher}.
 *
 * <p>The suite covers each operation and its edge cases, idempotency, request-ID deduplication, exact counts, batch
 * reads, newest-first keyset pagination (no duplicates, no gaps, stable under concurrent inserts), concurrency (16
 * threads liking one content; threads toggling one pair) and a
 * property-based comparison against a trivial model. A store passes it unchanged: backend-specific checks belong in
 * the subclass, never in an override that weakens a contract test.
 *
 * <p>The clock starts at {@link #START} and moves in whole seconds, so a store may keep like times at second
 * precision.
 */
public abstract class LikeStoreCompatibilityKit {

    /** Where the clock starts in every test. */
    protected static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** Generous bound for the concurrency tests to finish, so that a deadlock fails instead of hanging the build. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(3);

    private static final ContentRef POST = ContentRef.of("post", 1);
    private static final ContentRef OTHER_POST = ContentRef.of("post", 2);
    private static final ContentRef COMMENT = ContentRef.of("comment", 1);

    /** The store under test, fresh for each test. */
    protected LikeStore store;
    /** The service over {@link #store}. */
    protected LikeService service;
    /** The clock the service times likes with. */
    protected MutableClock clock;
    /** Every event the service published. */
    protected RecordingEventPublisher events;

    /** Subclasses have a no-argument constructor. */
    protected LikeStoreCompatibilityKit() {}

    /**
     * Creates a new, empty store for one test. A store over a shared server isolates itself (a fresh key prefix,
     * schema or table set) so that tests do not see each other's likes.
     *
     * @return the store
     * @throws Exception if it cannot be created; the test then fails
     */
    protected abstract LikeStore createStore() throws Exception;

    /**
     * Disposes of a store after its test. The default calls {@link LikeStore#close()}.
     *
     * @param store a store from {@link #createStore()}
     * @throws Exception if disposal fails
     */
    protected void disposeStore(LikeStore store) throws Exception {
        store.close();
    }

    /**
     * How many likes each of the 16 threads of the concurrency group makes on one content, each by a user of its
     * own. A store whose likes of one content serialize on one database row (a MySQL-only store) may lower it to
     * keep the kit's run short.
     *
     * @return 500 to 5,000; {@code 5_000} unless overridden
     */
    protected int likesPerThreadOnOneContent() {
        return 5_000;
    }

    @BeforeEach
    final void startKit() throws Exception {
        store = createStore();
        clock = MutableClock.at(START);
        events = new RecordingEventPublisher();
        service = serviceOver(store, clock, events);
    }

    @AfterEach
    final void stopKit() throws Exception {
        service.close();
        disposeStore(store);
    }

    private static LikeService serviceOver(LikeStore store, MutableClock clock, RecordingEventPublisher events) {
        return LikeService.builder(store).publisher(events).clock(clock).build();
    }

    private Instant tick() {
        return clock.advance(Duration.ofSeconds(1));
    }

    @Nested
    @DisplayName("like and unlike")
    class LikeAndUnlike {

        @Test
        @DisplayName("a first like is applied: liked, count 1, a positive version, one event")
        void firstLike() {
            LikeResult result = service.like(7, POST);

            LikeAssertions.assertThat(result).isApplied().isLiked().hasCount(1);
            assertThat(result.version()).isPositive();
            assertThat(service.hasLiked(7, POST)).isTrue();
            assertThat(service.count(POST)).isEqualTo(1);
            assertThat(events.events()).hasSize(1);
        }

        @Test
        @DisplayName("a repeated like changes nothing, is not an error and publishes nothing")
        void repeatedLike() {
            LikeResult first = service.like(7, POST);
            tick();
            LikeResult again = service.like(7, POST);

            assertThat(again).isEqualTo(new LikeResult(Status.UNCHANGED, true, 1, first.version()));
            assertThat(again.changed()).isFalse();
            assertThat(service.count(POST)).isEqualTo(1);
            assertThat(events.events()).hasSize(1);
        }

        @Test
        @DisplayName("an unlike withdraws the like and counts down")
        void unlike() {
            LikeResult liked = service.like(7, POST);
            LikeResult result = service.unlike(7, POST);

            LikeAssertions.assertThat(result).isApplied().isNotLiked().hasCount(0);
            assertThat(result.version()).isGreaterThan(liked.version());
            assertThat(service.hasLiked(7, POST)).isFalse();
            assertThat(service.count(POST)).isZero();
        }

        @Test
        @DisplayName("unliking what is not liked changes nothing and publishes nothing")
        void unlikeWithoutLike() {
            LikeResult result = service.unlike(7, POST);

            LikeAssertions.assertThat(result).isUnchanged();
            assertThat(result.liked()).isFalse();
            assertThat(result.count()).isZero();
            assertThat(service.count(POST)).isZero();
            assertThat(events.events()).isEmpty();
        }

        @Test
        @DisplayName("like, unlike, like again: the like is revived and every change has its event, in version order")
        void reLike() {
            Instant first = START;
            service.like(7, POST);
            tick();
            service.unlike(7, POST);
            Instant third = tick();
            LikeResult result = service.like(7, POST);

            LikeAssertions.assertThat(result).isApplied().isLiked().hasCount(1);
            assertThat(events.events())
                    .extracting(LikeEvent::action, LikeEvent::occurredAt)
                    .containsExactly(
                            Tuple.tuple(LikeAction.LIKE, first),
                            Tuple.tuple(LikeAction.UNLIKE, first.plusSeconds(1)),
                            Tuple.tuple(LikeAction.LIKE, third));
            assertThat(events.events()).extracting(LikeEvent::version).isSorted().doesNotHaveDuplicates();
            assertThat(events.events().get(2).version()).isEqualTo(result.version());
        }

        @Test
        @DisplayName("users and contents are independent of each other")
        void independence() {
            service.like(1, POST);
            service.like(2, POST);
            service.like(1, OTHER_POST);
            service.like(1, COMMENT);
            service.unlike(1, COMMENT);

            assertThat(service.count(POST)).isEqualTo(2);
            assertThat(service.count(OTHER_POST)).isEqualTo(1);
            assertThat(service.count(COMMENT)).isZero();
            assertThat(service.hasLiked(2, OTHER_POST)).isFalse();
            assertThat(service.hasLiked(1, OTHER_POST)).isTrue();
            assertThat(service.count(ContentRef.of("post", 999))).isZero();
        }

        @Test
        @DisplayName("a content's version strictly increases with every change, whoever makes it; a no-op keeps it")
        void versions() {
            assertThat(service.count(POST)).isZero();
            assertThat(service.unlike(1, POST).version()).isZero();
            long v1 = service.like(1, POST).version();
            long v2 = service.like(2, POST).version();
            assertThat(v2).isGreaterThan(v1);
            assertThat(service.like(2, POST).version()).isEqualTo(v2);
            long other = service.like(1, OTHER_POST).version();
            assertThat(other).isPositive();
            assertThat(service.unlike(1, POST).version()).isGreaterThan(v2);
            assertThat(service.unlike(1, OTHER_POST).version()).isGreaterThan(other);
        }

        @Test
        @DisplayName("an event carries the user, content, action, time, request ID, version and count of its change")
        void eventContents() {
            Instant at = tick();
            LikeResult result = service.like(42, COMMENT, "req-1");

            assertThat(events.events()).singleElement().satisfies(event -> {
                assertThat(event.userId()).isEqualTo(42);
                assertThat(event.content()).isEqualTo(COMMENT);
                assertThat(event.action()).isEqualTo(LikeAction.LIKE);
                assertThat(event.occurredAt()).isEqualTo(at);
                assertThat(event.requestId()).isEqualTo("req-1");
                assertThat(event.version()).isEqualTo(result.version());
                assertThat(event.count()).isEqualTo(1);
                assertThat(event.eventId()).isNotBlank();
            });
        }

        @Test
        @DisplayName("the asynchronous view gives the same answers")
        void asyncView() throws Exception {
            LikeResult result = service.async().like(5, POST).toCompletableFuture().get(1, TimeUnit.MINUTES);

            LikeAssertions.assertThat(result).isApplied().isLiked().hasCount(1);
            assertThat(service.async().hasLiked(5, POST).toCompletableFuture().get(1, TimeUnit.MINUTES))
                    .isTrue();
            assertThat(service.async().count(POST).toCompletableFuture().get(1, TimeUnit.MINUTES))
                    .isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("request IDs")
    class RequestIds {

        @Test
        @DisplayName("a retried click with the same request ID is not applied again")
        void retry() {
            LikeResult first = service.like(7, POST, "click-1");
            LikeAssertions.assertThat(first).isApplied();
            assertThat(service.like(7, POST, "click-1"))
                    .isEqualTo(new LikeResult(Status.DUPLICATE_REQUEST, true, 1, first.version()));
            assertThat(events.events()).hasSize(1);
        }

        @Test
        @DisplayName("a request ID is applied at most once, even for another action: the current state is reported")
        void atMostOnce() {
            service.like(7, POST, "click-1");
            LikeResult reused = service.unlike(7, POST, "click-1");

            LikeAssertions.assertThat(reused).isDuplicateRequest();
            assertThat(reused.liked()).isTrue();
            assertThat(reused.count()).isEqualTo(1);
            assertThat(service.hasLiked(7, POST)).isTrue();
            assertThat(events.events()).hasSize(1);
        }

        @Test
        @DisplayName("request IDs are scoped per user")
        void perUser() {
            assertThat(service.like(1, POST, "same").status()).isEqualTo(Status.APPLIED);
            assertThat(service.like(2, POST, "same").status()).isEqualTo(Status.APPLIED);
            assertThat(service.count(POST)).isEqualTo(2);
        }

        @Test
        @DisplayName("distinct request IDs are each applied")
        void distinct() {
            assertThat(service.like(1, POST, "a").status()).isEqualTo(Status.APPLIED);
            assertThat(service.unlike(1, POST, "b").status()).isEqualTo(Status.APPLIED);
            assertThat(service.like(1, POST, "c").status()).isEqualTo(Status.APPLIED);
            assertThat(service.count(POST)).isEqualTo(1);
        }

        @Test
        @DisplayName("request IDs are scoped per content: the same ID on another content is another request")
        void perContent() {
            assertThat(service.like(1, POST, "a").status()).isEqualTo(Status.APPLIED);
            assertThat(service.like(1, OTHER_POST, "a").status()).isEqualTo(Status.APPLIED);
            assertThat(service.unlike(1, OTHER_POST, "a").status()).isEqualTo(Status.DUPLICATE_REQUEST);
            assertThat(service.hasLiked(1, OTHER_POST)).isTrue();
        }

        @Test
        @DisplayName("a used request ID is a duplicate even where its action would be a no-op")
        void duplicateBeforeNoop() {
            service.unlike(1, POST, "a");
            assertThat(service.like(1, POST, "a").status()).isEqualTo(Status.DUPLICATE_REQUEST);
            assertThat(service.hasLiked(1, POST)).isFalse();
            assertThat(events.events()).isEmpty();
        }

        @Test
        @DisplayName("concurrent likes and unlikes with one request ID: exactly one is taken, the rest are duplicates")
        void concurrentRetries() throws Exception {
            int threads = 8;
            List<LikeResult> results = runConcurrently(threads, i -> List.of(i % 2 == 0
                    ? service.like(9, POST, "one-click")
                    : service.unlike(9, POST, "one-click")));

            assertThat(results).filteredOn(r -> r.status() != Status.DUPLICATE_REQUEST).hasSize(1);
            assertThat(results).filteredOn(r -> r.status() == Status.DUPLICATE_REQUEST).hasSize(threads - 1);
            assertThat(events.events()).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Nested
    @DisplayName("batch reads")
    class BatchReads {

        @Test
        @DisplayName("counts of many contents in one call, zero for contents nobody likes")
        void counts() {
            service.like(1, POST);
            service.like(2, POST);
            service.like(1, COMMENT);
            ContentRef never = ContentRef.of("post", 404);

            assertThat(service.counts(List.of(POST, COMMENT, never, OTHER_POST)))
                    .containsOnly(
                            Map.entry(POST, 2L), Map.entry(COMMENT, 1L), Map.entry(never, 0L), Map.entry(OTHER_POST, 0L));
        }

        @Test
        @DisplayName("which of many contents a user likes, in one call")
        void likedAmong() {
            service.like(1, POST);
            service.like(1, COMMENT);
            service.like(2, OTHER_POST);
            service.like(1, OTHER_POST);
            service.unlike(1, OTHER_POST);

            assertThat(service.likedAmong(1, List.of(POST, OTHER_POST, COMMENT, ContentRef.of("post", 404))))
                    .containsExactlyInAnyOrder(POST, COMMENT);
            assertThat(service.likedAmong(3, List.of(POST, OTHER_POST))).isEmpty();
        }

        @Test
        @DisplayName("a feed page: every content's count and the user's liked flags, in one call")
        void feed() {
            service.like(1, POST);
            service.like(2, POST);
            service.like(1, COMMENT);
            service.like(2, OTHER_POST);
            service.like(1, OTHER_POST);
            service.unlike(1, OTHER_POST);
            ContentRef never = ContentRef.of("post", 404);
            service.count(POST); // a count that a local cache may now hold, next to ones it does not

            FeedState page = service.feed(1, List.of(POST, OTHER_POST, COMMENT, never));
            assertThat(page.counts()).containsOnly(
                    Map.entry(POST, 2L), Map.entry(OTHER_POST, 1L), Map.entry(COMMENT, 1L), Map.entry(never, 0L));
            assertThat(page.liked()).containsExactlyInAnyOrder(POST, COMMENT);
            assertThat(page.possiblyStale()).isFalse();
            assertThat(service.feed(3, List.of(POST, never)).liked()).isEmpty();

            service.like(3, never);
            FeedState after = service.feed(3, List.of(POST, never));
            assertThat(after.counts()).containsOnly(Map.entry(POST, 2L), Map.entry(never, 1L));
            assertThat(after.liked()).containsExactly(never);
        }

        @Test
        @DisplayName("duplicates in a batch are answered once")
        void duplicatesInBatch() {
            service.like(1, POST);

            assertThat(service.counts(List.of(POST, POST, COMMENT))).containsOnly(
                    Map.entry(POST, 1L), Map.entry(COMMENT, 0L));
            assertThat(service.likedAmong(1, List.of(POST, POST))).containsExactly(POST);
        }

        @Test
        @DisplayName("a full batch of " + LikeService.MAX_BATCH_SIZE + " contents is answered")
        void fullBatch() {
            List<ContentRef> page = new ArrayList<>();
            for (int i = 1; i <= LikeService.MAX_BATCH_SIZE; i++) {
                page.add(ContentRef.of("post", i));
            }
            for (int i = 1; i <= 30; i += 3) {
                service.like(5, page.get(i));
            }

            Map<ContentRef, Long> counts = service.counts(page);
            assertThat(counts).hasSize(LikeService.MAX_BATCH_SIZE);
            assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
            assertThat(service.likedAmong(5, page)).hasSize(10);
        }
    }

    @Nested
    @DisplayName("likers of a content, newest first")
    class Likers {

        @Test
        @DisplayName("a content nobody likes has an empty last page")
        void empty() {
            Page<Liker> page = service.likers(POST, PageRequest.first());

            assertThat(page.items()).isEmpty();
            assertThat(page.hasNext()).isFalse();
        }

        @Test
        @DisplayName("newest like first; equal times by user id, highest first")
        void order() {
            service.like(3, POST);
            tick();
            service.like(1, POST);
            service.like(2, POST);
            tick();
            service.like(5, POST);

            assertThat(service.likers(POST, PageRequest.first(10)).items())
                    .containsExactly(
                            new Liker(5, START.plusSeconds(2)),
                            new Liker(2, START.plusSeconds(1)),
                            new Liker(1, START.plusSeconds(1)),
                            new Liker(3, START));
        }

        @Test
        @DisplayName("a snapshot agrees with the count, the version and the newest likers read one by one")
        void snapshot() {
            ContentSnapshot none = store.snapshot(POST, 10).toCompletableFuture().join();
            assertThat(none.count()).isZero();
            assertThat(none.newestLikers()).isEmpty();
            assertThat(none.version()).isEqualTo(store.version(POST).toCompletableFuture().join());

            likeInTurn(POST, 1, 7);
            service.unlike(3, POST);
            tick();
            service.like(9, OTHER_POST);

            ContentSnapshot snapshot = store.snapshot(POST, 4).toCompletableFuture().join();
            assertThat(snapshot.count()).isEqualTo(6);
            assertThat(snapshot.version()).isEqualTo(store.version(POST).toCompletableFuture().join());
            assertThat(snapshot.newestLikers())
                    .hasSize(4)
                    .isEqualTo(store.likers(POST, null, 4).toCompletableFuture().join())
                    .extracting(Liker::userId)
                    .containsExactly(7L, 6L, 5L, 4L);
        }

        @Test
        @DisplayName("pages of a listing cover every liker exactly once, and the last page says it is the last")
        void pagination() {
            likeInTurn(POST, 1, 25);

            List<Liker> all = readAll(cursor -> service.likers(POST, cursor), 10);
            assertThat(all).hasSize(25).doesNotHaveDuplicates().isSortedAccordingTo(Liker.NEWEST_FIRST);
            assertThat(all.get(0).userId()).isEqualTo(25);
        }

        @Test
        @DisplayName("unliked users leave the listing; a re-like moves the user to the front")
        void unlikeAndReLike() {
            likeInTurn(POST, 1, 5);
            service.unlike(2, POST);
            tick();
            service.unlike(4, POST);
            service.like(4, POST);

            assertThat(service.likers(POST, PageRequest.first(10)).items())
                    .extracting(Liker::userId)
                    .containsExactly(4L, 5L, 3L, 1L);
        }

        @Test
        @DisplayName("paging stays exact while new likes arrive between pages")
        void stableUnderInsertsBetweenPages() {
            likeInTurn(POST, 1, 60);
            Set<Long> seen = new HashSet<>();
            List<Liker> listed = new ArrayList<>();
            PageRequest request = PageRequest.first(7);
            long newcomer = 1_000;
            while (true) {
                Page<Liker> page = service.likers(POST, request);
                listed.addAll(page.items());
                page.items().forEach(l -> assertThat(seen.add(l.userId())).as("listed twice: %s", l).isTrue());
                tick();
                service.like(newcomer++, POST);
                if (!page.hasNext()) {
                    break;
                }
                request = PageRequest.after(Objects.requireNonNull(page.nextCursor()), 7);
            }
            assertThat(seen).isEqualTo(LongStream.rangeClosed(1, 60).boxed().collect(Collectors.toSet()));
            assertThat(listed).isSortedAccordingTo(Liker.NEWEST_FIRST);
        }

        @Test
        @DisplayName("paging stays exact while another thread keeps liking")
        void stableUnderConcurrentInserts() throws Exception {
            likeInTurn(POST, 1, 200);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> writing = writer.submit(() -> {
                    long user = 10_000;
                    while (!stop.get() && user < 20_000) {
                        service.like(user++, POST);
                    }
                });
                List<Liker> listed = readAll(cursor -> service.likers(POST, cursor), 9);
                stop.set(true);
                writing.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);

                Set<Long> originals = listed.stream()
                        .map(Liker::userId)
                        .filter(u -> u <= 200)
                        .collect(Collectors.toSet());
                assertThat(listed).doesNotHaveDuplicates();
                assertThat(originals).hasSize(200);
            } finally {
                stop.set(true);
                writer.shutdownNow();
            }
        }

        @Test
        @DisplayName("a cursor is opaque but strict: garbage, another kind's, another content's or user's is rejected")
        void badCursor() {
            likeInTurn(POST, 1, 3);
            likeInTurn(COMMENT, 1, 3);
            String userCursor = Objects.requireNonNull(service.likesOf(1, PageRequest.first(1)).nextCursor());
            String postCursor = Objects.requireNonNull(service.likers(POST, PageRequest.first(1)).nextCursor());

            assertThatThrownBy(() -> service.likers(POST, PageRequest.after(userCursor, 5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor");
            assertThatThrownBy(() -> service.likers(COMMENT, PageRequest.after(postCursor, 5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor");
            assertThatThrownBy(() -> service.likesOf(2, PageRequest.after(userCursor, 5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor");
            assertThatThrownBy(() -> service.likesOf(1, "post", PageRequest.after(userCursor, 5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor");
            assertThatThrownBy(() -> service.likers(POST, PageRequest.after("not-a-cursor!", 5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor");
        }
    }

    @Nested
    @DisplayName("likes of a user, newest first")
    class LikesOfUser {

        @Test
        @DisplayName("all types newest first, or one type only")
        void listing() {
            service.like(1, POST);
            tick();
            service.like(1, COMMENT);
            tick();
            service.like(1, OTHER_POST);
            service.like(2, ContentRef.of("post", 77));

            assertThat(service.likesOf(1, PageRequest.first()).items())
                    .containsExactly(
                            new UserLike(OTHER_POST, START.plusSeconds(2)),
                            new UserLike(COMMENT, START.plusSeconds(1)),
                            new UserLike(POST, START));
            assertThat(service.likesOf(1, "post", PageRequest.first()).items())
                    .extracting(UserLike::content)
                    .containsExactly(OTHER_POST, POST);
            assertThat(service.likesOf(1, "video", PageRequest.first()).items()).isEmpty();
            assertThat(service.likesOf(3, PageRequest.first()).items()).isEmpty();
        }

        @Test
        @DisplayName("equal times are ordered by type, then id, both descending")
        void ties() {
            service.like(1, ContentRef.of("post", 3));
            service.like(1, ContentRef.of("comment", 9));
            service.like(1, ContentRef.of("post", 10));

            assertThat(service.likesOf(1, PageRequest.first()).items())
                    .extracting(like -> like.content().toString())
                    .containsExactly("post:10", "post:3", "comment:9");
        }

        @Test
        @DisplayName("pages with a type filter cover every like of that type exactly once")
        void paginationWithFilter() {
            for (int i = 1; i <= 30; i++) {
                tick();
                service.like(8, ContentRef.of(i % 3 == 0 ? "comment" : "post", i));
            }

            List<UserLike> posts = readAll(cursor -> service.likesOf(8, "post", cursor), 6);
            List<UserLike> all = readAll(cursor -> service.likesOf(8, cursor), 7);
            assertThat(posts).hasSize(20).doesNotHaveDuplicates().isSortedAccordingTo(UserLike.NEWEST_FIRST);
            assertThat(posts).allSatisfy(like -> assertThat(like.content().type()).isEqualTo("post"));
            assertThat(all).hasSize(30).doesNotHaveDuplicates().isSortedAccordingTo(UserLike.NEWEST_FIRST);
        }

        @Test
        @DisplayName("an unlike removes the content from the user's likes; a re-like brings it back at the front")
        void unlikeAndReLike() {
            service.like(1, POST);
            tick();
            service.like(1, COMMENT);
            tick();
            service.unlike(1, POST);
            assertThat(service.likesOf(1, PageRequest.first()).items())
                    .extracting(UserLike::content)
                    .containsExactly(COMMENT);
            tick();
            service.like(1, POST);
            assertThat(service.likesOf(1, PageRequest.first()).items())
                    .extracting(UserLike::content)
                    .containsExactly(POST, COMMENT);
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {

        @Test
        @DisplayName("16 threads of distinct users like one content: the count is exact and every count is seen once")
        void manyUsersOneContent() throws Exception {
            int threads = 16;
            int perThread = likesPerThreadOnOneContent();
            if (perThread < 500 || perThread > 5_000) {
                throw new IllegalStateException("likesPerThreadOnOneContent must be between 500 and 5000, but was "
                        + perThread);
            }
            List<LikeResult> results = runConcurrently(threads, t -> {
                List<LikeResult> mine = new ArrayList<>(perThread);
                for (int i = 0; i < perThread; i++) {
                    mine.add(service.like((long) t * perThread + i + 1, POST));
                }
                return mine;
            });

            long expected = (long) threads * perThread;
            assertThat(service.count(POST)).isEqualTo(expected);
            assertThat(results).allMatch(LikeResult::changed);
            // atomicity: each like saw its own count, so the counts returned are exactly 1..N
            assertThat(results.stream().map(LikeResult::count).collect(Collectors.toSet()))
                    .hasSize((int) expected)
                    .allMatch(c -> c >= 1 && c <= expected);
            assertThat(events.events()).hasSize((int) expected);
            assertThat(service.likers(POST, PageRequest.first(PageRequest.MAX_LIMIT)).items())
                    .hasSize(PageRequest.MAX_LIMIT)
                    .doesNotHaveDuplicates();
        }

        @Test
        @DisplayName("threads toggling one (user, content) leave a state, a count and a change history that agree")
        void togglingOnePair() throws Exception {
            int threads = 8;
            int perThread = 1_000;
            List<LikeResult> results = runConcurrently(threads, t -> {
                List<LikeResult> mine = new ArrayList<>(perThread);
                for (int i = 0; i < perThread; i++) {
                    mine.add(ThreadLocalRandom.current().nextBoolean()
                            ? service.like(3, POST)
                            : service.unlike(3, POST));
                }
                return mine;
            });

            boolean liked = service.hasLiked(3, POST);
            assertThat(service.count(POST)).isEqualTo(liked ? 1 : 0);
            List<LikeResult> applied = results.stream()
                    .filter(LikeResult::changed)
                    .sorted(Comparator.comparingLong(LikeResult::version))
                    .collect(Collectors.toList());
            // the applied changes form one history: distinct versions, alternating like and unlike, ending in the state
            assertThat(applied).extracting(LikeResult::version).doesNotHaveDuplicates();
            for (int i = 0; i < applied.size(); i++) {
                assertThat(applied.get(i).liked()).isEqualTo(i % 2 == 0);
                assertThat(applied.get(i).count()).isEqualTo(i % 2 == 0 ? 1 : 0);
            }
            assertThat(applied.isEmpty() ? false : applied.get(applied.size() - 1).liked()).isEqualTo(liked);
            assertThat(events.events()).hasSize(applied.size());
        }

        @Test
        @DisplayName("several users toggling one content concurrently: the count equals the users left liking")
        void togglingManyUsers() throws Exception {
            int users = 20;
            runConcurrently(8, t -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 1_000; i++) {
                    long user = 1 + random.nextInt(users);
                    if (random.nextBoolean()) {
                        service.like(user, POST);
                    } else {
                        service.unlike(user, POST);
                    }
                }
                return List.<LikeResult>of();
            });

            long likers = LongStream.rangeClosed(1, users)
                    .filter(u -> service.hasLiked(u, POST))
                    .count();
            assertThat(service.count(POST)).isEqualTo(likers);
            assertThat(service.likers(POST, PageRequest.first(100)).items()).hasSize((int) likers);
        }
    }

    /**
     * Random operation sequences on the store and on a trivial model must give identical observable results.
     *
     * @param operations the generated operations
     * @throws Exception if the store cannot be created or closed
     */
    @Property(tries = 60)
    void behavesLikeTheModel(@ForAll("operations") @Size(max = 60) List<Operation> operations) throws Exception {
        LikeStore modelStore = createStore();
        MutableClock modelClock = MutableClock.at(START);
        RecordingEventPublisher published = new RecordingEventPublisher();
        try (LikeService underTest = serviceOver(modelStore, modelClock, published)) {
            Model model = new Model();
            for (Operation op : operations) {
                modelClock.advance(Duration.ofSeconds(1));
                op.check(underTest, model);
            }
            for (ContentRef content : Model.CONTENTS) {
                assertThat(underTest.likers(content, PageRequest.first(PageRequest.MAX_LIMIT)).items())
                        .extracting(Liker::userId)
                        .containsExactlyInAnyOrderElementsOf(model.likers(content));
            }
            for (long user = 1; user <= Model.USERS; user++) {
                assertThat(underTest.likesOf(user, PageRequest.first(PageRequest.MAX_LIMIT)).items())
                        .extracting(UserLike::content)
                        .containsExactlyInAnyOrderElementsOf(model.likesOf(user));
            }
            assertThat(published.events()).hasSize(model.changes);
        } finally {
            disposeStore(modelStore);
        }
    }

    @Provide
    Arbitrary<List<Operation>> operations() {
        Arbitrary<Operation> operation = Combinators.combine(
                        Arbitraries.of(Kind.values()),
                        Arbitraries.longs().between(1, Model.USERS),
                        Arbitraries.of(Model.CONTENTS),
                        Arbitraries.of("", "", "r1", "r2", "r3"))
                .as(Operation::new);
        return operation.list();
    }

    /** What a generated operation does. */
    enum Kind {
        LIKE,
        UNLIKE,
        HAS_LIKED,
        COUNT,
        COUNTS
    }

    /** One generated operation; an empty request ID means none. */
    record Operation(Kind kind, long user, ContentRef content, String requestId) {

        void check(LikeService service, Model model) {
            String rid = requestId.isEmpty() ? null : requestId;
            switch (kind) {
                case LIKE:
                    model.check(this, true, service.like(user, content, rid));
                    break;
                case UNLIKE:
                    model.check(this, false, service.unlike(user, content, rid));
                    break;
                case HAS_LIKED:
                    assertThat(service.hasLiked(user, content)).as("%s", this).isEqualTo(model.liked(user, content));
                    break;
                case COUNT:
                    assertThat(service.count(content)).as("%s", this).isEqualTo(model.likers(content).size());
                    break;
                case COUNTS:
                    assertThat(service.counts(Model.CONTENTS)).as("%s", this).isEqualTo(model.counts());
                    assertThat(service.likedAmong(user, Model.CONTENTS)).as("%s", this).isEqualTo(model.likesOf(user));
                    break;
                default:
                    fail("unknown kind " + kind);
            }
        }
    }

    /** The obviously correct model: users per content, last version per content, used (user, content, request ID)s. */
    static final class Model {
        static final int USERS = 4;
        static final List<ContentRef> CONTENTS =
                List.of(ContentRef.of("post", 1), ContentRef.of("post", 2), ContentRef.of("comment", 1));

        private final Map<ContentRef, Set<Long>> liked = new HashMap<>();
        private final Map<ContentRef, Long> versions = new HashMap<>();
        private final Set<String> requests = new HashSet<>();
        int changes;

        /** Applies the operation to the model and compares; versions must grow exactly when the state changes. */
        void check(Operation op, boolean like, LikeResult actual) {
            Set<Long> users = liked.computeIfAbsent(op.content(), c -> new HashSet<>());
            long last = versions.getOrDefault(op.content(), 0L);
            Status expected;
            if (!op.requestId().isEmpty()
                    && !requests.add(op.user() + "/" + op.content() + "/" + op.requestId())) {
                expected = Status.DUPLICATE_REQUEST;
            } else if (like ? users.add(op.user()) : users.remove(op.user())) {
                expected = Status.APPLIED;
                changes++;
            } else {
                expected = Status.UNCHANGED;
            }
            assertThat(actual.status()).as("%s", op).isEqualTo(expected);
            assertThat(actual.liked()).as("%s liked", op).isEqualTo(users.contains(op.user()));
            assertThat(actual.count()).as("%s count", op).isEqualTo(users.size());
            if (expected == Status.APPLIED) {
                assertThat(actual.version()).as("%s version", op).isGreaterThan(last);
                versions.put(op.content(), actual.version());
            } else {
                assertThat(actual.version()).as("%s version", op).isEqualTo(last);
            }
        }

        boolean liked(long user, ContentRef content) {
            return likers(content).contains(user);
        }

        Set<Long> likers(ContentRef content) {
            return liked.getOrDefault(content, Set.of());
        }

        Set<ContentRef> likesOf(long user) {
            return CONTENTS.stream().filter(c -> liked(user, c)).collect(Collectors.toSet());
        }

        Map<ContentRef, Long> counts() {
            return CONTENTS.stream().collect(Collectors.toMap(c -> c, c -> (long) likers(c).size()));
        }
    }

    // ---- helpers ----

    /** Users {@code from..to} like {@code content}, one second apart, so {@code to} is the newest. */
    private void likeInTurn(ContentRef content, long from, long to) {
        for (long user = from; user <= to; user++) {
            service.like(user, content);
            tick();
        }
    }

    /** Reads a whole listing page by page, checking that no page is larger than asked. */
    private static <T> List<T> readAll(Function<PageRequest, Page<T>> listing, int pageSize) {
        List<T> all = new ArrayList<>();
        PageRequest request = PageRequest.first(pageSize);
        for (int pages = 0; pages < 100_000; pages++) {
            Page<T> page = listing.apply(request);
            assertThat(page.items().size()).isLessThanOrEqualTo(pageSize);
            all.addAll(page.items());
            if (!page.hasNext()) {
                return all;
            }
            request = PageRequest.after(Objects.requireNonNull(page.nextCursor()), pageSize);
        }
        throw new AssertionError("listing did not end after 100,000 pages");
    }

    /**
     * Runs {@code work} on {@code threads} threads started together and gathers what they return; fails instead of
     * hanging if they do not finish within the hang guard.
     */
    private static <T> List<T> runConcurrently(int threads, ThrowingFunction<Integer, Collection<T>> work)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Collection<T>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                Callable<Collection<T>> task = () -> {
                    start.await();
                    return work.apply(index);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> all = Collections.synchronizedList(new ArrayList<>());
            long deadline = System.nanoTime() + HANG_GUARD.toNanos();
            for (Future<Collection<T>> future : futures) {
                all.addAll(future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A function that may throw. */
    @FunctionalInterface
    interface ThrowingFunction<A, R> {
        R apply(A argument) throws Exception;
    }
}
