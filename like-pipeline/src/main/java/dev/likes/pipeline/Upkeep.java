package dev.likes.pipeline;

import dev.likes.redis.RedisLikeStore;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's background work, on one daemon thread of its own: the replay of degraded changes every repair
 * interval, a sample of the outbox backlog every 5 s, the purge of expired request IDs hourly, and the consumer's
 * supervision every 5 s. A failed round is logged at DEBUG and tried again the next period. Thread-safe.
 */
final class Upkeep implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Upkeep.class);

    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "like-pipeline-repair");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong outboxBacklog = new AtomicLong();

    /** The outbox backlog as last sampled (a gauge reads it; this object keeps it reachable). */
    AtomicLong outboxBacklog() {
        return outboxBacklog;
    }

    /** Schedules the work. */
    void start(ResilientLikeStore resilient, RedisLikeStore redis, Duration repairInterval, Callable<Long> purge,
            @Nullable ConsumerSupervisor consumers) {
        long repairMillis = repairInterval.toMillis();
        background.scheduleWithFixedDelay(() -> quietly("replay of degraded changes", resilient::repairAll),
                repairMillis, repairMillis, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(() -> quietly("outbox backlog sample", () -> outboxBacklog.set(
                        redis.policy().outboxBacklog().toCompletableFuture().get(10, TimeUnit.SECONDS))),
                0, 5, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(() -> quietly("purge of expired request IDs", () -> {
            long purged = purge.call();
            log.debug("purged {} expired request IDs from like_requests", purged);
        }), 1, 60, TimeUnit.MINUTES);
        if (consumers != null) {
            background.scheduleWithFixedDelay(consumers::check, 5, 5, TimeUnit.SECONDS);
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private static void quietly(String what, Work work) {
        try {
            work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("{} failed, next try in the next period: {}", what, e.toString());
        }
    }

    /** Stops the work and waits up to 10 s for a round in progress. */
    @Override
    public void close() {
        background.shutdownNow();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
