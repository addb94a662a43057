package dev.likes.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the like events topic and its dead-letter topic with the settings the library expects, if asked.
 *
 * <p>Recommended settings: enough partitions for the consumers you will run (events of one content always share a
 * partition, so partitions bound consumer parallelism, not a hot post's rate; default {@value #DEFAULT_PARTITIONS});
 * replication factor 3 with {@code min.insync.replicas=2} in production, so that {@code acks=all} survives a broker;
 * {@code cleanup.policy=delete} with a retention longer than the longest consumer outage you plan to survive (default
 * 7 days): events older than that are gone before a stopped consumer can apply them.
 */
public final class LikeTopics {

    /** Default partition count. */
    public static final int DEFAULT_PARTITIONS = 12;
    /** Default retention. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private LikeTopics() {}

    /**
     * Creates {@code topic} unless it exists.
     *
     * @param admin an admin client the caller owns
     * @param topic the topic name
     * @param partitions at least 1
     * @param replicationFactor at least 1; {@code min.insync.replicas} is set to {@code min(2, replicationFactor)}
     * @param retention how long events are kept
     * @return true if this call created the topic, false if it existed
     * @throws IllegalStateException if the broker refuses or does not answer within a minute
     */
    public static boolean createIfAbsent(
            Admin admin, String topic, int partitions, short replicationFactor, Duration retention) {
        TopicNames.check(topic);
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replicationFactor must be at least 1, but were "
                    + partitions + " and " + replicationFactor);
        }
        NewTopic newTopic = new NewTopic(topic, partitions, replicationFactor).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(Math.min(2, replicationFactor))));
        try {
            admin.createTopics(List.of(newTopic)).all().get(1, TimeUnit.MINUTES);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("could not create topic " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not create topic " + topic + " within a minute", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
    }
}
