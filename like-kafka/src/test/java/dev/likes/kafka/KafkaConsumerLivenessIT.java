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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The consumer never stops on its own: broker outages longer than every client timeout, commits refused after the
 * group moved on, sink calls that outlive their timeout, errors thrown by the sink. Each ends with the model check.
 */
class KafkaConsumerLivenessIT {

    /* The 90-second outages of the broker, killed and hung, run against the whole pipeline (ProductionShapeFaultIT),
       which holds this consumer; here the short ones. */

    @Test
    void survivesABrokerKilledFor5SecondsAndAppliesWhatWasPublishedDuringIt() throws Exception {
        brokerOutage(Duration.ofSeconds(5), false);
    }

    @Test
    void survivesABrokerHungFor5Seconds() throws Exception {
        brokerOutage(Duration.ofSeconds(5), true);
    }

    private static void brokerOutage(Duration outage, boolean hang) throws Exception {
        String topic = Kafka.newTopic(3);
        List<LikeEvent> history = EventHistory.random(6_000, 200, 60, outage.getSeconds());
        InMemoryEventSink state = new InMemoryEventSink();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        try (KafkaEventPublisher publisher = KafkaEventPublisher.builder(TestServices.kafkaBootstrap())
                        .topic(topic)
                        .producerProperty("delivery.timeout.ms", (int) outage.plusMinutes(3).toMillis())
                        .producerProperty("max.block.ms", (int) outage.plusMinutes(3).toMillis())
                        .build();
                KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), state)
                        .topic(topic)
                        .build()
                        .start()) {
            for (LikeEvent event : history.subList(0, 2_000)) {
                acks.add(publisher.publish(event).toCompletableFuture());
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> state.applied() == 2_000);

            if (hang) {
                TestServices.hang(Server.KAFKA);
            } else {
                TestServices.kill(Server.KAFKA);
            }
            boolean sawUnhealthy = false;
            try {
                long end = System.nanoTime() + outage.toNanos();
                int next = 2_000;
                while (System.nanoTime() < end) {
                    // load goes on during the outage: the publisher holds the events until the broker is back
                    for (int i = 0; i < 20 && next < 4_000; i++, next++) {
                        acks.add(publisher.publish(history.get(next)).toCompletableFuture());
                    }
                    sawUnhealthy |= !consumer.health().healthy();
                    assertThat(consumer.isRunning()).isTrue();
                    Thread.sleep(500);
                }
            } finally {
                if (hang) {
                    TestServices.resume(Server.KAFKA);
                } else {
                    TestServices.start(Server.KAFKA);
                }
            }
            long back = System.nanoTime();
            for (LikeEvent event : history.subList(acks.size(), history.size())) {
                acks.add(publisher.publish(event).toCompletableFuture());
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
            await().atMost(Duration.ofMinutes(3)).until(() -> state.applied() == history.size());
            long convergedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.health().healthy() && consumer.lag() == 0);
            System.out.printf("broker %s for %s: consumer alive, %d loop failures, %d client restarts, "
                            + "all %d events applied %d ms after the broker was back%n",
                    hang ? "hung" : "killed", outage, consumer.loopFailures(), consumer.restarts(), history.size(),
                    convergedMillis);
            assertThat(consumer.isRunning()).isTrue();
            if (outage.compareTo(Duration.ofSeconds(30)) >= 0) {
                // a 5 s outage ends before the client's own timeouts notice it; a longer one must show
                assertThat(sawUnhealthy).as("the health probe reported the outage").isTrue();
            }
        }
        assertThat(state.applied()).isEqualTo(history.size());
        assertFinalState(history, state);
    }

    @Test
    void aCommitRefusedAfterTheGroupMovedOnIsRetriedNotFatal() throws Exception {
        String topic = Kafka.newTopic(1);
        List<LikeEvent> history = EventHistory.random(1_000, 40, 5, 21);
        Kafka.publishAll(topic, history);
        InMemoryEventSink state = new InMemoryEventSink();
        AtomicInteger calls = new AtomicInteger();
        // the first call outlives max.poll.interval.ms: the member is put out of the group and its commit is refused
        LikeEventSink slowOnce = events -> {
            if (calls.incrementAndGet() == 1) {
                try {
                    Thread.sleep(7_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return state.apply(events);
        };
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), slowOnce)
                        .topic(topic)
                        .maxBatch(200)
                        .consumerProperty("max.poll.interval.ms", 3_000)
                        .sinkTimeout(Duration.ofSeconds(20))
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(2)).until(() -> consumer.lag() == 0 && state.applied() == history.size());
            assertThat(consumer.loopFailures()).isPositive(); // the refused commit
            assertThat(consumer.isRunning()).isTrue();
        }
        assertFinalState(history, state);
    }

    @Test
    void aSinkCallThatOutlivesItsTimeoutIsNeverRetriedBesideItself() throws Exception {
        String topic = Kafka.newTopic(1);
        List<LikeEvent> history = EventHistory.random(600, 30, 4, 22);
        Kafka.publishAll(topic, history);
        InMemoryEventSink state = new InMemoryEventSink();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        LikeEventSink slow = events -> CompletableFuture.runAsync(() -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (calls.incrementAndGet() <= 2) {
                    Thread.sleep(2_000); // four times the sink timeout
                }
                state.apply(events);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        });
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), slow)
                        .topic(topic)
                        .maxBatch(100)
                        .sinkTimeout(Duration.ofMillis(500))
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> state.applied() == history.size());
            assertThat(consumer.sinkFailures()).isPositive();
        }
        assertThat(mostInFlight.get()).isEqualTo(1);
        assertFinalState(history, state);
    }

    @Test
    void anErrorThrownByTheSinkReplacesTheClientAndConsumingGoesOn() throws Exception {
        String topic = Kafka.newTopic(2);
        List<LikeEvent> history = EventHistory.random(2_000, 50, 6, 23);
        Kafka.publishAll(topic, history);
        InMemoryEventSink state = new InMemoryEventSink();
        AtomicBoolean thrown = new AtomicBoolean();
        LikeEventSink failingOnce = events -> {
            if (thrown.compareAndSet(false, true)) {
                throw new AssertionError("a bug in the sink");
            }
            return state.apply(events);
        };
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(
                                TestServices.kafkaBootstrap(), TestServices.uniqueName("g"), failingOnce)
                        .topic(topic)
                        .build()
                        .start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> state.applied() == history.size());
            assertThat(consumer.restarts()).isEqualTo(1);
            assertThat(consumer.isRunning()).isTrue();
        }
        assertFinalState(history, state);
    }
}
