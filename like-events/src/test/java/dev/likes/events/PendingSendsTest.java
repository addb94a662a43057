package dev.likes.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PendingSendsTest {

    @Test
    void sendsInTheOrderOfferedOnItsOwnThread() throws Exception {
        List<Integer> sent = new CopyOnWriteArrayList<>();
        List<Boolean> onSender = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(1_000);
        AtomicReference<PendingSends<Integer>> holder = new AtomicReference<>();
        PendingSends<Integer> sends = new PendingSends<>("test-sender", "Test", 10_000, i -> {
            sent.add(i);
            onSender.add(holder.get().onSenderThread());
            all.countDown();
        });
        holder.set(sends);
        for (int i = 0; i < 1_000; i++) {
            assertThat(sends.offer(i)).isNull();
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        sends.close(Duration.ofSeconds(10));
        assertThat(sent).hasSize(1_000).isSorted();
        assertThat(onSender).containsOnly(true);
        assertThat(sends.onSenderThread()).isFalse();
    }

    @Test
    void refusesBeyondMaxPendingAndDrainsWhatWaits() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sent = new CopyOnWriteArrayList<>();
        PendingSends<Integer> sends = new PendingSends<>("test-sender", "Test", 2, i -> {
            if (i == 0) {
                blocked.countDown();
                await(release);
            }
            sent.add(i);
        });
        assertThat(sends.offer(0)).isNull();
        assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue(); // 0 is taken: none waits
        assertThat(sends.offer(1)).isNull();
        assertThat(sends.offer(2)).isNull();
        RuntimeException full = sends.offer(3);
        assertThat(full).isInstanceOf(RejectedExecutionException.class)
                .hasMessage("2 events already wait to be sent to Test; is the broker reachable?");
        List<Integer> failed = new CopyOnWriteArrayList<>();
        sends.drain(failed::add);
        assertThat(failed).containsExactly(1, 2);
        assertThat(sends.offer(4)).as("drained sends no longer count").isNull();
        release.countDown();
        sends.close(Duration.ofSeconds(10));
        assertThat(sent).containsExactly(0, 4);
    }

    @Test
    void closeSendsWhatWaitsThenRefuses() {
        List<Integer> sent = new CopyOnWriteArrayList<>();
        PendingSends<Integer> sends = new PendingSends<>("test-sender", "Test", 100, sent::add);
        for (int i = 0; i < 50; i++) {
            sends.offer(i);
        }
        sends.close(Duration.ofSeconds(10));
        assertThat(sent).hasSize(50);
        assertThat(sends.closing()).isTrue();
        assertThat(sends.offer(99)).isInstanceOf(IllegalStateException.class).hasMessage("the publisher is closed");
    }

    @Test
    void rejectsABadBound() {
        assertThatThrownBy(() -> new PendingSends<Integer>("t", "Test", 0, i -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPending must be at least 1, but was 0");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
