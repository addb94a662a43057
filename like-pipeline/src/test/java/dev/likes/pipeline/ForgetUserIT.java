package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.PageRequest;
import dev.likes.events.LikeEventCodec;
import dev.likes.jdbc.GzipJsonLinesArchiveSink;
import dev.likes.jdbc.LikeArchiver;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user with likes in every tier (Redis, MySQL's hot table and archive, the archive files, request IDs in Redis and
 * MySQL) erased while other users like the same contents: the user is nowhere afterwards, every count is exact, and
 * every erased record was announced by an ERASE event.
 */
class ForgetUserIT {

    private static final long GONE = 5_764_607_523_034_234_881L;

    private final Harness h = new Harness();

    @TempDir
    Path archive;

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void erasesAUserFromEveryTierUnderLoadAndEveryCountStaysExact() throws Exception {
        List<ContentRef> hot = new ArrayList<>();
        List<ContentRef> old = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            hot.add(ContentRef.of(i % 2 == 0 ? "post" : "comment", i));
            old.add(ContentRef.of("post", 1_000 + i));
        }
        List<ContentRef> loaded = new ArrayList<>(hot);
        loaded.addAll(old.subList(0, 10));
        GzipJsonLinesArchiveSink sink = new GzipJsonLinesArchiveSink(archive);
        try (LikePipeline p = h.pipeline().archiveSink(sink).build()) {
            // 200 days ago: likes of 10 old posts and a like withdrawn, then archived to the table and the files
            Instant then = Instant.now().minus(Duration.ofDays(200));
            List<LikeEvent> history = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                history.add(new LikeEvent("old-" + i, null, GONE, old.get(i), LikeAction.LIKE, then.plusSeconds(i), 1,
                        1));
            }
            history.add(new LikeEvent("old-u", null, GONE, old.get(10), LikeAction.UNLIKE, then.plusSeconds(20), 2, 0));
            p.mysqlStore().apply(history).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertThat(LikeArchiver.builder(h.jdbi, Clock.systemUTC()).sink(sink).build().run()).isEqualTo(11);
            // now: likes of 20 contents with request IDs, one withdrawn
            for (int i = 0; i < hot.size(); i++) {
                p.service().like(GONE, hot.get(i), "g" + i);
            }
            p.service().unlike(GONE, hot.get(19), "g-u");

            Load load = new Load(p.service(), 3, 2_000, loaded, 2_000, 41).randomUserIds().start();
            Thread.sleep(2_000);
            Erasure erasure = p.forgetUser(GONE, Duration.ofMinutes(2));
            Thread.sleep(2_000);
            load.stop();

            assertThat(erasure.likesWithdrawn()).isEqualTo(29); // 19 now, 10 archived
            assertThat(erasure.recordsErased()).isEqualTo(31); // and the two withdrawn ones
            assertThat(erasure.requestIdsErased()).isEqualTo(21);
            assertThat(erasure.archiveCopiesErased()).isEqualTo(11);
            Invariants.assertConverged("forget a user under load", h, p, load, Duration.ofMinutes(2));

            for (String table : List.of("like_records", "like_records_archive", "like_requests", "like_degraded")) {
                long rows = h.jdbi.withHandle(x -> x.createQuery("SELECT COUNT(*) FROM " + table + " WHERE user_id = ?")
                        .bind(0, GONE).mapTo(Long.class).one());
                assertThat(rows).as(table).isZero();
            }
            for (ContentRef content : loaded) {
                assertThat(p.service().hasLiked(GONE, content)).isFalse();
            }
            assertThat(p.service().likesOf(GONE, PageRequest.first(100)).items()).isEmpty();
            assertThat(redisMentions()).as("Redis keys and fields naming the user").isEmpty();
            assertThat(archiveLines()).as("the files held the user's records only: none is left").isEmpty();
            List<LikeEvent> erases = events().stream()
                    .filter(e -> e.action() == LikeAction.ERASE && e.userId() == GONE).toList();
            assertThat(erases.stream().map(LikeEvent::content).distinct().count()).isEqualTo(31);

            Erasure again = p.forgetUser(GONE, Duration.ofMinutes(1));
            assertThat(again).isEqualTo(new Erasure(GONE, 0, 0, 0, 0));
            assertThatThrownBy(() -> p.forgetUser(0, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userId");
        }
    }

    /** Every key of the harness' prefix whose name, fields or members contain the user's id. */
    private List<String> redisMentions() {
        String id = Long.toString(GONE);
        List<String> found = new ArrayList<>();
        RedisClient client = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            for (String key : c.sync().keys(h.prefix + ":*")) {
                if (key.contains(id)) {
                    found.add(key);
                    continue;
                }
                String type = c.sync().type(key);
                List<String> items = switch (type) {
                    case "hash" -> c.sync().hkeys(key);
                    case "zset" -> c.sync().zrange(key, 0, -1);
                    default -> List.of();
                };
                items.stream().filter(i -> i.contains(id)).forEach(i -> found.add(key + ' ' + i));
            }
        } finally {
            client.shutdown();
        }
        return found;
    }

    private List<String> archiveLines() throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> all = Files.walk(archive)) {
            for (Path file : all.filter(f -> f.toString().endsWith(".jsonl.gz")).toList()) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    in.lines().filter(l -> !l.isBlank()).forEach(lines::add);
                }
            }
        }
        return lines;
    }

    /** Every event on the harness' topic, read from the start until 3 s pass without one. */
    private List<LikeEvent> events() {
        Properties config = new Properties();
        config.put("bootstrap.servers", TestServices.kafkaBootstrap());
        config.put("group.id", TestServices.uniqueName("erase_reader"));
        config.put("auto.offset.reset", "earliest");
        List<LikeEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(h.topic));
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                records.forEach(r -> events.add(LikeEventCodec.decode(r.value())));
            }
        }
        return events;
    }
}
