package dev.likes.redis;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeTimeoutException;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis primary with one replica ({@code scripts/services.sh}'s {@code redis-primary} and {@code redis-replica},
 * without persistence, so only replication keeps a write): under load the replica falls behind (it is hung for a
 * second), the primary is killed, and the replica is promoted ({@code REPLICAOF NO ONE}) and read. With replica
 * acknowledgements ({@code WAIT}), every acknowledged like is on the promoted replica; without them, the likes
 * acknowledged while the replica lagged are lost. Each test starts from an empty, linked pair and leaves one.
 */
class RedisReplicaFailoverIT {

    private static final Instant AT = Instant.ofEpochSecond(1_764_345_603L);

    private final RedisURI primaryUri = RedisURI.create(TestServices.redisPrimaryUri());
    private final RedisURI replicaUri = RedisURI.create(TestServices.redisReplicaUri());

    @BeforeEach
    void emptyLinkedPair() {
        RedisClient client = RedisClient.create(primaryUri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushall();
        } finally {
            client.shutdown();
        }
        awaitReplicaLinked();
    }

    @AfterEach
    void restorePair() {
        // a killed primary comes back empty, and a promoted replica becomes its replica again
        TestServices.start(Server.REDIS_PRIMARY);
        TestServices.restart(Server.REDIS_REPLICA);
    }

    @Test
    void withReplicaAcknowledgementsEveryAcknowledgedLikeSurvivesTheFailover() throws Exception {
        Failover run = failover(true);
        System.out.printf("replica failover, WAIT 1: acknowledged=%d timed_out=%d lost=%d likes_per_s=%d"
                + " (4 threads, one call at a time each)%n", run.acknowledged, run.timedOut, run.lost,
                run.likesPerSecond);
        assertThat(run.acknowledged).as("likes acknowledged before the kill").isGreaterThan(1_000);
        assertThat(run.timedOut).as("likes the lagging replica did not confirm").isPositive();
        assertThat(run.lost).as("acknowledged likes the promoted replica lacks").isZero();
    }

    /** The comparison row: the same failover without {@code WAIT} loses what the primary acknowledged meanwhile. */
    @Test
    void withoutReplicaAcknowledgementsTheLikesAcknowledgedWhileTheReplicaLaggedAreLost() throws Exception {
        Failover run = failover(false);
        System.out.printf("replica failover, no WAIT: acknowledged=%d lost=%d likes_per_s=%d"
                + " (4 threads, one call at a time each)%n", run.acknowledged, run.lost, run.likesPerSecond);
        assertThat(run.acknowledged).isGreaterThan(1_000);
        assertThat(run.lost).as("likes acknowledged while the replica was stopped").isPositive();
    }

    @Test
    void aReplicaThatDoesNotConfirmEndsTheCallWithATimeoutAndARetryLearnsTheOutcome() throws Exception {
        ContentRef post = ContentRef.of("post", 5);
        try (RedisLikeStore store = RedisLikeStore.builder(primaryUri)
                .replicaAcknowledgements(1, Duration.ofMillis(300))
                .commandTimeout(Duration.ofSeconds(2))
                .build()) {
            assertThat(store.apply(like(7, post, "r1")).toCompletableFuture().join().status())
                    .isEqualTo(LikeResult.Status.APPLIED);
            TestServices.hang(Server.REDIS_REPLICA);
            LikeMutation held = like(8, post, "r2");
            try {
                assertThatThrownBy(() -> store.apply(held).toCompletableFuture().join())
                        .isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(LikeTimeoutException.class)
                        .hasMessageContaining("0 of the 1 replicas");
            } finally {
                TestServices.resume(Server.REDIS_REPLICA);
            }
            LikeResult retried = store.apply(like(8, post, "r2")).toCompletableFuture().join();
            assertThat(retried.status()).as("the primary had applied it").isEqualTo(LikeResult.Status.DUPLICATE_REQUEST);
            assertThat(retried.liked()).isTrue();
            assertThat(store.count(post).toCompletableFuture().join()).isEqualTo(2);
        }
    }

