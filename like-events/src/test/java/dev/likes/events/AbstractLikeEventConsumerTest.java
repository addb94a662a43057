package dev.likes.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.LikeEventConsumer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class AbstractLikeEventConsumerTest {

    /** Counts one applied event a round until closed. */
    static final class Counting extends AbstractLikeEventConsumer {
        final CountDownLatch rounds = new CountDownLatch(3);
        final AtomicInteger wakes = new AtomicInteger();
        volatile boolean returned;

        Counting() {
            super("counting", Duration.ofMillis(100), Duration.ofSeconds(1));
        }

        @Override
        protected void run() {
            while (running()) {
                stats().applied(1);
                stats().succeeded();
                rounds.countDown();
                ConsumerStats.pause(5);
            }
            returned = true;
        }

        @Override
        public Health health() {
            boolean healthy = healthy();
            return new Health() {
                @Override
                public boolean running() {
                    return isRunning();
                }

                @Override
                public boolean healthy() {
                    return healthy;
                }

                @Override
                public Duration sinceLastSuccess() {
                    return stats().sinceLastSuccess();
                }

                @Override
                public int failuresInARow() {
                    return stats().failuresInARow();
                }

                @Override
                public @Nullable String lastFailure() {
                    return stats().lastFailure();
                }
            };
        }

        @Override
        public long lag() {
            return 0;
        }

        boolean ran;

        @Override
        public void close() {
            ran = stopThread(wakes::incrementAndGet);
        }
    }

    @Test
    void runsOnItsOwnThreadUntilClosed() throws Exception {
        Counting c = new Counting();
        assertThat(c.isRunning()).isFalse();
        LikeEventConsumer started = c.start();
        assertThat(started).isSameAs(c);
        assertThat(c.rounds.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(c.isRunning()).isTrue();
        assertThat(c.health().healthy()).isTrue();
        assertThat(c.appliedEvents()).isGreaterThanOrEqualTo(3);
        c.close();
        assertThat(c.ran).isTrue();
        assertThat(c.wakes).hasValue(1);
        assertThat(c.returned).as("the loop ended").isTrue();
        assertThat(c.isRunning()).isFalse();
        assertThat(c.health().healthy()).isFalse();
        assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("the consumer was started or closed before");
    }

    @Test
    void closedBeforeStartRunsNothing() {
        Counting c = new Counting();
        c.close();
        assertThat(c.ran).as("nothing ran").isFalse();
        assertThat(c.wakes).hasValue(0);
        assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class);
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    void backoffGrowsFromTheInitialWaitToTheCap() {
        Counting c = new Counting();
        assertThat(c.backoffMillis(1)).isBetween(50L, 100L);
        assertThat(c.backoffMillis(30)).isBetween(500L, 1_000L);
    }
}
