package dev.likes.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.redis.RedisLikeStore;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The demo wired as {@code WebDemo --full} wires its Redis tier (a cache over a backing store), against a real Redis:
 * feed reads of 1,000 made-up content ids leave no key in Redis when the catalogue is set on the server and the store,
 * and fill Redis with one key per made-up id when it is not (the comparison that shows what the catalogue prevents).
 */
class CatalogueRedisIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void feedReadsOfMadeUpIdsLeaveNoKeyInRedisWithTheCatalogue() throws Exception {
        String prefix = "cat" + UUID.randomUUID().toString().substring(0, 8);
        long keys = keysAfterMadeUpFeeds(prefix, r -> r.contentFilter(WebDemo.CATALOGUE), true);
        assertThat(keys).as("keys under %s", prefix).isLessThanOrEqualTo(3); // post:1, which the feed also reads
    }

    @Test
    void withoutTheCatalogueEveryMadeUpIdBecomesAKey() throws Exception {
        String prefix = "nocat" + UUID.randomUUID().toString().substring(0, 8);
        long keys = keysAfterMadeUpFeeds(prefix, r -> { }, false);
        assertThat(keys).as("keys under %s", prefix).isGreaterThanOrEqualTo(990);
    }

    private long keysAfterMadeUpFeeds(String prefix, Consumer<RedisLikeStore.Builder> settings, boolean catalogue)
            throws Exception {
        RedisURI uri = RedisURI.create(TestServices.redisUri());
        RedisLikeStore.Builder builder = RedisLikeStore.builder(uri).keyPrefix(prefix)
                .backingStore(InMemoryLikeStore.create());
        settings.accept(builder);
        try (RedisLikeStore store = builder.build();
                LikeService service = LikeService.builder(store).build();
                LikeWebServer server = (catalogue
                        ? LikeWebServer.builder(service).contents(WebDemo.CATALOGUE)
                        : LikeWebServer.builder(service)).start()) {
            HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(server.url().resolve("/api/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"1\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
            SplittableRandom random = new SplittableRandom(11);
            for (int page = 0; page < 10; page++) {
                List<String> ids = new ArrayList<>();
                ids.add("post:1");
                for (int i = 0; i < 99; i++) {
                    ids.add(ContentRef.of("post", random.nextLong(1_000, Long.MAX_VALUE)).toString());
                }
                ids.add("post:" + random.nextLong(1_000, Long.MAX_VALUE));
                HttpResponse<String> feed = http.send(HttpRequest.newBuilder(server.url().resolve(
                        "/api/feed?contents=" + String.join(",", ids))).header("Cookie", cookie).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(feed.statusCode()).as(feed.body()).isEqualTo(200);
                JsonNode items = json.readTree(feed.body()).get("items");
                assertThat(items).hasSize(101);
                assertThat(items.get(5).get("count").asLong()).isZero();
            }
        }
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long n = 0;
            ScanIterator<String> keys = ScanIterator.scan(c.sync(),
                    ScanArgs.Builder.matches(prefix + "*").limit(1_000));
            List<String> found = new ArrayList<>();
            while (keys.hasNext()) {
                found.add(keys.next());
                n++;
            }
            if (!found.isEmpty()) {
                c.sync().del(found.toArray(new String[0]));
            }
            return n;
        } finally {
            client.shutdown();
        }
    }
}
