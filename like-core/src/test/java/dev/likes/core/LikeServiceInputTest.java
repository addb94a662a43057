package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bad input is rejected by the service, with an exception naming the argument and the rule, before the store is
 * asked and before anything is written: what every store relies on, so it is tested here once and not per store.
 */
@DisplayName("bad input is rejected before anything is written")
class LikeServiceInputTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    private final List<LikeEvent> published = new CopyOnWriteArrayList<>();
    private final LikeService service = LikeService.builder(InMemoryLikeStore.create())
            .publisher(event -> {
                published.add(event);
                return CompletableFuture.completedFuture(null);
            })
            .build();

    @AfterEach
    void close() {
        service.close();
    }

    @Test
    @DisplayName("user ids must be greater than 0")
    void userIds() {
        for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
            assertRejected(() -> service.like(bad, POST), "userId");
            assertRejected(() -> service.unlike(bad, POST), "userId");
            assertRejected(() -> service.hasLiked(bad, POST), "userId");
            assertRejected(() -> service.likedAmong(bad, List.of(POST)), "userId");
            assertRejected(() -> service.likesOf(bad, PageRequest.first()), "userId");
        }
        assertNothingWritten();
    }

    @Test
    @DisplayName("content types are 1 to 20 of [a-z0-9_] starting with a letter; ids are greater than 0")
    @SuppressWarnings("NullAway") // passes null on purpose
    void contents() {
        String[] badTypes = {
            "", "Post", "post:1", "{x}", "' OR 1=1 --", "a".repeat(21), "1post", "p\u00f6st", "post\n",
            "x".repeat(10_000)
        };
        for (String type : badTypes) {
            assertRejected(() -> ContentRef.of(type, 1), "contentType");
            assertRejected(() -> service.likesOf(1, type, PageRequest.first()), "contentType");
        }
        assertRejected(() -> ContentRef.of("post", 0), "contentId");
        assertRejected(() -> ContentRef.of("post", -5), "contentId");
        assertThatThrownBy(() -> service.like(1, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("content");
        assertThatThrownBy(() -> service.count(null)).isInstanceOf(NullPointerException.class);
        assertNothingWritten();
    }

    @Test
    @DisplayName("request IDs are 1 to 64 of [A-Za-z0-9_-]")
    void requestIds() {
        for (String bad : new String[] {"", "a b", "x:y", "{tag}", "r".repeat(65), "\u00e9t\u00e9", "id\r\n"}) {
            assertRejected(() -> service.like(1, POST, bad), "requestId");
            assertRejected(() -> service.unlike(1, POST, bad), "requestId");
        }
        assertNothingWritten();
    }

    @Test
    @DisplayName("batches hold 1 to " + LikeService.MAX_BATCH_SIZE + " contents, none null")
    @SuppressWarnings("NullAway") // passes null on purpose
    void batches() {
        List<ContentRef> tooMany = new ArrayList<>();
        for (int i = 1; i <= LikeService.MAX_BATCH_SIZE + 1; i++) {
            tooMany.add(ContentRef.of("post", i));
        }
        assertRejected(() -> service.counts(List.of()), "contents");
        assertRejected(() -> service.counts(tooMany), "contents");
        assertRejected(() -> service.likedAmong(1, List.of()), "contents");
        assertRejected(() -> service.likedAmong(1, tooMany), "contents");
        assertThatThrownBy(() -> service.counts(Collections.singletonList(null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("contents");
        assertThatThrownBy(() -> service.counts(null)).isInstanceOf(NullPointerException.class);
        assertNothingWritten();
    }

    @Test
    @DisplayName("page sizes are 1 to " + PageRequest.MAX_LIMIT + "; cursors must come from the same listing")
    void pages() {
        assertRejected(() -> PageRequest.first(0), "limit");
        assertRejected(() -> PageRequest.first(PageRequest.MAX_LIMIT + 1), "limit");
        for (String bad : new String[] {"", "%%%", "TDEuMS4x", "x".repeat(300), "VTEuMC4wLnBvc3QuMQ"}) {
            assertRejected(() -> service.likers(POST, PageRequest.after(bad, 5)), "cursor");
        }
        assertNothingWritten();
    }

    private void assertRejected(Runnable call, String argument) {
        assertThatThrownBy(call::run)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(argument);
    }

    private void assertNothingWritten() {
        assertThat(published).isEmpty();
        assertThat(service.count(POST)).isZero();
        assertThat(service.likesOf(1, PageRequest.first()).items()).isEmpty();
    }
}
