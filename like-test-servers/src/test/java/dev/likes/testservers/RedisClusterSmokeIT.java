package dev.likes.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 3-master cluster is whole, and one Lua script can use two keys that share a hash tag. */
class RedisClusterSmokeIT {

    private static RedisClusterClient client;
    private static StatefulRedisClusterConnection<String, String> connection;

    @BeforeAll
    static void connect() {
        client = RedisClusterClient.create(TestServices.redisClusterUris().stream()
                .map(RedisURI::create)
                .collect(Collectors.toList()));
        connection = client.connect();
    }

    @AfterAll
    static void close() {
        connection.close();
        client.shutdown();
    }

    @Test
    void hasThreeMastersCoveringEverySlot() {
        assertThat(connection.getPartitions())
                .filteredOn(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM))
                .hasSize(3);
        assertThat(connection.sync().clusterInfo()).contains("cluster_state:ok", "cluster_slots_assigned:16384");
    }

    @Test
    void runsALuaScriptOverTwoHashTaggedKeys() {
        RedisAdvancedClusterCommands<String, String> redis = connection.sync();
        String prefix = TestServices.uniqueName("smoke");
        String[] keys = {prefix + ":status:{post:7}", prefix + ":count:{post:7}"};
        assertThat(SlotHash.getSlot(keys[0])).isEqualTo(SlotHash.getSlot(keys[1]));

        Long first = redis.eval(RedisSmokeIT.LIKE_SCRIPT, ScriptOutputType.INTEGER, keys, "42", "1700000000");
        Long again = redis.eval(RedisSmokeIT.LIKE_SCRIPT, ScriptOutputType.INTEGER, keys, "42", "1700000001");

        assertThat(first).isEqualTo(1);
        assertThat(again).isEqualTo(-1);
        assertThat(redis.get(keys[1])).isEqualTo("1");
        redis.del(keys[0]);
        redis.del(keys[1]);
    }
}
