package dev.likes.bench;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.kafka.KafkaEventPublisher;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.kafka.LikeEventCodec;
import dev.likes.kafka.LikeTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Publish and consume rates of like events through {@link KafkaEventPublisher} and {@link KafkaLikeConsumer}, in
 * events/s, for comparison with Kafka's own {@code ProducerPerformance} on the same broker (scripts/bench-kafka.sh
 * runs both). Prints one line per measurement, {@code name: value}, for the script to compare.
 */
public final class KafkaThroughputBench {

    private KafkaThroughputBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code BOOTSTRAP EVENTS}
     * @throws Exception if the broker fails
     */
    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:19092";
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        String topic = "bench-" + System.currentTimeMillis();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            LikeTopics.createIfAbsent(admin, topic, 4, (short) 1, Duration.ofHours(1));
        }
        LikeEvent sample = event(1);
        System.out.println("record_bytes: " + LikeEventCodec.encode(sample).length);
        long encodeStart = System.nanoTime();
        long bytes = 0;
        for (int i = 0; i < events; i++) {
            bytes += LikeEventCodec.encode(event(i)).length;
        }
        System.out.printf(Locale.ROOT, "encode_ns_per_event: %.0f (%d bytes)%n", (System.nanoTime() - encodeStart) / (double) events, bytes);

        long start = System.nanoTime();
        try (KafkaEventPublisher publisher = KafkaEventPublisher.builder(bootstrap).topic(topic).build()) {
            Semaphore window = new Semaphore(50_000);
            CompletableFuture<?>[] last = new CompletableFuture<?>[1];
            for (int i = 0; i < events; i++) {
                window.acquireUninterruptibly();
                CompletableFuture<Void> ack = publisher.publish(event(i)).toCompletableFuture();
                ack.whenComplete((ok, failure) -> {
                    window.release();
                    if (failure != null) {
                        System.err.println("publish failed: " + failure);
                    }
                });
                last[0] = ack;
            }
            window.acquireUninterruptibly(50_000);
        }
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "publish_events_per_s: %.0f%n", events / publishSeconds);

        LongAdder consumed = new LongAdder();
        long consumeStart = System.nanoTime();
        try (KafkaLikeConsumer consumer = KafkaLikeConsumer.builder(bootstrap, "bench-" + topic, batch -> {
                            consumed.add(batch.size());
                            return CompletableFuture.completedFuture(null);
                        })
                        .topic(topic)
                        .maxBatch(5_000)
                        .build()
                        .start()) {
            while (consumed.sum() < events) {
                Thread.sleep(20);
            }
        }
        double consumeSeconds = (System.nanoTime() - consumeStart) / 1e9;
        System.out.printf(Locale.ROOT, "consume_events_per_s: %.0f%n", events / consumeSeconds);
    }

    private static LikeEvent event(int i) {
        return new LikeEvent(
                "00000000-0000-4000-8000-" + (100_000_000_000L + i),
                null,
                1 + i,
                ContentRef.of("post", 1 + (i % 1_000)),
                LikeAction.LIKE,
                Instant.ofEpochMilli(1_764_345_603_000L + i),
                1_764_345_603_000_000L + i,
                1 + i / 1_000);
    }
}
