package dev.likes.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sample application over HTTP, on the real Redis, Kafka and MariaDB. */
class LikeBootApplicationIT {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static ConfigurableApplicationContext app;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Contents of this run only: the test Redis is shared between runs. */
    private static final long BASE = ThreadLocalRandom.current().nextLong(1L << 40, 1L << 60);

    @BeforeAll
    static void start() {
        JdbcEndpoint database = TestServices.freshDatabase();
        JdbiLikeStore.createSchema(Jdbi.create(database.url(), database.user(), database.password()));
        String topic = TestServices.uniqueName("boot_sample");
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", "0");
        properties.put("spring.datasource.url", database.url());
        properties.put("spring.datasource.username", database.user());
        properties.put("spring.datasource.password", database.password());
        properties.put("spring.data.redis.url", TestServices.redisUri());
        properties.put("spring.kafka.bootstrap-servers", TestServices.kafkaBootstrap());
        properties.put("like.kafka.topic", topic);
        properties.put("like.kafka.consumer-group", topic + "_writer");
        properties.put("like.rate-limit.per-second", "1");
        properties.put("like.rate-limit.burst", "4");
        // as command-line arguments, which win over application.properties
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        app = new SpringApplicationBuilder(LikeBootApplication.class, Spans.class).run(args);
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static HttpResponse<String> post(String path, String user, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":demo").getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":demo").getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theUserComesFromThePrincipalNeverFromTheBody() throws Exception {
        assertThat(post("/api/like", null, "application/json", "{\"content\":\"post:" + (BASE + 7) + "\"}").statusCode())
                .isEqualTo(401);

        HttpResponse<String> liked = post("/api/like", "1001", "application/json",
                "{\"content\":\"post:" + (BASE + 7) + "\",\"requestId\":\"r-1\",\"user\":42}");
        assertThat(liked.statusCode()).isEqualTo(200);
        assertThat(liked.body()).contains("\"status\":\"APPLIED\"", "\"count\":1");
        LikeService likes = app.getBean(LikeService.class);
        assertThat(likes.hasLiked(1001, ContentRef.of("post", BASE + 7))).isTrue();
        assertThat(likes.hasLiked(42, ContentRef.of("post", BASE + 7))).isFalse();

        assertThat(post("/api/like", "1001", "application/json", "{\"content\":\"post:" + (BASE + 7) + "\",\"requestId\":\"r-1\"}")
                .body()).contains("DUPLICATE_REQUEST");
        assertThat(get("/api/feed?contents=post:" + (BASE + 7) + ",post:" + (BASE + 8) + "&user=42", "1001").body())
                .contains("{\"content\":\"post:" + (BASE + 7) + "\",\"count\":1,\"liked\":true}",
                        "{\"content\":\"post:" + (BASE + 8) + "\",\"count\":0,\"liked\":false}");
        assertThat(get("/api/feed?contents=post:" + (BASE + 7), "1002").body()).contains("\"liked\":false");
    }

    @Test
    void badInputIs400NamingTheRuleAndAPlainFormCannotLike() throws Exception {
        HttpResponse<String> bad = post("/api/like", "1002", "application/json", "{\"content\":\"Post:x\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("content");
        assertThat(post("/api/like", "1002", "text/plain", "{\"content\":\"post:" + (BASE + 9) + "\"}").statusCode()).isEqualTo(415);
        assertThat(post("/api/like", "1002", "application/x-www-form-urlencoded", "content=post:" + (BASE + 9)).statusCode())
                .isEqualTo(415);
        assertThat(app.getBean(LikeService.class).count(ContentRef.of("post", BASE + 9))).isZero();
    }

    @Test
    void aUserOverTheRateLimitGets429WithRetryAfter() throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < 10 && (last == null || last.statusCode() != 429); i++) {
            last = post("/api/like", "1002", "application/json", "{\"content\":\"post:" + (BASE + 100 + i) + "\"}");
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isPositive());
        assertThat(last.body()).contains("RATE_LIMITED");
    }

    @Test
    void aLikeIsASpanInTheTraceOfItsRequest() throws Exception {
        String content = "post:" + (BASE + 11);
        assertThat(post("/api/like", "1003", "application/json", "{\"content\":\"" + content + "\"}").statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> likeSpan(content).isPresent());
        SpanData like = likeSpan(content).orElseThrow();
        assertThat(like.getAttributes().get(AttributeKey.stringKey("like.outcome"))).isEqualTo("APPLIED");
        assertThat(like.getAttributes().get(AttributeKey.stringKey("like.content.type"))).isEqualTo("post");
        await().atMost(Duration.ofSeconds(30)).until(() -> SPANS.getFinishedSpanItems().stream()
                .anyMatch(s -> s.getTraceId().equals(like.getTraceId()) && s.getKind() == SpanKind.SERVER));
        SpanData request = SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(like.getTraceId()) && s.getKind() == SpanKind.SERVER)
                .findFirst().orElseThrow();
        assertThat(request.getName()).contains("/api/like");
    }

    private static Optional<SpanData> likeSpan(String content) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("like")
                        && content.equals(s.getAttributes().get(AttributeKey.stringKey("like.content"))))
                .findFirst();
    }

    /** The spans the application exports, kept in memory. */
    @Configuration(proxyBeanMethods = false)
    static class Spans {
        @Bean
        InMemorySpanExporter spans() {
            return SPANS;
        }
    }

    @Test
    void theDemoPageAndTheHealthAreServed() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("app.js");
        assertThat(get("/like-client.js", null).statusCode()).isEqualTo(200);
        assertThat(get("/api/session", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/session", "1002").body()).contains("\"user\":\"1002\"");
        HttpResponse<String> health = get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"like\"", "consumerRunning");
    }
}
