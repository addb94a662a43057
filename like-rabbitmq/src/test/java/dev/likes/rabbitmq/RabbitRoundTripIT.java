package dev.likes.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeEventSink;
import dev.likes.events.LikeEventCodec;
import dev.likes.testkit.EventHistory;
import dev.likes.testkit.InMemoryEventSink;
import dev.likes.testservers.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events through a real RabbitMQ: all of them, in order per content, shared by consumers, poison set aside. */
class RabbitRoundTripIT {

    @Test
    void everyPublishedEventIsAppliedExactlyOnceInOrderPerContent() throws Exception {
        LikeQueues queues = Rabbit.newQueues(4);
        List<LikeEvent> history = EventHistory.random(10_000, 300, 20, 1);
        Rabbit.publishAll(queues, history);

        InMemoryEventSink state = new InMemoryEventSink();
        Map<ContentRef, List<Long>> seen = Collections.synchronizedMap(new HashMap<>());
        try (RabbitLikeConsumer consumer = RabbitLikeConsumer.builder(TestServices.rabbitMqUri(), recording(state, seen))
                .queues(queues)
                .build()
                .start()) {
            await().atMost(Duration.ofMinutes(2)).until(() -> consumer.appliedEvents() >= history.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.lag() == 0);
            assertThat(consumer.appliedEvents()).isEqualTo(history.size());
            assertThat(consumer.health().healthy()).isTrue();
        }
        assertThat(state.delivered()).isEqualTo(history.size());
        seen.values().forEach(versions -> assertThat(versions).isSorted().doesNotHaveDuplicates());
        assertFinalState(history, state);
    }

    @Test
    void twoConsumersShareTheQueuesAndEachContentStaysInOrder() throws Exception {
        LikeQueues queues = Rabbit.newQueues(4);
        List<LikeEvent> history = EventHistory.random(30_000, 400, 40, 5);
        InMemoryEventSink state = new InMemoryEventSink();
        Map<ContentRef, List<Long>> seen = Collections.synchronizedMap(new HashMap<>());
        // slow enough that the stream lasts while the second consumer joins and takes its share
        LikeEventSink slow = events -> {
            sleep(20);
            return recording(state, seen).apply(events);
        };
        RabbitLikeConsumer.Builder builder = RabbitLikeConsumer.builder(TestServices.rabbitMqUri(), slow)
                .queues(queues)
                .maxBatch(100)
                .prefetch(100)
                .rebalanceInterval(Duration.ofMillis(500));
        try (RabbitLikeConsumer first = builder.build().start()) {
            Rabbit.publishAll(queues, history.subList(0, 10_000));
            await().atMost(Duration.ofSeconds(30)).until(() -> first.appliedEvents() > 500);
            try (RabbitLikeConsumer second = builder.build().start();
                    RabbitEventPublisher publisher = Rabbit.publisher(queues)) {
                for (LikeEvent event : history.subList(10_000, history.size())) {
                    publisher.publish(event);
                }
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> first.appliedEvents() + second.appliedEvents() >= history.size());
                assertThat(first.handovers()).as("the first consumer handed queues over").isPositive();
                assertThat(second.appliedEvents()).as("the second consumer took its share").isPositive();
            }
        }
        assertThat(state.delivered()).isEqualTo(history.size());
        seen.values().forEach(versions -> assertThat(versions).isSorted().doesNotHaveDuplicates());
        assertFinalState(history, state);
    }

    @Test
    void poisonGoesToTheDeadLetterQueueWithItsReasonAndTheRestIsApplied() throws Exception {
        LikeQueues queues = Rabbit.newQueues(1);
        List<LikeEvent> history = EventHistory.random(100, 10, 2, 2);
        try (Connection c = Rabbit.connect(); Channel raw = c.createChannel()) {
            queues.declare(c);
            raw.confirmSelect(); // a quorum queue just declared may drop what it gets before its leader is elected
            for (int i = 0; i < history.size(); i++) {
                if (i == 10) {
                    raw.basicPublish(queues.exchange(), "post:1", null, "garbage{".getBytes(StandardCharsets.UTF_8));
                }
                if (i == 50) {
                    String future = new String(LikeEventCodec.encode(history.get(i)), StandardCharsets.UTF_8)
                            .replace("\"v\":1", "\"v\":99");
                    raw.basicPublish(queues.exchange(), "post:2",
                            new AMQP.BasicProperties.Builder().messageId("future-1").build(),
                            future.getBytes(StandardCharsets.UTF_8));
                }
                raw.basicPublish(queues.exchange(), history.get(i).content().toString(), null,
                        LikeEventCodec.encode(history.get(i)));
            }
            raw.waitForConfirmsOrDie(30_000);
        }
        InMemoryEventSink state = new InMemoryEventSink();
        try (RabbitLikeConsumer consumer =
                RabbitLikeConsumer.builder(TestServices.rabbitMqUri(), state).queues(queues).build().start()) {
            await().atMost(Duration.ofMinutes(1)).until(() -> consumer.appliedEvents() == history.size());
            assertThat(consumer.deadLetteredRecords()).isEqualTo(2);
        }
        assertFinalState(history, state);
        List<GetResponse> letters = Rabbit.drain(queues.deadLetterQueue(), 2);
        assertThat(letters).extracting(r -> header(r, "like.dlq.reason"))
                .anySatisfy(reason -> assertThat(reason).startsWith("not JSON"))
                .anySatisfy(reason -> assertThat(reason).contains("unknown schema version 99"));
        assertThat(letters).extracting(r -> header(r, "like.dlq.source"))
                .containsExactlyInAnyOrder(queues.queue(0) + "#?", queues.queue(0) + "#future-1");
    }

    static LikeEventSink recording(InMemoryEventSink state, Map<ContentRef, List<Long>> seen) {
        return events -> {
            for (LikeEvent e : events) {
                seen.computeIfAbsent(e.content(), c -> Collections.synchronizedList(new ArrayList<>())).add(e.version());
            }
            return state.apply(events);
        };
    }

    static void assertFinalState(List<LikeEvent> history, InMemoryEventSink state) {
        InMemoryEventSink expected = new InMemoryEventSink();
        expected.apply(history);
        for (LikeEvent e : history) {
            assertThat(state.liked(e.userId(), e.content())).isEqualTo(expected.liked(e.userId(), e.content()));
            assertThat(state.count(e.content())).isEqualTo(expected.count(e.content()));
        }
    }

    static String header(GetResponse response, String name) {
        return String.valueOf(response.getProps().getHeaders().get(name));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
