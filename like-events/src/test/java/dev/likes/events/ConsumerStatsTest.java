package dev.likes.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.UnstorableEventException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ConsumerStatsTest {

    @Test
    void aRunOfFailuresEndsWithASuccessAndKeepsItsLastFailureEscaped() {
        ConsumerStats stats = new ConsumerStats();
        assertThat(stats.lastFailure()).isNull();
        stats.failed(new IllegalStateException("broker\naway"));
        stats.failed(new IllegalStateException("still away"));
        assertThat(stats.failuresInARow()).isEqualTo(2);
        assertThat(stats.lastFailure()).contains("still away");
        stats.succeeded();
        assertThat(stats.failuresInARow()).isZero();
        assertThat(stats.lastFailure()).isNull();
        stats.failed(new IllegalStateException("a\nb"));
        assertThat(stats.lastFailure()).doesNotContain("\n").contains("\\u000a");
    }

    @Test
    void theBackoffDoublesUpToItsCapWithJitterInTheUpperHalf() {
        Duration initial = Duration.ofMillis(100);
        Duration max = Duration.ofSeconds(2);
        for (int i = 0; i < 200; i++) {
            assertThat(ConsumerStats.backoffMillis(1, initial, max)).isBetween(50L, 100L);
            assertThat(ConsumerStats.backoffMillis(3, initial, max)).isBetween(200L, 400L);
            assertThat(ConsumerStats.backoffMillis(60, initial, max)).isBetween(1_000L, 2_000L);
        }
    }

    @Test
    void anUnstorableEventIsFoundAnywhereInTheChainOfCauses() {
        UnstorableEventException unstorable = new UnstorableEventException("bad time", null);
        assertThat(ConsumerStats.unstorable(new CompletionException(new RuntimeException(unstorable))))
                .isSameAs(unstorable);
        assertThat(ConsumerStats.unstorable(new IllegalStateException("MySQL is down"))).isNull();
    }
}
