package dev.likes.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/** One queue's subscription on a channel of its own. */
final class Subscription {
    final int index;
    final String queue;
    final Channel channel;
    volatile boolean live = true;
    volatile long lastDeliveryNanos;
    @Nullable String tag;

    private final BlockingQueue<Arrival> inbox;

    Subscription(int index, String queue, Channel channel, BlockingQueue<Arrival> inbox) {
        this.index = index;
        this.queue = queue;
        this.channel = channel;
        this.inbox = inbox;
    }

    void arrived(Delivery delivery) {
        lastDeliveryNanos = System.nanoTime();
        AMQP.BasicProperties props = delivery.getProperties();
        inbox.add(new Arrival(this, delivery.getEnvelope().getDeliveryTag(), delivery.getBody(),
                props.getMessageId(), LikeQueues.MARKER_TYPE.equals(props.getType()) ? props : null));
    }
}
