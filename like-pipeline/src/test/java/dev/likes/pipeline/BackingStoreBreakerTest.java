package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.ContentSnapshot;
import dev.likes.core.ForwardingLikeStore;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The breaker in front of the backing store: a MySQL that stops answering is refused at once after a few loads. */
class BackingStoreBreakerTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    private final AtomicBoolean hung = new AtomicBoolean();
    private final AtomicInteger reached = new AtomicInteger();
    private final LikeStore backing = new HangingStore();
    private final CircuitBreaker breaker = CircuitBreaker.of("test", CircuitBreakerConfig.custom()
            .slidingWindowSize(10).minimumNumberOfCalls(3).failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofMillis(300)).permittedNumberOfCallsInHalfOpenState(1).build());
    private final BackingStoreBreaker guarded = new BackingStoreBreaker(backing, breaker, Duration.ofMillis(50));

    @Test
    void callsThatHangCountAsFailedOnceSlowAndOpenTheBreakerSoLaterOnesFailAtOnce() {
        hung.set(true);
        CompletableFuture<ContentSnapshot> first = guarded.snapshot(POST, 10).toCompletableFuture();
        guarded.snapshot(POST, 10);
        guarded.snapshot(POST, 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
        assertThat(first).as("a slow call goes on: its answer is used if it comes").isNotDone();

        CompletableFuture<ContentSnapshot> refused = guarded.snapshot(POST, 10).toCompletableFuture();
        assertThat(refused).isCompletedExceptionally();
        assertThat(refused.handle((v, e) -> e).join()).isInstanceOf(LikeStoreException.class)
                .hasMessageContaining("MySQL is unavailable");
        assertThat(reached).as("refused without reaching the store").hasValue(3);

        hung.set(false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(guarded.snapshot(POST, 10).toCompletableFuture().handle((v, e) -> v)).isNotNull();
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        });
        assertThat(guarded.count(POST).toCompletableFuture().join()).isZero();
    }

    /** An in-memory store whose snapshots never answer while {@code hung}. */
    private final class HangingStore extends ForwardingLikeStore {
        HangingStore() {
            super(InMemoryLikeStore.create());
        }

        @Override
        public CompletionStage<ContentSnapshot> snapshot(ContentRef content, int limit) {
            reached.incrementAndGet();
            return hung.get() ? new CompletableFuture<>() : super.snapshot(content, limit);
        }

    }

    @Test
    void answersInTimeKeepTheBreakerClosedAndEachPermissionIsSettledOnce() {
        for (int i = 0; i < 50; i++) {
            assertThat(guarded.snapshot(POST, 10).toCompletableFuture().join().count()).isZero();
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(10);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    }
}
