package dev.likes.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.events.LikeEventCodec;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.pipeline.LikePipeline;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisURI;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command of like-admin, run as a user runs it, against the real servers and a host's running pipeline. */
class LikeAdminIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path files;

    private final String prefix = TestServices.uniqueName("adm");
    private final String topic = TestServices.uniqueName("adm_likes");
    private final JdbcEndpoint db = TestServices.freshDatabase();
    private final Map<String, String> env = new HashMap<>();
    private HikariDataSource pool;
    private Jdbi jdbi;
    private LikePipeline host;

    @BeforeEach
    void setUp() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(6);
        pool = new HikariDataSource(config);
        jdbi = Jdbi.create(pool);
        JdbiLikeStore.createSchema(jdbi);
        host = LikePipeline.builder()
                .redis(RedisURI.create(TestServices.redisUri()))
                .kafka(TestServices.kafkaBootstrap())
                .mysql(jdbi)
                .topic(topic)
                .createTopic(2, (short) 1)
                .consumerGroup(topic + "_writer")
                .noRateLimit()
                .configureRedis(r -> r.keyPrefix(prefix))
                .build();
        env.put("LIKE_REDIS_URI", TestServices.redisUri());
        env.put("LIKE_REDIS_KEYPREFIX", prefix);
        env.put("LIKE_KAFKA_BOOTSTRAPSERVERS", TestServices.kafkaBootstrap());
        env.put("LIKE_KAFKA_TOPIC", topic);
        env.put("LIKE_KAFKA_CONSUMERGROUP", topic + "_writer");
        env.put("SPRING_DATASOURCE_URL", db.url());
        env.put("SPRING_DATASOURCE_USERNAME", db.user());
        env.put("SPRING_DATASOURCE_PASSWORD", db.password());
        env.put("LIKE_ARCHIVE_DIRECTORY", files.toString());
    }

    @AfterEach
    void tearDown() {
        host.close();
        pool.close();
    }

    private record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private Run admin(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LikeAdmin.run(args, env, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private long sql(String query) {
        return jdbi.withHandle(h -> h.createQuery(query).mapTo(Long.class).one());
    }

    @Test
    void statusReportsBacklogLagAndDeadLettersFromAConfigFileOrTheEnvironment() throws Exception {
        for (long user = 1; user <= 50; user++) {
            host.service().like(user, ContentRef.of("post", 1 + user % 5));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sql("SELECT COUNT(*) FROM like_records") == 50);
        await().atMost(Duration.ofSeconds(30)).until(() -> admin("status", "--json").json()
                .get("consumerLag").asLong() == 0);
        Run status = admin("status", "--json");
        assertThat(status.code()).isZero();
        JsonNode json = status.json();
        assertThat(json.get("outboxBacklogByShard").size()).isEqualTo(16);
        assertThat(json.get("outboxBacklog").asLong()).isZero();
        assertThat(json.get("consumerLagByPartition").size()).isEqualTo(2);
        assertThat(json.get("deadLetters").asLong()).isZero();
        assertThat(json.get("degradedChangesWaiting").asLong()).isZero();

        poison();
        Path config = files.resolve("like.properties");
        Files.writeString(config, String.join("\n",
                "like.redis.uri=" + TestServices.redisUri(), "like.redis.key-prefix=" + prefix,
                "like.kafka.bootstrap-servers=" + TestServices.kafkaBootstrap(), "like.kafka.topic=" + topic,
                "spring.datasource.url=" + db.url(), "spring.datasource.username=" + db.user(),
                "spring.datasource.password=" + db.password()));
        env.clear();
        Run fromFile = admin("--config", config.toString(), "status");
        assertThat(fromFile.code()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).contains("deadLetters: 1").doesNotContain(db.password());
    }

    @Test
    void reconcileAndRecountFindAndRepairDrift() throws Exception {
        ContentRef post = ContentRef.of("post", 7);
        for (long user = 1; user <= 10; user++) {
            host.service().like(user, post);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sql("SELECT like_count FROM like_counts") == 10);
        jdbi.useHandle(h -> h.execute("UPDATE like_counts SET like_count = 99"));

        Run found = admin("reconcile", "--json");
        assertThat(found.code()).as(found.err()).isEqualTo(LikeAdmin.DRIFT);
        assertThat(found.json().get("drifts").toString()).contains("post:7", "99");
        Run repaired = admin("reconcile", "--repair");
        assertThat(repaired.code()).isZero();
        assertThat(sql("SELECT like_count FROM like_counts")).isEqualTo(10);
        assertThat(admin("reconcile").code()).isZero();

        jdbi.useHandle(h -> h.execute("UPDATE like_counts SET like_count = 3"));
        Run recount = admin("recount", "post:7", "--json");
        assertThat(recount.code()).as(recount.err()).isZero();
        assertThat(recount.json().get("count").asLong()).isEqualTo(10);
        assertThat(recount.json().get("mysqlCountRowWas").asLong()).isEqualTo(3);
        assertThat(sql("SELECT like_count FROM like_counts")).isEqualTo(10);

        Run bad = admin("recount", "post:x");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("like-admin recount:");
    }

    @Test
    void archivePurgeRequestsAndForgetUserDoTheirWork() throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(200));
        host.mysqlStore().apply(List.of(
                new LikeEvent("o1", null, 42, ContentRef.of("post", 1), LikeAction.LIKE, old, 1, 1),
                new LikeEvent("o2", null, 43, ContentRef.of("post", 1), LikeAction.LIKE, old, 2, 2)))
                .toCompletableFuture().join();
        jdbi.useHandle(h -> h.execute("INSERT INTO like_requests (content_id, content_type, user_id, request_id,"
                + " expires_at) VALUES (1, 'post', 9, 'expired', '2020-01-01 00:00:00')"));

        Run archive = admin("archive", "--json");
        assertThat(archive.code()).as(archive.err()).isZero();
        assertThat(archive.json().get("archived").asLong()).isEqualTo(2);
        assertThat(archive.err()).contains("archived 2 records");
        try (Stream<Path> all = Files.walk(files)) {
            assertThat(all.filter(f -> f.toString().endsWith(".jsonl.gz")).count()).isEqualTo(1);
        }

        Run purge = admin("purge-requests", "--json");
        assertThat(purge.code()).as(purge.err()).isZero();
        assertThat(purge.json().get("purged").asLong()).isEqualTo(1);

        host.service().like(42, ContentRef.of("post", 2), "r1");
        Run forget = admin("forget-user", "42", "--json");
        assertThat(forget.code()).as(forget.err()).isZero();
        assertThat(forget.json().get("likesWithdrawn").asLong()).isEqualTo(2);
        assertThat(forget.json().get("recordsErased").asLong()).isEqualTo(2);
        assertThat(forget.json().get("archiveCopiesErased").asLong()).isEqualTo(1);
        assertThat(sql("SELECT COUNT(*) FROM like_records_archive WHERE user_id = 42")
                + sql("SELECT COUNT(*) FROM like_records WHERE user_id = 42")).isZero();
        assertThat(host.service().count(ContentRef.of("post", 1))).isEqualTo(1);

        Run refused = admin("forget-user", "0");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("userId must be positive");
    }

    @Test
    void replayDlqSendsBackWhatDecodesAndKeepsWhatDoesNot() throws Exception {
        LikeEvent event = new LikeEvent("replayed-1", null, 77, ContentRef.of("post", 5), LikeAction.LIKE,
                Instant.now(), 1, 1);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic + ".dlq", "post:5".getBytes(StandardCharsets.UTF_8),
                    LikeEventCodec.encode(event))).get();
        }
        poison();

        Run dry = admin("replay-dlq", "--dry-run", "--json");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.json().get("wouldReplay").asLong()).isEqualTo(1);
        assertThat(dry.json().get("stillPoison").asLong()).isEqualTo(1);
        assertThat(dry.json().get("poisonReasons").toString()).contains("not an event");
        Thread.sleep(1_000);
        assertThat(sql("SELECT COUNT(*) FROM like_records")).as("a dry run sends nothing").isZero();

        Run replay = admin("replay-dlq", "--json");
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.json().get("replayed").asLong()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql("SELECT COUNT(*) FROM like_records WHERE user_id = 77") == 1);
        assertThat(admin("replay-dlq", "--json").json().get("replayed").asLong()).as("goes on after the last run")
                .isZero();
    }

    @Test
    void everyCommandHasHelpAndBadUsageExitsWith2() {
        for (String command : List.of("status", "reconcile", "recount", "archive", "purge-requests", "replay-dlq",
                "forget-user")) {
            Run help = admin(command, "--help");
            assertThat(help.code()).isZero();
            assertThat(help.out()).startsWith("Usage: like-admin " + command);
        }
        assertThat(admin().code()).isEqualTo(2);
        assertThat(admin("status", "--no-such-option").code()).isEqualTo(2);
        env.remove("LIKE_REDIS_URI");
        Run unset = admin("status");
        assertThat(unset.code()).isEqualTo(1);
        assertThat(unset.err()).contains("like.redis.uri", "LIKE_REDIS_URI");
    }

    /** A letter that is not an event, as the consumer dead-letters one. */
    private void poison() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(topic + ".dlq", null,
                    "{not json".getBytes(StandardCharsets.UTF_8));
            letter.headers().add("like.dlq.reason", "not an event: truncated JSON".getBytes(StandardCharsets.UTF_8));
            producer.send(letter).get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> config = Map.of("bootstrap.servers", TestServices.kafkaBootstrap());
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
