package dev.likes.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.events.LikeEventCodec;
import dev.likes.rabbitmq.LikeQueues;
import dev.likes.rabbitmq.RabbitConnections;
import dev.likes.rabbitmq.RabbitEventPublisher;
import dev.likes.rabbitmq.RabbitLikeConsumer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;

/**
 * Publish and consume rates of like events through {@link RabbitEventPublisher} and {@link RabbitLikeConsumer}, in
 * events/s, against a plain amqp-client loop with publisher confirms on the same broker, topology and message size in
 * the same run; then the design's burst through the whole pipeline on RabbitMQ next to the same burst on Kafka.
 */
final class RabbitBench implements Bench.Section {

    /** Messages sent and not yet confirmed at most, for the plain loop and ours alike. */
    private static final int WINDOW = 10_000;

    @Override
    public String id() {
        return "rabbitmq";
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        int events = env.mode().pick(20_000, 200_000, 500_000);
        int recordBytes = LikeEventCodec.encode(event(1)).length;
        LikeQueues rawQueues = LikeQueues.of("bench-raw-" + System.currentTimeMillis(), LikeQueues.DEFAULT_QUEUES);
        LikeQueues queues = LikeQueues.of("bench-" + System.currentTimeMillis(), LikeQueues.DEFAULT_QUEUES);
        double raw = plainLoop(env, rawQueues, events);

        long start = System.nanoTime();
        try (RabbitEventPublisher publisher = RabbitEventPublisher.builder(env.rabbitMqUri()).queues(queues).build()) {
            Semaphore window = new Semaphore(WINDOW);
            for (int i = 0; i < events; i++) {
                window.acquireUninterruptibly();
                publisher.publish(event(i)).whenComplete((ok, failure) -> {
                    window.release();
                    if (failure != null) {
                        System.err.println("publish failed: " + failure);
                    }
                });
            }
            window.acquireUninterruptibly(WINDOW);
        }
        double publishRate = events / ((System.nanoTime() - start) / 1e9);

        double consumeRate = Bench.consumeRate(consumed -> RabbitLikeConsumer.builder(env.rabbitMqUri(), batch -> {
                    consumed.add(batch.size());
                    return CompletableFuture.completedFuture(null);
                })
                .queues(queues)
                .maxBatch(5_000)
                .prefetch(2_000)
                .build(), events);
        deleteQueues(env, rawQueues);
        deleteQueues(env, queues);

        int users = env.mode().pick(5_000, 50_000, 200_000);
        BurstBench.Burst kafka = BurstBench.burst(env, users, 0, false);
        BurstBench.Burst rabbit = BurstBench.burst(env, users, 0, true);

        Bench.Report report = new Bench.Report(id(), "RabbitMQ: publish, consume, and the burst next to Kafka");
        report.method = String.format("%,d events of %d bytes (our JSON; random 63-bit user ids, 10,000 posts)"
                + " through %d quorum queues behind a consistent-hash exchange; persistent messages, publisher"
                + " confirms, at most %,d unconfirmed for both publishers; the consumer hands batches to a sink that does nothing. Then %,d users like one"
                + " post through LikePipeline as fast as acknowledged, on Kafka and on RabbitMQ, every server and the"
                + " load generator on this machine.", events, recordBytes, LikeQueues.DEFAULT_QUEUES, WINDOW, users);
        report.tables.add(Bench.Table.of("path", "messages or events/s", "vs plain amqp-client loop")
                .row("plain amqp-client loop, confirms (baseline)", raw, "1.00x")
                .row("**ours**: RabbitEventPublisher", publishRate, Bench.ratio(publishRate / raw))
                .row("**ours**: RabbitLikeConsumer (decode + hand to sink + ack)", consumeRate,
                        Bench.ratio(consumeRate / raw)));
        Bench.Table burst = Bench.Table.of("burst through the pipeline", "acknowledged/s", "like() p99 (us)",
                "all in MySQL (s)", "persisted/s", "exact");
        Map<String, BurstBench.Burst> bursts = new LinkedHashMap<>();
        bursts.put("on Kafka", kafka);
        bursts.put("on RabbitMQ", rabbit);
        bursts.forEach((queue, b) -> burst.row(queue, (b.users() + b.users() / 10) / b.ackSeconds(),
                b.latency().getValueAtPercentile(99), b.persistedSeconds(), b.users() / b.persistedSeconds(),
                b.exact() ? "yes" : "NO"));
        report.tables.add(burst);
        report.metric("plain_loop_per_s", raw).metric("publish_per_s", publishRate)
                .metric("consume_per_s", consumeRate).metric("record_bytes", recordBytes)
                .metric("burst_kafka_persisted_per_s", kafka.users() / kafka.persistedSeconds())
                .metric("burst_rabbitmq_persisted_per_s", rabbit.users() / rabbit.persistedSeconds())
                .metric("burst_exact", kafka.exact() && rabbit.exact());
        report.target("nothing lost or duplicated on RabbitMQ", "lost = 0, duplicated = 0",
                rabbit.exact() ? "exact" : "NOT EXACT", rabbit.exact(), "");
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    /**
     * The baseline: one channel in confirm mode, persistent messages of the same bytes to the same topology, at most
     * {@link #WINDOW} unconfirmed, as a user would write it with amqp-client alone.
     */
    private static double plainLoop(Bench.Env env, LikeQueues queues, int events) throws Exception {
        try (Connection connection = RabbitConnections.factory(env.rabbitMqUri(), f -> { }).newConnection("bench-raw")) {
            queues.declare(connection);
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            Semaphore window = new Semaphore(WINDOW);
            ConcurrentNavigableMap<Long, Boolean> unconfirmed = new ConcurrentSkipListMap<>();
            channel.addConfirmListener((tag, multiple) -> confirm(unconfirmed, window, tag, multiple),
                    (tag, multiple) -> {
                        System.err.println("nack " + tag);
                        confirm(unconfirmed, window, tag, multiple);
                    });
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .contentType("application/json").build();
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                LikeEvent event = event(i);
                window.acquireUninterruptibly();
                unconfirmed.put(channel.getNextPublishSeqNo(), Boolean.TRUE);
                channel.basicPublish(queues.exchange(), event.content().toString(), props, LikeEventCodec.encode(event));
            }
            window.acquireUninterruptibly(WINDOW);
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void confirm(ConcurrentNavigableMap<Long, Boolean> unconfirmed, Semaphore window, long tag,
            boolean multiple) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Boolean> done = unconfirmed.headMap(tag, true);
            int n = done.size();
            done.clear();
            window.release(n);
        } else if (unconfirmed.remove(tag) != null) {
            window.release();
        }
    }

    private static void deleteQueues(Bench.Env env, LikeQueues queues) throws Exception {
        try (Connection connection = RabbitConnections.factory(env.rabbitMqUri(), f -> { }).newConnection("bench-clean");
                Channel channel = connection.createChannel()) {
            for (String queue : queues.queueNames()) {
                channel.queueDelete(queue);
            }
            channel.queueDelete(queues.deadLetterQueue());
            channel.queueDelete(queues.consumersQueue());
            channel.exchangeDelete(queues.exchange());
            channel.exchangeDelete(queues.deadLetterExchange());
        }
    }

    /** Event {@code i} at the production shape: a random 63-bit user id, likes spread over 10,000 posts. */
    private static LikeEvent event(int i) {
        SplittableRandom random = new SplittableRandom(i);
        return new LikeEvent(
                "00000000-0000-4000-8000-" + (100_000_000_000L + i),
                null,
                1 + (random.nextLong() >>> 1),
                ContentRef.of("post", 1 + random.nextInt(10_000)),
                LikeAction.LIKE,
                Instant.ofEpochMilli(1_764_345_603_000L + i),
                1_764_345_603_000_000L + i,
                1 + i / 10_000);
    }
}
