package dev.likes.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.likes.core.LikeEvent;
import dev.likes.testservers.TestServices;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Test helper: a topology of the test's own, publishing through the publisher, reading the dead-letter queue. */
final class Rabbit {

    private Rabbit() {}

    static LikeQueues newQueues(int queues) {
        return LikeQueues.of(TestServices.uniqueName("likes"), queues);
    }

    static RabbitEventPublisher publisher(LikeQueues queues) {
        return RabbitEventPublisher.builder(TestServices.rabbitMqUri()).queues(queues).build();
    }

    /** Publishes every event and waits for all confirms. */
    static void publishAll(LikeQueues queues, List<LikeEvent> history) throws Exception {
        try (RabbitEventPublisher publisher = publisher(queues)) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (LikeEvent event : history) {
                acks.add(publisher.publish(event).toCompletableFuture());
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
        }
    }

    static Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.rabbitMqUri());
        return factory.newConnection("like-test");
    }

    /** Takes up to {@code max} messages from a queue, acknowledging them. */
    static List<GetResponse> drain(String queue, int max) throws Exception {
        List<GetResponse> messages = new ArrayList<>();
        try (Connection c = connect(); Channel channel = c.createChannel()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (messages.size() < max && System.nanoTime() < deadline) {
                GetResponse got = channel.basicGet(queue, true);
                if (got == null) {
                    Thread.sleep(100);
                } else {
                    messages.add(got);
                }
            }
        }
        return messages;
    }
}
