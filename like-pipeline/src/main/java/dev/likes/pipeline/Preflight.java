package dev.likes.pipeline;

import dev.likes.jdbc.JdbiShard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link LikePipeline.Builder#build()} checks before it starts anything: the tables on every shard and the
 * topic, so that a pipeline missing either fails at once with a message that says what to do, instead of answering
 * calls whose events can never be stored.
 */
final class Preflight {

    private static final Logger log = LoggerFactory.getLogger(Preflight.class);
    private static final List<String> TABLES = List.of("like_records", "like_counts", "like_requests", "like_records_archive",
            "like_degraded", "like_erasures");

    private Preflight() {}

    /** Fails naming every table or column a shard lacks. */
    static void schema(List<JdbiShard> shards) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            int shard = i;
            List<String> tables = shards.get(i).primary().withHandle(h -> h.createQuery(
                            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
                                    + " AND table_name IN (<tables>)")
                    .bindList("tables", TABLES)
                    .mapTo(String.class)
                    .list());
            List<String> missing = new ArrayList<>();
            for (String table : TABLES) {
                if (tables.stream().noneMatch(table::equalsIgnoreCase)) {
                    missing.add(table);
                }
            }
            if (!missing.isEmpty()) {
                problems.add("shard " + shard + " lacks the tables " + missing);
            } else if (shards.get(i).primary().withHandle(h -> h.createQuery(
                            "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()"
                                    + " AND table_name = 'like_records' AND column_name = 'version'")
                    .mapTo(Long.class)
                    .one()) == 0) {
                problems.add("shard " + shard + " has the design's like_records without the library's columns");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the database is not ready for the pipeline: " + String.join("; ", problems)
                    + ". Run the migrations under classpath:dev/likes/jdbc/migration (Flyway, or its changelog.xml with"
                    + " Liquibase), or JdbiLikeStore.createSchema(jdbi) in development.");
        }
    }

    /**
     * Fails if the broker says the topic does not exist; a broker that does not answer in time is only logged (the
     * pipeline then starts, and its outbox holds the events until the broker is back).
     */
    static void topic(Admin admin, String topic, String deadLetterTopic) {
        for (String name : List.of(topic, deadLetterTopic)) {
            try {
                admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    log.warn("could not check that topic {} exists: {}", name, String.valueOf(e.getCause()));
                } else if (name.equals(topic)) {
                    throw new IllegalStateException("topic " + topic + " does not exist: create it with your platform's"
                            + " tooling or LikeTopics.createIfAbsent, or call createTopic(partitions, replicationFactor)");
                } else {
                    log.warn("dead-letter topic {} does not exist: poison events cannot be set aside until it does"
                            + " (LikeTopics.createIfAbsent, or createTopic(...) creates both)", name);
                }
            } catch (TimeoutException e) {
                log.warn("could not check that topic {} exists: the broker did not answer in 10 s", name);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking topic " + name, e);
            }
        }
    }

    static Map<String, Object> adminConfig(String bootstrap, Map<String, Object> shared, Map<String, Object> admin) {
        Map<String, Object> config = new HashMap<>(shared);
        config.putAll(admin);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return config;
    }
}
