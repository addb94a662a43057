package dev.likes.redis;

import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.util.stream.Collectors;

/**
 * One Lettuce client per JVM for the tests, shut down when the JVM exits: the contract kit's JUnit tests and its jqwik
 * property run in different engines, so a client closed in {@code @AfterAll} would be gone before the property runs.
 */
final class SharedClients {

    private static RedisClient redis;
    private static RedisClusterClient cluster;

    private SharedClients() {}

    static synchronized RedisClient redis() {
        if (redis == null) {
            RedisClient client = RedisClient.create(TestServices.redisUri());
            Runtime.getRuntime().addShutdownHook(new Thread(client::shutdown));
            redis = client;
        }
        return redis;
    }

    static synchronized RedisClusterClient cluster() {
        if (cluster == null) {
            RedisClusterClient client = RedisClusterClient.create(TestServices.redisClusterUris().stream()
                    .map(RedisURI::create)
                    .collect(Collectors.toList()));
            Runtime.getRuntime().addShutdownHook(new Thread(client::shutdown));
            cluster = client;
        }
        return cluster;
    }
}
