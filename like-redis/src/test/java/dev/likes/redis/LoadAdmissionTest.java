package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.LikeRejectedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadAdmissionTest {

    private final AtomicLong now = new AtomicLong();
    private final LoadAdmission admission = new LoadAdmission(2, 3, Duration.ofSeconds(1), now::get);
    private final List<CompletableFuture<Void>> started = new ArrayList<>();

    private CompletableFuture<Void> admit() {
        return admission.admit(() -> {
            CompletableFuture<Void> load = new CompletableFuture<>();
            started.add(load);
            return load;
        });
    }

    @Test
    void runsAtMostTheLimitAndStartsTheWaitingInOrderAsLoadsEnd() {
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(admit());
        }
        assertThat(started).hasSize(2);

        started.get(0).complete(null);
        assertThat(calls.get(0)).isCompleted();
        assertThat(started).as("the first waiting load starts when a running one ends").hasSize(3);

        started.get(1).completeExceptionally(new IllegalStateException("backing store down"));
        assertThat(calls.get(1)).isCompletedExceptionally();
        assertThat(started).as("a failed load frees its place too").hasSize(4);

        started.get(2).complete(null);
        started.get(3).complete(null);
        assertThat(started).hasSize(5);
        started.get(4).complete(null);
        assertThat(calls).allMatch(CompletableFuture::isDone);
    }

    @Test
    void refusesAtOnceBeyondTheWaitingLimitAndStartsNothingForIt() {
        for (int i = 0; i < 5; i++) {
            admit(); // 2 run, 3 wait
        }
        CompletableFuture<Void> refused = admit();
        assertThat(refused).isCompletedExceptionally();
        assertThat(refused.handle((v, e) -> e).join()).isInstanceOf(LikeRejectedException.class)
                .hasMessageContaining("at most 3")
                .extracting(e -> ((LikeRejectedException) e).reason())
                .isEqualTo(LikeRejectedException.Reason.OVERLOADED);
        assertThat(started).hasSize(2);

        started.get(0).complete(null);
        assertThat(admit()).as("room again once a waiting load started").isNotDone();
    }

    @Test
    void aLoadThatThrowsFailsItsCallAndFreesItsPlace() {
        CompletableFuture<Void> thrown = admission.admit(() -> {
            throw new IllegalStateException("no connection");
        });
        assertThat(thrown).isCompletedExceptionally();
        assertThat(thrown.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join())
                .hasMessage("no connection");
        admit();
        admit();
        assertThat(started).as("both places free").hasSize(2);
    }

    @Test
    void aLoadThatWaitedLongerThanTheLimitIsRefusedWhenItsTurnComesAndTheNextStarts() {
        admit();
        admit(); // both places taken
        CompletableFuture<Void> early = admit();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(600));
        CompletableFuture<Void> late = admit();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(600)); // early has waited 1.2 s, late 0.6 s

        started.get(0).complete(null);
        assertThat(early).as("waited too long: refused, not started").isCompletedExceptionally();
        assertThat(early.handle((v, e) -> e).join()).isInstanceOf(LikeRejectedException.class)
                .hasMessageContaining("waited 1200 ms")
                .extracting(e -> ((LikeRejectedException) e).reason())
                .isEqualTo(LikeRejectedException.Reason.OVERLOADED);
        assertThat(started).as("the place goes to the next one that may still start").hasSize(3);
        assertThat(late).isNotDone();
        started.get(2).complete(null);
        assertThat(late).isCompleted();

        for (int i = 0; i < 3; i++) {
            admit();
        }
        assertThat(admit()).as("the refused load no longer counts as waiting").isNotDone();
    }
}
