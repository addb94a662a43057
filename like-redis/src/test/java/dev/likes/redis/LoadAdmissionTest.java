package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.LikeRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class LoadAdmissionTest {

    private final LoadAdmission admission = new LoadAdmission(2, 3);
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
}
