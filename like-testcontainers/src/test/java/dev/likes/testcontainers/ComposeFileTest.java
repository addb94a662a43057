package dev.likes.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.yaml.snakeyaml.Yaml;

/**
 * The three descriptions of the stack agree: {@code docker-compose.yml}, {@code scripts/services.sh} (what the tests
 * run on here) and {@link LikeContainers}: images, ports, Redis' durability and eviction settings, the database, its
 * user and character set, Kafka's partitions and topics. Reads the files; needs no Docker.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    private static Map<String, Map<String, Object>> services;
    private static String script;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
        script = Files.readString(ROOT.resolve("scripts/services.sh"));
    }

    @Test
    void imagesAreThoseOfLikeContainers() {
        assertThat(image("redis")).isEqualTo(LikeContainers.REDIS_IMAGE);
        assertThat(image("redis-cluster")).isEqualTo(LikeContainers.REDIS_IMAGE);
        assertThat(image("mysql")).isEqualTo(LikeContainers.MYSQL_IMAGE);
        assertThat(image("kafka")).isEqualTo(LikeContainers.KAFKA_IMAGE);
        assertThat(image("rabbitmq")).isEqualTo(LikeContainers.RABBITMQ_IMAGE);
        assertThat(image("kafka-topics")).isEqualTo(LikeContainers.KAFKA_IMAGE);
    }

    @Test
    void everyServerListensOnLoopbackOnTheScriptsPorts() {
        assertThat(ports("redis")).containsExactly("127.0.0.1:" + scriptDefault("REDIS_PORT") + ":6379");
        int cluster = Integer.parseInt(scriptDefault("CLUSTER_PORT"));
        assertThat(ports("redis-cluster")).containsExactly("127.0.0.1:" + cluster + ":" + cluster,
                "127.0.0.1:" + (cluster + 1) + ":" + (cluster + 1), "127.0.0.1:" + (cluster + 2) + ":" + (cluster + 2));
        assertThat(ports("mysql")).containsExactly("127.0.0.1:" + scriptDefault("MARIADB_PORT") + ":3306");
        String rabbit = scriptDefault("RABBITMQ_PORT");
        assertThat(ports("rabbitmq")).containsExactly("127.0.0.1:" + rabbit + ":5672");
        String kafka = scriptDefault("KAFKA_PORT");
        assertThat(ports("kafka")).containsExactly("127.0.0.1:" + kafka + ":" + kafka);
        assertThat(env("kafka").get("KAFKA_ADVERTISED_LISTENERS")).contains("HOST://127.0.0.1:" + kafka);
    }

    @Test
    void redisIsDurableAndRefusesWritesWhenFullEverywhere() {
        List<String> redis = new ArrayList<>(List.of("redis-server"));
        redis.addAll(LikeContainers.REDIS_ARGS);
        assertThat(command("redis")).isEqualTo(redis);
        GenericContainer<?> container = LikeContainers.redis(); // made, never started: no Docker needed
        assertThat(container.getCommandParts()).containsExactlyElementsOf(redis);
        String standalone = scriptFunction("start_redis");
        String cluster = scriptFunction("start_cluster");
        String composeCluster = String.join(" ", command("redis-cluster"));
        for (int i = 0; i < LikeContainers.REDIS_ARGS.size(); i += 2) {
            String setting = LikeContainers.REDIS_ARGS.get(i) + " " + LikeContainers.REDIS_ARGS.get(i + 1);
            assertThat(standalone).as("scripts/services.sh start_redis").contains(setting);
            if (!setting.startsWith("--lazyfree")) {
                assertThat(cluster).as("scripts/services.sh start_cluster").contains(setting);
                assertThat(composeCluster).as("docker-compose.yml redis-cluster").contains(setting);
            }
        }
    }

    @Test
    void theDatabaseItsUserAndCharacterSetAreTheSame() throws IOException {
        Map<String, String> env = env("mysql");
        assertThat(env.get("MYSQL_DATABASE")).isEqualTo(LikeContainers.DATABASE).isEqualTo(scriptValue("DB_NAME"));
        assertThat(env.get("MYSQL_USER")).isEqualTo(LikeContainers.USER).isEqualTo(scriptValue("DB_USER"));
        assertThat(env.get("MYSQL_PASSWORD")).isEqualTo(LikeContainers.PASSWORD)
                .isEqualTo(scriptDefault("DB_PASSWORD"));
        assertThat(command("mysql")).isEqualTo(LikeContainers.MYSQL_ARGS);
        String mariadb = scriptFunction("mariadb_up"); // every MariaDB server of the script starts through it
        LikeContainers.MYSQL_ARGS.forEach(arg -> assertThat(mariadb).contains(arg));
        MySQLContainer container = LikeContainers.mysql();
        assertThat(container.getCommandParts()).containsExactlyElementsOf(LikeContainers.MYSQL_ARGS);
        assertThat(container.getDatabaseName()).isEqualTo(LikeContainers.DATABASE);
        assertThat(container.getUsername()).isEqualTo(LikeContainers.USER);
        String init = "./like-testcontainers/src/main/resources/" + LikeContainers.MYSQL_INIT_RESOURCE
                + ":/docker-entrypoint-initdb.d/10-like.sql:ro";
        assertThat(volumes("mysql")).contains(init);
        String sql = Files.readString(ROOT.resolve(init.substring(2, init.indexOf(':'))));
        assertThat(sql).contains("CREATE DATABASE IF NOT EXISTS " + LikeContainers.DATABASE)
                .contains("TO '" + LikeContainers.USER + "'@'%'");
    }

    @Test
    void kafkaHasTheScriptsPartitionsAndTheTopicsOfLikeStack() {
        String partitions = Integer.toString(LikeContainers.PARTITIONS);
        assertThat(String.valueOf(env("kafka").get("KAFKA_NUM_PARTITIONS"))).isEqualTo(partitions);
        assertThat(scriptFunction("start_kafka")).contains("num.partitions=" + partitions);
        KafkaContainer container = LikeContainers.kafka();
        assertThat(container.getEnvMap()).containsEntry("KAFKA_NUM_PARTITIONS", partitions);
        String topics = String.join(" ", command("kafka-topics"));
        assertThat(topics).contains("for t in " + String.join(" ", LikeStack.TOPICS) + ";")
                .contains("--partitions " + partitions);
    }

    private static String image(String service) {
        return (String) service(service).get("image");
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(String service) {
        return (List<String>) service(service).get("ports");
    }

    @SuppressWarnings("unchecked")
    private static List<String> volumes(String service) {
        return (List<String>) service(service).get("volumes");
    }

    @SuppressWarnings("unchecked")
    private static List<String> command(String service) {
        return (List<String>) service(service).get("command");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(String service) {
        Map<String, Object> raw = (Map<String, Object>) service(service).get("environment");
        Map<String, String> env = new TreeMap<>();
        raw.forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    private static Map<String, Object> service(String name) {
        assertThat(services).as("docker-compose.yml services").containsKey(name);
        return services.get(name);
    }

    /** The default of a {@code NAME="${VAR:-default}"} line of the script. */
    private static String scriptDefault(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=\"\\$\\{[A-Z_]+:-([^}]*)}\"").matcher(script);
        assertThat(m.find()).as("scripts/services.sh sets %s", name).isTrue();
        return m.group(1);
    }

    /** The value of a {@code NAME=value} line of the script. */
    private static String scriptValue(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=(\\S+)").matcher(script);
        assertThat(m.find()).as("scripts/services.sh sets %s", name).isTrue();
        return m.group(1);
    }

    /** The body of a shell function of the script, with line continuations joined. */
    private static String scriptFunction(String name) {
        Matcher m = Pattern.compile("(?ms)^" + name + "\\(\\) \\{\\n(.*?)^}").matcher(script);
        assertThat(m.find()).as("scripts/services.sh has %s()", name).isTrue();
        return m.group(1).replaceAll("\\\\\\n\\s*", " ");
    }
}
