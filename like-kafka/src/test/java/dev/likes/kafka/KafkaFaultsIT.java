package dev.likes.kafka;

import static dev.likes.kafka.KafkaRoundTripIT.assertFinalState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.testkit.EventHistory;
import dev.likes.testkit.InMemoryEventSink;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/** A consumer killed mid-batch, a sink that is down, a broker that is down: nothing lost, nothing counted twice. */
class KafkaFaultsIT {

    @Test
    void aConsumerKilledMidBatchLeavesItForTheNextOneAndNothingIsCountedTwice() throws Exception {
        String topic = Kafka.newTopic(2);
        List<LikeEvent> history = EventHistory.random(5_000, 100, 5, 3);
        Kafka.publishAll(topic, history);
        String group = TestServices.uniqueName("g");
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
        KafkaLikeConsumer first = KafkaLikeConsumer.builder(TestServices.kafkaBootstrap(), group, crashing)
                .topic(topic)
                .maxBatch(500)
                .build()
                .start();
        await().atMost(Duration.ofMinutes(1)).untilTrue(stuck);
        long appliedByFirst = first.appliedEvents();
        first.close();
        assertThat(appliedByFirst).isLessThan(history.size());

        try (KafkaLikeConsumer second =
                KafkaLikeConsumer.builder(TestServices.kafkaBootstrap(), group, state).topic(topic).build().start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> appliedByFirst + second.appliedEvents() >= history.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> second.lag() == 0);
        }
        assertThat(state.delivered()).isGreaterThan(history.size()); // the half-applied batch came again
        assertThat(state.applied()).isEqualTo(history.size()); // but changed nothing twice
        assertFinalState(history, state);
    }

    @Test
    void aSecondConsumerJoiningTheGroupMidStreamTakesPartitionsOverWithoutLossOrDoubleCounting() throws Exception {
        String topic = Kafka.newTopic(4);
        List<LikeEvent> history = EventHistory.random(20_000, 500, 40, 7);
        Kafka.publishAll(topic, history);
        String group = TestServices.uniqueName("g");
        InMemoryEventSink state = new InMemoryEventSink();
        // a slow sink (about 10 s for the whole stream alone), so that the rebalance happens while batches are applied
        LikeEventSink slow = events -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return state.apply(events);
        };
        try (KafkaLikeConsumer first =
                KafkaLikeConsumer.builder(TestServices.kafkaBootstrap(), group, slow).topic(topic).maxBatch(100).build().start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> first.appliedEvents() > 2_000);
            try (KafkaLikeConsumer second = KafkaLikeConsumer.builder(TestServices.kafkaBootstrap(), group, slow)
                    .topic(topic)
                    .maxBatch(100)
                    .build()
                    .start()) {
                await().atMost(Duration.ofMinutes(2)).until(() -> state.applied() == history.size());
                await().atMost(Duration.ofSeconds(30)).until(() -> first.lag() == 0 && second.lag() == 0);
                assertThat(second.appliedEvents()).isPositive();
            }
        }
        assertThat(state.applied()).isEqualTo(history.size());
        assertFinalState(history, state);
    }

    @Test
    void whileTheSinkIsDownTheConsumerWaitsAndRetriesWithoutLosingItsPlace() throws Exception {
        String topic = Kafka.newTopic(1);
        List<LikeEvent> history = EventHistory.random(2_000, 50, 3, 4);
        Kafka.publishAll(topic, history);
        InMemoryEventSink state = new InMemoryEventSink();
        AtomicBoolean down = new AtomicBoolean(true);
        LikeEventSink flaky = events -> down.get()
                ? CompletableFuture.failedFuture(new IllegalStateException("database is down"))
                : state.apply(events);
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), flaky)
                        .topic(topic)
                        .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.sinkFailures() >= 5);
            assertThat(consumer.appliedEvents()).isZero();
            down.set(false);
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.appliedEvents() == history.size());
        }
        assertThat(state.applied()).isEqualTo(history.size());
        assertFinalState(history, state);
    }

    @Test
    void whileTheBrokerIsDownPublishedEventsWaitAndArriveAfterItReturns() throws Exception {
        String topic = Kafka.newTopic(1);
        List<LikeEvent> history = EventHistory.random(400, 40, 2, 5);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        try (KafkaEventPublisher publisher = KafkaEventPublisher.builder(TestServices.kafkaBootstrap())
                .topic(topic)
                .producerProperty("delivery.timeout.ms", 90_000)
                // a restarted broker may take longer than the default 10 s to serve metadata (log recovery)
                .producerProperty("max.block.ms", 90_000)
                .build()) {
            for (LikeEvent event : history.subList(0, 200)) {
                acks.add(publisher.publish(event).toCompletableFuture());
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);

            TestServices.stop(Server.KAFKA);
            try {
                for (LikeEvent event : history.subList(200, 400)) {
                    acks.add(publisher.publish(event).toCompletableFuture()); // never blocks, even now
                }
                Thread.sleep(1_000);
                assertThat(acks.subList(200, 400)).noneMatch(CompletableFuture::isDone);
            } finally {
                TestServices.start(Server.KAFKA);
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
        }

        InMemoryEventSink state = new InMemoryEventSink();
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), state)
                        .topic(topic)
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.appliedEvents() >= history.size());
        }
        assertThat(state.applied()).isEqualTo(history.size());
        assertFinalState(history, state);
    }

    @Test
    void withoutABrokerThePublishersStagesFailAndSoDoTheSendsQueuedBehind() throws Exception {
        List<LikeEvent> history = EventHistory.random(50, 5, 1, 6);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        try (KafkaEventPublisher publisher = KafkaEventPublisher.builder("127.0.0.1:1") // nothing listens there
                .producerProperty("max.block.ms", 2_000)
                .producerProperty("delivery.timeout.ms", 3_000)
                .producerProperty("request.timeout.ms", 1_000)
                .build()) {
            long start = System.nanoTime();
            for (LikeEvent event : history) {
                acks.add(publisher.publish(event).toCompletableFuture()); // returns at once
            }
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
            for (CompletableFuture<Void> ack : acks) {
                try {
                    ack.get(1, TimeUnit.MINUTES);
                } catch (ExecutionException expected) {
                    assertThat(expected.getCause()).isInstanceOf(KafkaException.class);
                }
            }
        }
        assertThat(acks).allMatch(CompletableFuture::isCompletedExceptionally);
    }
}
