package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeService;
import dev.likes.core.PageRequest;
import dev.likes.core.UserLike;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A shard with a real replica: a MariaDB replica fed by the primary's binlog ({@code scripts/services.sh}'s
 * {@code mariadb-primary} and {@code mariadb-replica}). The replica is made to lag by stopping its applier thread (it
 * keeps receiving the binlog), and is killed and hung.
 */
class JdbiReplicationIT {

    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void aWriterReadsTheirOwnWritesWhileTheReplicaLagsAndOthersReadTheReplicaAsItIs() {
        Topology.Replicated db = Topology.replicated();
        long writer = randomUser();
        ContentRef post = ContentRef.of("post", randomId());
        ContentRef comment = ContentRef.of("comment", randomId());
        try (JdbiLikeStore store = replicated(db);
                JdbiLikeStore elsewhere = replicated(db);
                LikeService service = LikeService.builder(store).build();
                LikeService otherProcess = LikeService.builder(elsewhere).build()) {
            service.like(writer, comment);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> otherProcess.hasLiked(writer, comment));
            Topology.pauseReplication();
            try {
                service.like(writer, post);
                assertThat(service.hasLiked(writer, post)).as("the writer's own read").isTrue();
                assertThat(service.likedAmong(writer, List.of(post, comment))).containsExactlyInAnyOrder(post, comment);
                assertThat(service.feed(writer, List.of(post)).liked()).containsExactly(post);
                assertThat(service.likesOf(writer, PageRequest.first(10)).items()).extracting(UserLike::content)
                        .containsExactlyInAnyOrder(post, comment);
                assertThat(service.count(post)).as("counts come from the replica and lag").isZero();
                assertThat(otherProcess.hasLiked(writer, post))
                        .as("a store that did not make the write reads the replica as it is").isFalse();
                service.unlike(writer, comment);
                assertThat(service.hasLiked(writer, comment)).as("an unlike does not come back either").isFalse();
                assertThat(otherProcess.hasLiked(writer, comment)).isTrue();
                assertThat(store.work().replicaReads().primaryReadsForWriters()).isPositive();
            } finally {
                Topology.resumeReplication();
            }
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> otherProcess.hasLiked(writer, post) && otherProcess.count(post) == 1);
            assertThat(service.hasLiked(writer, post)).isTrue();
            long onPrimary = store.work().replicaReads().primaryReadsForWriters();
            assertThat(service.hasLiked(writer, post)).isTrue();
            assertThat(service.hasLiked(writer, comment)).isFalse();
            assertThat(store.work().replicaReads().primaryReadsForWriters())
                    .as("once the replica holds the writes, the writer reads it again").isEqualTo(onPrimary);
        }
    }

    @Test
    void asASinkItKeepsTheWritersOfABatchReadingTheirWrites() {
        Topology.Replicated db = Topology.replicated();
        long first = randomUser();
        long second = randomUser();
        ContentRef post = ContentRef.of("post", randomId());
        try (JdbiLikeStore store = replicated(db); JdbiLikeStore elsewhere = replicated(db)) {
            Topology.pauseReplication();
            try {
                store.apply(List.of(
                        new LikeEvent("e1", null, first, post, LikeAction.LIKE, AT, 1, 1),
                        new LikeEvent("e2", "r2", second, post, LikeAction.LIKE, AT, 2, 2),
                        new LikeEvent("e3", null, first, post, LikeAction.UNLIKE, AT.plusSeconds(1), 3, 1)))
                        .toCompletableFuture().join();
                assertThat(store.hasLiked(first, post).toCompletableFuture().join()).isFalse();
                assertThat(store.hasLiked(second, post).toCompletableFuture().join()).isTrue();
                assertThat(elsewhere.hasLiked(second, post).toCompletableFuture().join()).isFalse();
            } finally {
                Topology.resumeReplication();
            }
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> elsewhere.hasLiked(second, post).toCompletableFuture().join());
        }
    }

    @Test
    void aKilledOrHungReplicaSendsTheReadsToThePrimaryUntilItAnswersAgain() {
        Topology.Replicated db = Topology.replicated();
        long user = randomUser();
        ContentRef post = ContentRef.of("post", randomId());
        try (JdbiLikeStore store = JdbiLikeStore.builder(List.of(JdbiShard.of(db.primary()).withReplica(db.replica())))
                        .replicaRetryAfter(Duration.ofMillis(500)).build();
                LikeService service = LikeService.builder(store).build()) {
            service.like(user, post);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> service.count(post) == 1);

            TestServices.kill(Server.MARIADB_REPLICA);
            try {
                for (int i = 0; i < 20; i++) {
                    assertThat(service.count(post)).as("read %d with the replica killed", i).isEqualTo(1);
                }
                assertThat(store.work().replicaReads().primaryReadsForOutages()).isGreaterThanOrEqualTo(20);
            } finally {
                TestServices.start(Server.MARIADB_REPLICA);
            }
            service.like(randomUser(), post); // written while the replica was down: it catches up from the binlog
            awaitReadsOnTheReplica(store, service, post, 2);

            TestServices.hang(Server.MARIADB_REPLICA);
            try {
                long before = store.work().replicaReads().primaryReadsForOutages();
                for (int i = 0; i < 10; i++) {
                    assertThat(service.count(post)).as("read %d with the replica hung", i).isEqualTo(2);
                }
                assertThat(store.work().replicaReads().primaryReadsForOutages() - before).isGreaterThanOrEqualTo(10);
            } finally {
                TestServices.resume(Server.MARIADB_REPLICA);
            }
            awaitReadsOnTheReplica(store, service, post, 2);
        }
    }

    /** Until a read of the count goes to the replica again and sees {@code expected}. */
    private static void awaitReadsOnTheReplica(JdbiLikeStore store, LikeService service, ContentRef post,
            long expected) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long before = store.work().replicaReads().primaryReadsForOutages();
            return service.count(post) == expected && store.work().replicaReads().primaryReadsForOutages() == before;
        });
    }

    private static JdbiLikeStore replicated(Topology.Replicated db) {
        return JdbiLikeStore.builder(List.of(JdbiShard.of(db.primary()).withReplica(db.replica()))).build();
    }

    private static long randomUser() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private static long randomId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
