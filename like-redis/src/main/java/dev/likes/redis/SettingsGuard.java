package dev.likes.redis;

import dev.likes.core.LikeStoreException;
import io.lettuce.core.api.sync.RedisServerCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, when a store is built, the Redis settings its promises rest on: an outbox entry or a request ID that Redis
 * evicts under memory pressure is lost, and so is what Redis acknowledged before a crash unless every write reaches
 * the append-only file first. Also reads the setting that sizes the status buckets.
 */
final class SettingsGuard {

    private static final Logger log = LoggerFactory.getLogger(SettingsGuard.class);

    private SettingsGuard() {}

    /**
     * What a node's settings break, empty if nothing.
     *
     * @param waitReplicas the replicas that must confirm each write (0: none, so the node's own disk must keep it)
     * @param connectedReplicas the replicas connected to the node now
     */
    static List<String> problems(String node, Map<String, String> config, int waitReplicas, int connectedReplicas) {
        List<String> problems = new ArrayList<>();
        String maxmemory = config.getOrDefault("maxmemory", "0");
        String policy = config.getOrDefault("maxmemory-policy", "?");
        if (!"0".equals(maxmemory) && !"noeviction".equals(policy)) {
            problems.add(node + " has maxmemory " + maxmemory + " with maxmemory-policy " + policy
                    + ": under memory pressure Redis evicts outbox entries and request IDs (set maxmemory-policy"
                    + " noeviction)");
        }
        String appendonly = config.getOrDefault("appendonly", "?");
        String fsync = config.getOrDefault("appendfsync", "?");
        if (waitReplicas > 0) {
            if (connectedReplicas < waitReplicas) {
                problems.add(node + " has " + connectedReplicas + " connected replicas, fewer than the " + waitReplicas
                        + " that replicaAcknowledgements requires: every like would end in a timeout");
            }
        } else if (!"yes".equals(appendonly) || !"always".equals(fsync)) {
            problems.add(node + " has appendonly " + appendonly + " and appendfsync " + fsync
                    + ": a crash of Redis loses likes it acknowledged (set appendonly yes and appendfsync always, or"
                    + " require replica acknowledgements)");
        }
        return problems;
    }

    static List<String> problems(String node, RedisServerCommands<String, String> commands, int waitReplicas) {
        try {
            Map<String, String> config = commands.configGet("maxmemory", "maxmemory-policy", "appendonly", "appendfsync");
            int connected = waitReplicas == 0 ? 0 : connectedReplicas(commands.info("replication"));
            return problems(node, config, waitReplicas, connected);
        } catch (RuntimeException e) {
            return List.of(node + " did not answer CONFIG GET (" + e.getMessage() + "), so its eviction policy and"
                    + " persistence are unknown");
        }
    }

    static List<String> problems(StatefulRedisClusterConnection<String, String> cluster) {
        List<String> problems = new ArrayList<>();
        for (RedisClusterNode node : cluster.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                String name = node.getUri().getHost() + ':' + node.getUri().getPort();
                problems.addAll(problems(name, cluster.getConnection(node.getNodeId()).sync(), 0));
            }
        }
        return problems;
    }

    /**
     * A node's {@code hash-max-listpack-entries}, which sizes the status buckets ({@link Keys#bucketLoad(int)}), or
     * {@link Keys#DEFAULT_LISTPACK_ENTRIES} when the node does not answer {@code CONFIG GET}.
     */
    static int listpackEntries(RedisServerCommands<String, String> commands) {
        try {
            String value = commands.configGet("hash-max-listpack-entries").get("hash-max-listpack-entries");
            return value == null
                    ? Buckets.DEFAULT_LISTPACK_ENTRIES
                    : (int) Math.min(Integer.MAX_VALUE, Long.parseLong(value));
        } catch (RuntimeException e) {
            log.debug("CONFIG GET hash-max-listpack-entries failed ({}), assuming {}", e.getMessage(),
                    Buckets.DEFAULT_LISTPACK_ENTRIES);
            return Buckets.DEFAULT_LISTPACK_ENTRIES;
        }
    }

    /** The smallest {@code hash-max-listpack-entries} of a cluster's upstream nodes. */
    static int listpackEntries(StatefulRedisClusterConnection<String, String> cluster) {
        int least = Integer.MAX_VALUE;
        for (RedisClusterNode node : cluster.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                least = Math.min(least, listpackEntries(cluster.getConnection(node.getNodeId()).sync()));
            }
        }
        return least == Integer.MAX_VALUE ? Buckets.DEFAULT_LISTPACK_ENTRIES : least;
    }

    /** The {@code connected_slaves} of an {@code INFO replication} answer. */
    static int connectedReplicas(String info) {
        return info.lines().filter(l -> l.startsWith("connected_slaves:")).findFirst()
                .map(l -> Integer.parseInt(l.substring("connected_slaves:".length()).trim())).orElse(0);
    }

    /** Acts on what was found: refuses with every problem named, or logs them, or does nothing. */
    static void enforce(RedisLikeStore.SettingsCheck check, List<String> problems) {
        if (problems.isEmpty() || check == RedisLikeStore.SettingsCheck.SKIP) {
            return;
        }
        String all = String.join("; ", problems);
        if (check == RedisLikeStore.SettingsCheck.REFUSE) {
            throw new LikeStoreException("Redis is not set up to keep what the store acknowledges: " + all
                    + ". Fix the settings, or build with settingsCheck(SettingsCheck.WARN) to run anyway.", null);
        }
        log.warn("Redis is not set up to keep what the store acknowledges: {}", all);
    }
}
