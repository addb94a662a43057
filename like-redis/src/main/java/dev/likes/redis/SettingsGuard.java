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
 * the append-only file first.
 */
final class SettingsGuard {

    private static final Logger log = LoggerFactory.getLogger(SettingsGuard.class);

    private SettingsGuard() {}

    /** What a node's settings break, empty if nothing. */
    static List<String> problems(String node, Map<String, String> config) {
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
        if (!"yes".equals(appendonly) || !"always".equals(fsync)) {
            problems.add(node + " has appendonly " + appendonly + " and appendfsync " + fsync
                    + ": a crash of Redis loses likes it acknowledged (set appendonly yes and appendfsync always)");
        }
        return problems;
    }

    static List<String> problems(String node, RedisServerCommands<String, String> commands) {
        try {
            return problems(node, commands.configGet("maxmemory", "maxmemory-policy", "appendonly", "appendfsync"));
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
                problems.addAll(problems(name, cluster.getConnection(node.getNodeId()).sync()));
            }
        }
        return problems;
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
