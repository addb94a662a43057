package dev.likes.examples.pipeline;

import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.pipeline.LikePipeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;

/**
 * The whole design on real servers in one run: likes go to Redis (with the outbox), Kafka carries their events, the
 * consumer writes them into MySQL; the demo then shows every tier agreeing, the reconciler's report and the meters.
 * Run it with {@code scripts/demo-pipeline.sh}, which starts the servers.
 */
public final class PipelineDemo {

    private PipelineDemo() {}

    /**
     * Runs the demo.
     *
     * @param args {@code [LIKES]}, default 20,000
     * @throws Exception if a server fails
     */
    public static void main(String[] args) throws Exception {
        int likes = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        String run = Long.toString(System.currentTimeMillis(), 36);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (HikariDataSource pool = Servers.database("like_demo");
                LikePipeline pipeline = Servers.pipeline(pool, "demo" + run)
                        .noRateLimit()
                        .meterRegistry(meters)
                        .build()) {
            LikeService service = pipeline.service();
            ContentRef post = ContentRef.of("post", Math.abs(run.hashCode()) + 1L);
            long start = System.nanoTime();
            List<CompletableFuture<LikeResult>> calls = new ArrayList<>();
            for (long user = 1; user <= likes; user++) {
                calls.add(service.async().like(user, post).toCompletableFuture());
                if (calls.size() == 1_000) {
                    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).join();
                    calls.clear();
                }
            }
            CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).join();
            double acked = (System.nanoTime() - start) / 1e6;
            System.out.printf("%,d likes of %s acknowledged by Redis in %.0f ms%n", likes, post, acked);
            System.out.printf("a repeated click: %s%n", service.like(1, post).status());
            System.out.printf("an unlike: %s, count now %,d%n", service.unlike(2, post).status(), service.count(post));
            long expected = likes - 1L;
            Jdbi jdbi = Jdbi.create(pool);
            long inMysql = 0;
            while (inMysql != expected && System.nanoTime() - start < 120_000_000_000L) {
                Thread.sleep(50);
                inMysql = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(like_count), 0) FROM like_counts"
                        + " WHERE content_type = ? AND content_id = ?").bind(0, post.type()).bind(1, post.id())
                        .mapTo(Long.class).one());
            }
            System.out.printf("MySQL like_counts = %,d after %.0f ms (Redis says %,d)%n", inMysql,
                    (System.nanoTime() - start) / 1e6, pipeline.redisStore().policy().cachedCount(post).toCompletableFuture().join()
                            .orElse(-1));
            System.out.println("reconciler: " + pipeline.reconciler().reconcile(List.of(post), false));
            meters.getMeters().stream()
                    .filter(m -> m.getId().getName().startsWith("likes."))
                    .sorted((a, b) -> a.getId().toString().compareTo(b.getId().toString()))
                    .forEach(m -> System.out.println("meter " + m.getId().getName() + m.getId().getTags() + " "
                            + m.measure()));
            System.out.println("verification: " + (inMysql == expected ? "OK" : "FAILED"));
        }
    }
}
