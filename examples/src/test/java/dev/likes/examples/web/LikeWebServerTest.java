package dev.likes.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's HTTP API: statuses, JSON, and refusals of bad input (no browser). */
class LikeWebServerTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LikeService service;
    private LikeWebServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private void start(LikeStore store) throws Exception {
        service = LikeService.builder(store).build();
        server = LikeWebServer.start(service, 0);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> response) throws Exception {
        return json.readTree(response.body());
    }

    @Test
    void likeUnlikeFeedAndMyLikes() throws Exception {
        start(InMemoryLikeStore.create());
        HttpResponse<String> liked = post("/api/like", "{\"user\":1,\"content\":\"post:3\",\"requestId\":\"r-1\"}");
        assertThat(liked.statusCode()).isEqualTo(200);
        assertThat(body(liked).get("status").asText()).isEqualTo("APPLIED");
        assertThat(body(liked).get("count").asLong()).isEqualTo(1);
        assertThat(body(post("/api/like", "{\"user\":1,\"content\":\"post:3\",\"requestId\":\"r-1\"}")).get("status").asText())
                .isEqualTo("DUPLICATE_REQUEST");
        post("/api/like", "{\"user\":2,\"content\":\"post:3\"}");
        post("/api/like", "{\"user\":1,\"content\":\"video:9\"}");
        assertThat(body(post("/api/unlike", "{\"user\":2,\"content\":\"post:3\"}")).get("liked").asBoolean()).isFalse();

        JsonNode feed = body(get("/api/feed?user=1&contents=post:3,video:9,post:4"));
        assertThat(feed.get("stale").asBoolean()).isFalse();
        assertThat(feed.get("items").get(0).get("content").asText()).isEqualTo("post:3");
        assertThat(feed.get("items").get(0).get("liked").asBoolean()).isTrue();
        assertThat(feed.get("items").get(0).get("count").asLong()).isEqualTo(1);
        assertThat(feed.get("items").get(2).get("count").asLong()).isZero();

        JsonNode first = body(get("/api/likes?user=1&limit=1"));
        assertThat(first.get("items")).hasSize(1);
        assertThat(first.get("items").get(0).get("content").asText()).isEqualTo("video:9");
        JsonNode second = body(get("/api/likes?user=1&limit=1&cursor=" + first.get("next").asText()));
        assertThat(second.get("items").get(0).get("content").asText()).isEqualTo("post:3");
    }

    @Test
    void badInputIsRefusedWith400NamingTheProblem() throws Exception {
        start(InMemoryLikeStore.create());
        Map<String, String> bodies = Map.of(
                "{\"user\":1,\"content\":\"' OR 1=1 --\"}", "content",
                "{\"user\":1,\"content\":\"{x}:1\"}", "contentType",
                "{\"user\":0,\"content\":\"post:1\"}", "userId",
                "{\"user\":\"1\",\"content\":\"post:1\"}", "user",
                "{\"user\":1.5,\"content\":\"post:1\"}", "user",
                "{\"user\":1,\"content\":\"post:1\",\"requestId\":\"a b\"}", "requestId",
                "{\"user\":1}", "content",
                "not json", "JSON",
                "[1,2]", "JSON object",
                "{\"user\":1,\"content\":\"" + "x".repeat(5_000) + "\"}", "4096 bytes");
        for (Map.Entry<String, String> bad : bodies.entrySet()) {
            HttpResponse<String> response = post("/api/like", bad.getKey());
            assertThat(response.statusCode()).as(bad.getKey()).isEqualTo(400);
            assertThat(body(response).get("error").asText()).as(bad.getKey()).contains(bad.getValue());
        }
        assertThat(get("/api/feed?user=1&contents=post:1,%7Bx%7D:2").statusCode()).isEqualTo(400);
        assertThat(get("/api/feed?user=x&contents=post:1").statusCode()).isEqualTo(400);
        assertThat(get("/api/feed?user=1").statusCode()).isEqualTo(400);
        assertThat(get("/api/likes?user=1&cursor=garbage").statusCode()).isEqualTo(400);
        assertThat(get("/api/likes?user=1&limit=100000").statusCode()).isEqualTo(400);
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
        assertThat(get("/api/like").statusCode()).isEqualTo(405);
        assertThat(service.hasLiked(1, ContentRef.of("post", 1))).isFalse();
    }

    @Test
    void acceptedIs202RateLimitedIs429AndOverloadOrOutageIs503WithRetryAfter() throws Exception {
        InMemoryLikeStore memory = InMemoryLikeStore.create();
        AtomicReference<Function<LikeMutation, CompletionStage<LikeResult>>> behaviour = new AtomicReference<>();
        start(new Delegating(memory) {
            @Override
            public CompletionStage<LikeResult> apply(LikeMutation mutation) {
                return behaviour.get().apply(mutation);
            }
        });
        behaviour.set(m -> CompletableFuture.completedFuture(new LikeResult(LikeResult.Status.ACCEPTED, true, 1, 7)));
        HttpResponse<String> accepted = post("/api/like", "{\"user\":1,\"content\":\"post:1\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(body(accepted).get("status").asText()).isEqualTo("ACCEPTED");

        behaviour.set(m -> CompletableFuture.failedFuture(new LikeRejectedException(
                LikeRejectedException.Reason.RATE_LIMITED, Duration.ofMillis(2_500), "user 1 is over their rate limit")));
        HttpResponse<String> limited = post("/api/like", "{\"user\":1,\"content\":\"post:1\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("3");

        behaviour.set(m -> CompletableFuture.failedFuture(new LikeRejectedException(
                LikeRejectedException.Reason.OVERLOADED, Duration.ofMillis(100), "too many")));
        assertThat(post("/api/like", "{\"user\":1,\"content\":\"post:1\"}").statusCode()).isEqualTo(503);

        behaviour.set(m -> CompletableFuture.failedFuture(new LikeStoreException("Redis is unreachable", null)));
        HttpResponse<String> down = post("/api/like", "{\"user\":1,\"content\":\"post:1\"}");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        assertThat(body(down).get("error").asText()).doesNotContain("Redis");

        server.apiAvailable(false);
        assertThat(get("/api/feed?user=1&contents=post:1").statusCode()).isEqualTo(503);
        assertThat(get("/").statusCode()).as("the page is still served").isEqualTo(200);
    }

    @Test
    void servesThePageAndItsScriptsButNothingElse() throws Exception {
        start(InMemoryLikeStore.create());
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("aria-pressed", "app.js");
        assertThat(get("/like-client.js").body()).contains("export class LikeClient");
        assertThat(get("/like-client.js").headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        for (String path : List.of("/../pom.xml", "/%2e%2e/pom.xml", "/LikeWebServer.class", "/dev/likes/x.js", "/x.exe")) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
    }

    /** A store that forwards everything to another. */
    static class Delegating implements LikeStore {
        private final LikeStore target;

        Delegating(LikeStore target) {
            this.target = target;
        }

        @Override
        public CompletionStage<LikeResult> apply(LikeMutation mutation) {
            return target.apply(mutation);
        }

        @Override
        public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
            return target.hasLiked(userId, content);
        }

        @Override
        public CompletionStage<Long> count(ContentRef content) {
            return target.count(content);
        }

        @Override
        public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
            return target.counts(contents);
        }

        @Override
        public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
            return target.likedAmong(userId, contents);
        }

        @Override
        public CompletionStage<List<Liker>> likers(ContentRef content, Liker after, int limit) {
            return target.likers(content, after, limit);
        }

        @Override
        public CompletionStage<List<UserLike>> likesOf(long userId, String contentType, UserLike after, int limit) {
            return target.likesOf(userId, contentType, after, limit);
        }
    }
}
