package dev.likes.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConsumerMetersTest {

    @Test
    void readsTheConsumerItFindsAndRemovesItsMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AbstractLikeEventConsumerTest.Counting first = new AbstractLikeEventConsumerTest.Counting();
        first.stats().applied(7);
        first.stats().deadLettered();
        AtomicReference<AbstractLikeEventConsumerTest.Counting> current = new AtomicReference<>(first);
        Runnable remove = ConsumerMeters.bind(registry, Tags.of("consumer", "a"), current, AtomicReference::get);

        assertThat(registry.get("likes.consumer.applied").tag("consumer", "a").functionCounter().count()).isEqualTo(7);
        assertThat(registry.get("likes.consumer.dead.lettered").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("likes.consumer.lag").gauge().value()).isZero();
        assertThat(registry.get("likes.consumer.healthy").gauge().value()).as("not started").isZero();

        AbstractLikeEventConsumerTest.Counting second = new AbstractLikeEventConsumerTest.Counting();
        second.stats().applied(2);
        current.set(second);
        assertThat(registry.get("likes.consumer.applied").functionCounter().count())
                .as("the meters read the consumer found now").isEqualTo(2);

        remove.run();
        assertThat(registry.getMeters()).isEmpty();
    }
}
