package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.core.PageRequest;
import dev.likes.core.UserLike;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.jdbc.JdbiShard;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The pipeline over a MySQL shard with a real replica ({@code scripts/services.sh}'s {@code mariadb-primary} and
 * {@code mariadb-replica}): the consumer writes the primary, "my likes" is read on the replica, and a user's own
 * listing shows their likes once the consumer applied them, also while the replica lags.
 */
class ReplicaPipelineIT {

    @Test
    void aUsersOwnLikesAreListedOnceAppliedWhileTheReplicaLags() {
        JdbcEndpoint onPrimary = TestServices.freshDatabase(TestServices.jdbcPrimary());
        String database = onPrimary.url().substring(onPrimary.url().lastIndexOf('/') + 1);
        JdbcEndpoint onReplica = TestServices.jdbcReplica().withDatabase(database);
        Jdbi replica = Jdbi.create(onReplica.url() + "?connectTimeout=500&socketTimeout=1000", onReplica.user(),
                onReplica.password());
        long user = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        ContentRef first = ContentRef.of("post", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        ContentRef second = ContentRef.of("comment", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        try (Harness h = new Harness(onPrimary, true, false, TestServices.uniqueName("likes"))) {
            Awaitility.await("the schema on the replica").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> replica.withHandle(h2 -> h2.createQuery("SELECT COUNT(*) FROM like_erasures")
                            .mapTo(Long.class).one()) >= 0);
            List<JdbiShard> shards = List.of(JdbiShard.of(h.jdbi).withReplica(replica));
            try (LikePipeline pipeline = h.pipeline()
                            .mysqlShards(shards)
                            .configureMysql(m -> m.replicaRetryAfter(Duration.ofSeconds(1)))
                            .build();
                    JdbiLikeStore elsewhere = JdbiLikeStore.builder(shards).build()) {
                LikeService service = pipeline.service();
                service.like(user, first);
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> listed(service, user).contains(first));
                stopReplication();
                try {
                    service.like(user, second);
                    Awaitility.await("the user's own listing, with the replica stopped")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> listed(service, user).containsAll(List.of(first, second)));
                    assertThat(elsewhere.likesOf(user, null, null, 10).toCompletableFuture().join())
                            .as("read by a process that did not apply the event: the replica as it is")
                            .extracting(UserLike::content).containsExactly(first);
                } finally {
                    startReplication();
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> elsewhere
                        .likesOf(user, null, null, 10).toCompletableFuture().join().size() == 2);
            }
        }
    }

    private static List<ContentRef> listed(LikeService service, long user) {
        return service.likesOf(user, PageRequest.first(10)).items().stream().map(UserLike::content).toList();
    }

    private static void stopReplication() {
        JdbcEndpoint replica = TestServices.jdbcReplica();
        Jdbi.create(replica.url(), replica.user(), replica.password())
                .useHandle(h -> h.execute("STOP SLAVE SQL_THREAD"));
    }

    private static void startReplication() {
        JdbcEndpoint replica = TestServices.jdbcReplica();
        Jdbi.create(replica.url(), replica.user(), replica.password())
                .useHandle(h -> h.execute("START SLAVE SQL_THREAD"));
    }
}
