package dev.likes.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.testkit.EventHistory;
import dev.likes.testkit.InMemoryEventSink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Names and settings are checked, and named, before anything connects. */
class RabbitBuildersTest {

    @Test
    void theTopologyIsNamedAfterItsBaseName() {
        LikeQueues queues = LikeQueues.of("likes", 3);
        assertThat(queues.exchange()).isEqualTo("likes");
        assertThat(queues.queueNames()).containsExactly("likes.0", "likes.1", "likes.2");
        assertThat(queues.deadLetterExchange()).isEqualTo("likes.dlx");
        assertThat(queues.deadLetterQueue()).isEqualTo("likes.dlq");
        assertThat(queues.consumersQueue()).isEqualTo("likes.consumers");
        assertThat(LikeQueues.defaults().queueCount()).isEqualTo(LikeQueues.DEFAULT_QUEUES);
        assertThatThrownBy(() -> queues.queue(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aBadNameOrCountIsRefusedNamingTheRule() {
        assertThatThrownBy(() -> LikeQueues.of("", 4)).hasMessageContaining("name must be 1 to 200");
        assertThatThrownBy(() -> LikeQueues.of("likes events", 4)).hasMessageContaining("name must be");
        assertThatThrownBy(() -> LikeQueues.of(".likes", 4)).hasMessageContaining("starting with a letter or digit");
        assertThatThrownBy(() -> LikeQueues.of("a".repeat(201), 4)).hasMessageContaining("1 to 200");
        assertThatThrownBy(() -> LikeQueues.of("likes", 0)).hasMessageContaining("queues must be between 1 and 256");
        assertThatThrownBy(() -> LikeQueues.of("likes", 257)).hasMessageContaining("but was 257");
    }

    @Test
    void aUriThatIsNotAmqpIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> RabbitEventPublisher.builder("http://user:s3cret@host").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amqp://")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RabbitLikeConsumer.builder("::", new InMemoryEventSink()).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everySettingNamesItsRule() {
        RabbitEventPublisher.Builder publisher = RabbitEventPublisher.builder("amqp://127.0.0.1:1");
        assertThatThrownBy(() -> publisher.confirmTimeout(Duration.ZERO)).hasMessageContaining("confirmTimeout");
        assertThatThrownBy(() -> publisher.maxPending(0)).hasMessageContaining("maxPending");
        RabbitLikeConsumer.Builder consumer = RabbitLikeConsumer.builder("amqp://127.0.0.1:1", new InMemoryEventSink());
        assertThatThrownBy(() -> consumer.maxBatch(0)).hasMessageContaining("maxBatch");
        assertThatThrownBy(() -> consumer.prefetch(70_000)).hasMessageContaining("prefetch");
        assertThatThrownBy(() -> consumer.sinkTimeout(Duration.ofSeconds(-1))).hasMessageContaining("sinkTimeout");
        assertThatThrownBy(() -> consumer.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("max backoff");
        assertThatThrownBy(() -> consumer.rebalanceInterval(Duration.ZERO)).hasMessageContaining("rebalanceInterval");
        assertThatThrownBy(() -> consumer.deadLetterMaxBytes(0)).hasMessageContaining("deadLetterMaxBytes");
    }

    @Test
    void aPublisherFailsFastWhileTheBrokerIsUnreachableAndClosesCleanly() throws Exception {
        try (RabbitEventPublisher publisher = RabbitEventPublisher.builder("amqp://127.0.0.1:1").build()) {
            assertThat(publisher.publish(EventHistory.random(1, 1, 1, 1).get(0))
                    .toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableThat()
                    .withMessageContaining("RabbitMQ is unreachable");
        }
    }

    @Test
    void aConsumerNeverStartedClosesAndOneStartedTwiceIsRefused() {
        RabbitLikeConsumer never = RabbitLikeConsumer.builder("amqp://127.0.0.1:1", new InMemoryEventSink()).build();
        never.close();
        assertThat(never.isRunning()).isFalse();
        try (RabbitLikeConsumer consumer =
                RabbitLikeConsumer.builder("amqp://127.0.0.1:1", new InMemoryEventSink()).build().start()) {
            assertThatThrownBy(consumer::start).isInstanceOf(IllegalStateException.class);
            assertThat(consumer.isRunning()).isTrue();
        }
    }
}
