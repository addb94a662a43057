package dev.likes.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The single Redis answers PING and runs a like-shaped Lua script atomically. */
class RedisSmokeIT {

    static final String LIKE_SCRIPT = "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then"
            + " return redis.call('INCR', KEYS[2]) else return -1 end";

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(TestServices.redisUri());
        connection = client.connect();
    }

    @AfterAll
    static void close() {
        connection.close();
        client.shutdown();
    }

    @Test
    void answersPing() {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
    }

    @Test
    void runsALuaScriptByItsSha() {
        RedisCommands<String, String> redis = connection.sync();
        String prefix = TestServices.uniqueName("smoke");
        String[] keys = {prefix + ":status:{post:1}", prefix + ":count:{post:1}"};
        String sha = redis.scriptLoad(LIKE_SCRIPT);

        Long first = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, "42", "1700000000");
        Long again = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, "42", "1700000001");
        Long other = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, "43", "1700000002");

        assertThat(first).isEqualTo(1);
        assertThat(again).isEqualTo(-1);
        assertThat(other).isEqualTo(2);
        assertThat(redis.hget(keys[0], "42")).isEqualTo("1700000000");
        redis.del(keys);
    }
}
