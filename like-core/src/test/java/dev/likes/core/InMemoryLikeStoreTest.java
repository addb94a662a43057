package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the contract kit cannot know: the in-memory store's request-ID retention. */
class InMemoryLikeStoreTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void aRequestIdIsForgottenAfterItsTtlAndNotBefore() {
        InMemoryLikeStore store =
                InMemoryLikeStore.builder().requestIdTtl(Duration.ofMinutes(10)).build();
        LikeService service = LikeService.builder(store).clock(clock).build();
        ContentRef post = ContentRef.of("post", 1);

        assertThat(service.like(1, post, "r").status()).isEqualTo(LikeResult.Status.APPLIED);
        now.set(now.get().plus(Duration.ofMinutes(10)).minusMillis(1));
        assertThat(service.unlike(1, post, "r").status()).isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
        now.set(now.get().plusMillis(1));
        assertThat(service.unlike(1, post, "r").status()).isEqualTo(LikeResult.Status.APPLIED);
        assertThat(service.like(1, post, "r").status()).isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
    }

    @Test
    void expiredRequestIdsAreDroppedAsLaterMutationsArrive() {
        InMemoryLikeStore store =
                InMemoryLikeStore.builder().requestIdTtl(Duration.ofSeconds(1)).build();
        LikeService service = LikeService.builder(store).clock(clock).build();
        for (int i = 1; i <= 1_000; i++) {
            service.like(i, ContentRef.of("post", 1), "r" + i);
        }
        now.set(now.get().plusSeconds(2));
        service.like(1, ContentRef.of("post", 2), "later");

        // every earlier ID is usable again: they were swept, not just ignored
        for (int i = 1; i <= 1_000; i++) {
            assertThat(service.unlike(i, ContentRef.of("post", 1), "r" + i).changed()).isTrue();
        }
    }

    @Test
    void ttlMustBeAtLeastOneMillisecond() {
        assertThatThrownBy(() -> InMemoryLikeStore.builder().requestIdTtl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requestIdTtl must be at least 1 ms, but was PT0S");
    }
}