    @Test
    void theSettingsCheckAsksForTheReplicasAndTheBuilderForAStandaloneRedisAndAShortWait() throws Exception {
        try (RedisLikeStore store = RedisLikeStore.builder(primaryUri)
                .replicaAcknowledgements(1, Duration.ofMillis(300)).build()) {
            assertThat(store).as("one replica, no appendonly: replication keeps the writes").isNotNull();
        }
        assertThatThrownBy(() -> RedisLikeStore.builder(primaryUri)
                .replicaAcknowledgements(2, Duration.ofMillis(300)).build())
                .hasMessageContaining("1 connected replicas, fewer than the 2");
        assertThatThrownBy(() -> RedisLikeStore.builder(primaryUri).build())
                .as("without replica acknowledgements, the primary's own disk must keep the writes")
                .hasMessageContaining("appendonly no");
        assertThatThrownBy(() -> RedisLikeStore.builder(primaryUri)
                .replicaAcknowledgements(1, Duration.ofSeconds(1)).commandTimeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shorter than commandTimeout");
        RedisClusterClient cluster = RedisClusterClient.create(primaryUri);
        try {
            assertThatThrownBy(() -> RedisLikeStore.builder(cluster)
                    .replicaAcknowledgements(1, Duration.ofMillis(300)).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("standalone");
        } finally {
            cluster.shutdown();
        }
        assertThatThrownBy(() -> RedisLikeStore.builder(primaryUri).replicaAcknowledgements(0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicas");
    }

    private record Failover(int acknowledged, int timedOut, int lost, long likesPerSecond) {}

    /**
     * Four threads like (random 63-bit users over 200 posts, each call with a request ID); once 3,000 likes are
     * acknowledged the replica is hung ({@code SIGSTOP}) for a second while they go on, then the primary is
     * {@code SIGKILL}ed; the replica resumes, is promoted, and is asked for every acknowledged like.
     */
    /** Closes the primary's connections to its replicas ({@code CLIENT KILL TYPE replica}). */
    private void dropReplicaLinks() {
        RedisClient client = RedisClient.create(primaryUri);
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            admin.sync().dispatch(CommandType.CLIENT, new IntegerOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("KILL").add("TYPE").add("replica"));
        } finally {
            client.shutdown();
        }
    }

    private Failover failover(boolean waitForReplica) throws Exception {
        Map<ContentRef, Set<Long>> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger count = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        RedisLikeStore.Builder builder = RedisLikeStore.builder(primaryUri)
                .commandTimeout(Duration.ofSeconds(2))
                .settingsCheck(RedisLikeStore.SettingsCheck.SKIP);
        if (waitForReplica) {
            builder.replicaAcknowledgements(1, Duration.ofMillis(500));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        long rate;
        try (RedisLikeStore store = builder.build()) {
            long started = System.nanoTime();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                threads.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    int i = 0;
                    while (!stop.get()) {
                        long user = 1 + (random.nextLong() >>> 1) % (Long.MAX_VALUE - 1);
                        ContentRef post = ContentRef.of("post", 1 + random.nextInt(200));
                        LikeResult r;
                        try {
                            r = store.apply(like(user, post, "t" + seed + "-" + i++)).toCompletableFuture().join();
                        } catch (CompletionException e) {
                            if (e.getCause() instanceof LikeTimeoutException) {
                                timedOut.incrementAndGet(); // not acknowledged
                                continue;
                            }
                            return; // the primary is gone
                        }
                        if (r.status() == LikeResult.Status.APPLIED) {
                            acknowledged.computeIfAbsent(post, p -> ConcurrentHashMap.newKeySet()).add(user);
                            count.incrementAndGet();
                        }
                    }
                });
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> count.get() >= 3_000);
            rate = count.get() * 1_000_000_000L / (System.nanoTime() - started);
            TestServices.hang(Server.REDIS_REPLICA);
            try {
                // a stopped process' socket still takes in what the primary sends: the primary drops the link, so
                // that what it acknowledges from here on reaches the replica only if the replica confirmed it
                dropReplicaLinks();
                // likes go on while the replica lags: 200 more acknowledged (or 5 s, with WAIT, which holds them)
                int before = count.get();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (count.get() < before + 200 && System.nanoTime() < until) {
                    TimeUnit.MILLISECONDS.sleep(10);
                }
                TestServices.kill(Server.REDIS_PRIMARY); // SIGKILL while the likes go on and the replica lags
                stop.set(true);
                threads.shutdown();
                assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                TestServices.resume(Server.REDIS_REPLICA);
            }
        } finally {
            threads.shutdownNow();
        }
        RedisClient client = RedisClient.create(replicaUri);
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            admin.sync().replicaofNoOne();
        } finally {
            client.shutdown();
        }
        int lost = 0;
        try (RedisLikeStore promoted = RedisLikeStore.builder(replicaUri)
                .settingsCheck(RedisLikeStore.SettingsCheck.SKIP).build()) {
            for (Map.Entry<ContentRef, Set<Long>> e : acknowledged.entrySet()) {
                for (long user : e.getValue()) {
                    if (!promoted.hasLiked(user, e.getKey()).toCompletableFuture().join()) {
                        lost++;
                    }
                }
            }
        }
        return new Failover(count.get(), timedOut.get(), lost, rate);
    }

    private static LikeMutation like(long user, ContentRef content, String requestId) {
        return new LikeMutation(requestId + ":" + user, user, content, LikeAction.LIKE, requestId, AT);
    }

    private void awaitReplicaLinked() {
        RedisClient client = RedisClient.create(primaryUri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> c.sync().info("replication").lines()
                    .anyMatch(l -> l.startsWith("slave0:") && l.contains("state=online")));
        } finally {
            client.shutdown();
        }
    }
}
