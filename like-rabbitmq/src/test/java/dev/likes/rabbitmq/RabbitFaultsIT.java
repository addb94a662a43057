package dev.likes.rabbitmq;

import static dev.likes.rabbitmq.RabbitRoundTripIT.assertFinalState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.testkit.EventHistory;
import dev.likes.testkit.InMemoryEventSink;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A consumer killed mid-batch, a sink that fails, a broker killed or hung for 5 seconds: nothing lost, nothing counted
 * twice. The 90-second outages run against the whole pipeline on RabbitMQ ({@code RabbitPipelineIT} of
 * {@code like-pipeline}).
 */
class RabbitFaultsIT {

    @Test
    void aConsumerKilledMidBatchLeavesItForTheNextOneAndNothingIsCountedTwice() throws Exception {
        LikeQueues queues = Rabbit.newQueues(2);
        List<LikeEvent> history = EventHistory.random(5_000, 100, 5, 3);
        Rabbit.publishAll(queues, history);
        InMemoryEventSink state = new InMemoryEventSink();
        AtomicInteger batches = new AtomicInteger();
        AtomicBoolean stuck = new AtomicBoolean();
        // the third batch is half applied, then the process "dies": its stage never completes
        LikeEventSink crashing = events -> {
            if (batches.incrementAndGet() == 3) {
                state.apply(events.subList(0, events.size() / 2));
                stuck.set(true);
                return new CompletableFuture<>();
            }
            return state.apply(events);
        };
        RabbitLikeConsumer first = RabbitLikeConsumer.builder(TestServices.rabbitMqUri(), crashing)
                .queues(queues)
                .maxBatch(500)
                .build()
                .start();
        await().atMost(Duration.ofMinutes(1)).untilTrue(stuck);
        long appliedByFirst = first.appliedEvents();
        first.close();
        assertThat(appliedByFirst).isLessThan(history.size());

        try (RabbitLikeConsumer second =
                RabbitLikeConsumer.builder(TestServices.rabbitMqUri(), state).queues(queues).build().start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> appliedByFirst + second.appliedEvents() >= history.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> second.lag() == 0);
        }
        assertThat(state.delivered()).isGreaterThan(history.size()); // the half-applied batch came again
        assertThat(state.applied()).isEqualTo(history.size()); // but changed nothing twice
        assertFinalState(history, state);
    }

    @Test
    void aFailingSinkGetsTheSameEventsAgainUntilItTakesThem() throws Exception {
        LikeQueues queues = Rabbit.newQueues(1);
        List<LikeEvent> history = EventHistory.random(2_000, 50, 5, 4);
        Rabbit.publishAll(queues, history);
        InMemoryEventSink state = new InMemoryEventSink();
        AtomicInteger calls = new AtomicInteger();
        LikeEventSink flaky = events -> calls.incrementAndGet() <= 5
                ? CompletableFuture.failedFuture(new IllegalStateException("MySQL is down"))
                : state.apply(events);
        try (RabbitLikeConsumer consumer = RabbitLikeConsumer.builder(TestServices.rabbitMqUri(), flaky)
                .queues(queues)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build()
                .start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.appliedEvents() >= history.size());
            assertThat(consumer.sinkFailures()).isEqualTo(5);
        }
        assertThat(state.applied()).isEqualTo(history.size());
        assertFinalState(history, state);
    }

    /**
     * The broker is killed (SIGKILL) or hung (SIGSTOP) for 5 seconds while events are published, as the outbox
     * does, retrying each until confirmed, and a consumer applies them: every event is applied once in effect.
     */
    @ParameterizedTest(name = "broker {0} for 5 s")
    @ValueSource(strings = {"killed", "hung"})
    void aBrokerDownFor5SecondsLosesNothingAndCountsNothingTwice(String fault) throws Exception {
        LikeQueues queues = Rabbit.newQueues(4);
        List<LikeEvent> history = EventHistory.random(6_000, 2_000, 200, 11);
        InMemoryEventSink state = new InMemoryEventSink();
        AtomicLong failedPublishes = new AtomicLong();
        try (RabbitEventPublisher publisher = RabbitEventPublisher.builder(TestServices.rabbitMqUri())
                        .queues(queues)
                        .confirmTimeout(Duration.ofSeconds(5))
                        .build();
                RabbitLikeConsumer consumer =
                        RabbitLikeConsumer.builder(TestServices.rabbitMqUri(), state).queues(queues).build().start()) {
            Thread load = new Thread(() -> {
                for (int i = 0; i < history.size(); i++) {
                    publishUntilConfirmed(publisher, history.get(i), failedPublishes);
                    if (i % 20 == 0) {
                        RabbitRoundTripIT.sleep(1); // spread over the outage and the time around it
                    }
                }
            }, "load");
            load.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.appliedEvents() > 500);
            if (fault.equals("killed")) {
                TestServices.kill(Server.RABBITMQ);
            } else {
                TestServices.hang(Server.RABBITMQ);
            }
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(5));
                assertThat(consumer.isRunning()).isTrue();
            } finally {
                if (fault.equals("killed")) {
                    TestServices.start(Server.RABBITMQ);
                } else {
                    TestServices.resume(Server.RABBITMQ);
                }
            }
            load.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(load.isAlive()).isFalse();
            await().atMost(Duration.ofMinutes(2)).until(() -> state.applied() >= countChanges(history));
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.lag() == 0 && consumer.health().healthy());
        }
        if (fault.equals("killed")) {
            assertThat(failedPublishes.get()).as("the outage reached the publisher").isPositive();
        } // a 5 s hang is shorter than the confirm timeout: the publisher only waits
        assertFinalState(history, state);
        assertThat(state.applied()).as("no change applied twice").isEqualTo(countChanges(history));
    }

    /** Publishes as the outbox relays: again and again until the broker confirmed it. */
    private static void publishUntilConfirmed(RabbitEventPublisher publisher, LikeEvent event, AtomicLong failures) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < deadline) {
            try {
                publisher.publish(event).toCompletableFuture().get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                failures.incrementAndGet();
                RabbitRoundTripIT.sleep(200);
            }
        }
        throw new AssertionError("event " + event.eventId() + " was never confirmed");
    }

    private static long countChanges(List<LikeEvent> history) {
        InMemoryEventSink model = new InMemoryEventSink();
        model.apply(history);
        return model.applied();
    }
}
