package dev.likes.bench;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.kafka.KafkaEventPublisher;
import dev.likes.kafka.KafkaLikeConsumer;
import dev.likes.events.LikeEventCodec;
import dev.likes.kafka.LikeTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Publish and consume rates of like events through {@link KafkaEventPublisher} and {@link KafkaLikeConsumer}, in
 * events/s, against Kafka's own {@code ProducerPerformance} on the same broker in the same run, with the same record
 * size and producer settings.
 */
final class KafkaBench implements Bench.Section {

    @Override
    public String id() {
        return "kafka";
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        String bootstrap = env.kafka();
        int events = env.mode().pick(20_000, 300_000, 1_000_000);
        String topic = "bench-" + System.currentTimeMillis();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            LikeTopics.createIfAbsent(admin, topic, 4, (short) 1, Duration.ofHours(1));
        }
        int recordBytes = LikeEventCodec.encode(event(1)).length;
        String perfTopic = "perf-" + System.currentTimeMillis();
        double raw = producerPerformance(env, perfTopic, events, recordBytes);

        long start = System.nanoTime();
        try (KafkaEventPublisher publisher = KafkaEventPublisher.builder(bootstrap).topic(topic).build()) {
            Semaphore window = new Semaphore(50_000);
            for (int i = 0; i < events; i++) {
                window.acquireUninterruptibly();
                publisher.publish(event(i)).whenComplete((ok, failure) -> {
                    window.release();
                    if (failure != null) {
                        System.err.println("publish failed: " + failure);
                    }
                });
            }
            window.acquireUninterruptibly(50_000);
        }
        double publishRate = events / ((System.nanoTime() - start) / 1e9);

        double consumeRate = Bench.consumeRate(consumed -> KafkaLikeConsumer.builder(bootstrap, "bench-" + topic, batch -> {
                    consumed.add(batch.size());
                    return CompletableFuture.completedFuture(null);
                })
                .topic(topic)
                .maxBatch(5_000)
                .build(), events);
        Bench.Report report = new Bench.Report(id(), "Kafka: publish and consume");
        report.method = String.format("%,d events of %d bytes (our JSON); acks=all, idempotent, lz4, linger 5 ms,"
                + " 64 KiB batches for both producers; the consumer hands batches to a sink that does nothing.",
                events, recordBytes);
        report.tables.add(Bench.Table.of("path", "records or events/s", "vs ProducerPerformance")
                .row("Kafka's ProducerPerformance (baseline)", raw, "1.00x")
                .row("**ours**: KafkaEventPublisher", publishRate, Bench.ratio(publishRate / raw))
                .row("**ours**: KafkaLikeConsumer (decode + hand to sink + commit)", consumeRate,
                        Bench.ratio(consumeRate / raw)));
        report.metric("producer_performance_per_s", raw).metric("publish_per_s", publishRate)
                .metric("consume_per_s", consumeRate).metric("record_bytes", recordBytes);
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    /** Kafka's own producer benchmark, run from the broker's jars; returns its records/s. */
    private static double producerPerformance(Bench.Env env, String topic, int events, int size) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", env.kafkaLib() + "/*", "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Integer.toString(events),
                "--record-size", Integer.toString(size), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + env.kafka(), "acks=all", "enable.idempotence=true", "linger.ms=5",
                "batch.size=65536", "compression.type=lz4")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("ProducerPerformance failed: " + out);
        }
        String[] lines = out.strip().split("\n");
        Matcher m = Pattern.compile("([0-9.]+) records/sec").matcher(lines[lines.length - 1]);
        if (!m.find()) {
            throw new IllegalStateException("no records/sec in ProducerPerformance's output: " + out);
        }
        return Double.parseDouble(m.group(1));
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
