package dev.likes.pipeline;

import dev.likes.core.EventPublisher;
import dev.likes.core.JobLeases;
import dev.likes.core.LikeEventSink;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStore;
import dev.likes.jdbc.DegradedJournal;
import dev.likes.jdbc.JdbiJobLeases;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.jdbc.JdbiShard;
import dev.likes.redis.RedisLikeStore;
import dev.likes.redis.RedisRateLimiter;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a {@link LikePipeline}, made and wired from its builder's settings: the stores, the queue's publisher
 * and consumer, the breakers and the service in front of them. Each part that needs closing is pushed on
 * {@code opened} as it is made; {@link #close()} closes them in reverse, and {@link #open} closes what was made when a
 * later part fails. Thread-safe once open.
 */
final class Wiring implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    private final Deque<AutoCloseable> opened;
    final JdbiLikeStore mysql;
    final EventPublisher publisher;
    final RedisLikeStore redis;
    final ResilientLikeStore resilient;
    final CircuitBreaker breaker;
    final CircuitBreaker mysqlBreaker;
    final LikeService service;
    final @Nullable ConsumerSupervisor consumers;
    final LikeReconciler reconciler;
    final RequestPurge purge;
    final Upkeep upkeep;
    final UserEraser eraser;

    /**
     * Makes the parts, then starts the upkeep and the consumer.
     *
     * @throws RuntimeException what a part failed with, after the parts made so far are closed
     */
    static Wiring open(LikePipeline.Builder b) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            Wiring w = new Wiring(b, opened);
            w.upkeep.start(w.resilient, w.redis, b.repairInterval, w.purge::run, w.consumers);
            if (w.consumers != null) {
                w.consumers.start();
            }
            return w;
        } catch (RuntimeException e) {
            try {
                closeAll(opened);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private Wiring(LikePipeline.Builder b, Deque<AutoCloseable> opened) {
        this.opened = opened;
        // build() checked these
        List<JdbiShard> shards = Objects.requireNonNull(b.shards);
        EventQueue queue = b.eventQueue();
        Preflight.schema(shards);
        queue.prepare();
        JdbiLikeStore.Builder mb = JdbiLikeStore.builder(shards);
        b.mysqlCustomizer.accept(mb);
        this.mysql = open(opened, mb.build());
        this.publisher = open(opened, queue.openPublisher());
        RedisLikeStore.Builder rb;
        if (b.redisCluster != null) {
            rb = RedisLikeStore.builder(b.redisCluster);
        } else if (b.redisClient != null) {
            rb = RedisLikeStore.builder(b.redisClient, Objects.requireNonNull(b.redisUri));
        } else {
            rb = RedisLikeStore.builder(Objects.requireNonNull(b.redisUri));
        }
        this.mysqlBreaker = Breakers.mysql();
        Duration slowLoad = b.callTimeout.dividedBy(2).compareTo(Duration.ofSeconds(1)) < 0
                ? b.callTimeout.dividedBy(2) : Duration.ofSeconds(1);
        BackingStoreBreaker mysqlGuard = new BackingStoreBreaker(mysql, mysqlBreaker, slowLoad);
        // a like whose load cannot start within that time is refused (OVERLOADED, nothing written) before the call
        // times out with an unknown outcome
        rb.backingStore(mysqlGuard).outbox(publisher)
                .localCountCache(Duration.ofSeconds(1), 100_000)
                .loadQueueTimeout(slowLoad.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : slowLoad);
        if (b.meterRegistry != null) {
            rb.meterRegistry(b.meterRegistry);
        }
        b.redisCustomizer.accept(rb);
        this.redis = open(opened, rb.build());
        this.breaker = Breakers.redis(b.breakerConfig, b.breakerRegistry, opened);
        Bulkhead bulkhead = Bulkhead.of("like-mutations", BulkheadConfig.custom()
                .maxConcurrentCalls(b.maxInFlight)
                .maxWaitDuration(Duration.ZERO)
                .build());
        PipelineMetrics metrics = b.meterRegistry == null ? PipelineMetrics.NONE : new MicrometerMetrics(b.meterRegistry);
        if (metrics instanceof MicrometerMetrics m) {
            opened.push(m::removeAll);
        }
        this.resilient = new ResilientLikeStore(redis, HotTier.of(redis), mysql, mysql::requestSeen,
                Journal.of(DegradedJournal.of(mysql)), mysqlGuard, publisher, breaker, b.clock, b.maxDegraded, metrics);
        AdmittingLikeStore admitted = new AdmittingLikeStore(resilient, bulkhead, b.ratePerSecond > 0
                ? resilient.rateLimit(RedisRateLimiter.on(redis, b.ratePerSecond, b.rateBurst)) : null, metrics);
        opened.push(resilient::releaseJournal);
        Duration drainTimeout = b.callTimeout;
        opened.push(() -> {
            resilient.closing();
            if (!admitted.drain(drainTimeout)) {
                log.warn("closing the like pipeline with likes still in flight after {} ms: their outcome is unknown",
                        drainTimeout.toMillis());
            }
        });
        LikeStore front = b.observationRegistry == null ? admitted
                : new ObservedLikeStore(admitted, b.observationRegistry);
        this.service = open(opened, LikeService.builder(front).clock(b.clock).callTimeout(b.callTimeout).build());
        List<Jdbi> primaries = new ArrayList<>();
        shards.forEach(s -> primaries.add(s.primary()));
        JobLeases jobLeases = JdbiJobLeases.create(primaries.get(0));
        this.purge = new RequestPurge(jobLeases, mysql, b.clock);
        this.reconciler = new LikeReconciler(redis, primaries, LikeReconciler.DEFAULT_DEEP_LIMIT, jobLeases);
        if (b.runConsumer) {
            LikeEventSink sink = b.observationRegistry == null ? mysql
                    : new ObservedEventSink(mysql, b.observationRegistry);
            this.consumers = open(opened, new ConsumerSupervisor(() -> queue.newConsumer(sink)));
        } else {
            this.consumers = null;
        }
        this.upkeep = open(opened, new Upkeep());
        if (metrics instanceof MicrometerMetrics m) {
            m.bindStore(resilient, breaker, mysqlBreaker, upkeep.outboxBacklog());
            if (consumers != null) {
                m.bindConsumer(consumers);
            }
        }
        this.eraser = new UserEraser(redis, mysql, publisher, breaker, queue, b.archiveSink, b.clock);
    }

    /** Closes the parts, newest first; see {@link LikePipeline#close()}. */
    @Override
    public void close() {
        closeAll(opened);
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        RuntimeException failure = null;
        AutoCloseable next;
        while ((next = opened.poll()) != null) {
            try {
                next.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure == null) {
                    failure = new IllegalStateException("could not close the like pipeline cleanly", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static <T extends AutoCloseable> T open(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }
}
