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
import dev.likes.core.PageRequest;
import dev.likes.core.UserLike;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's HTTP API over real sockets: sessions, anti-forgery, strict input, statuses and headers (no browser). */
class LikeWebServerTest {

    private static final String BIG_USER = "9007199254740993"; // 2^53 + 1: a JavaScript number would lose it

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

    /** The service of each builder made by {@link #builderOver}. */
    private final Map<LikeWebServer.Builder, LikeService> services = new ConcurrentHashMap<>();

    private LikeWebServer.Builder builderOver(LikeStore store) {
        LikeService s = LikeService.builder(store).build();
        LikeWebServer.Builder builder = LikeWebServer.builder(s);
        services.put(builder, s);
        return builder;
    }

    private void start(LikeStore store) throws Exception {
        start(builderOver(store));
    }

    private void start(LikeWebServer.Builder builder) throws Exception {
        service = services.get(builder);
        server = builder.start();
    }

    /** A signed-in browser: its cookie and anti-forgery token. */
    private record Session(String user, String cookie, String csrf) {}

    private Session signIn(String user) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("user").isTextual()).as("ids go out as strings").isTrue();
        return new Session(body.get("user").asText(), setCookie.split(";", 2)[0], body.get("csrf").asText());
    }

    private URI uri(String path) {
        return server.url().resolve(path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Session s, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Cookie", s.cookie()).header("X-CSRF-Token", s.csrf())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> get(Session s, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (s != null) {
            b.header("Cookie", s.cookie());
        }
        return send(b);
    }

    private JsonNode body(HttpResponse<String> response) throws Exception {
        return json.readTree(response.body());
    }

    private String error(HttpResponse<String> response) throws Exception {
        return body(response).get("error").asText();
    }

    @Test
    void aSignedInUserLikesUnlikesAndReadsTheFeedAndTheirLikes() throws Exception {
        start(InMemoryLikeStore.create());
        Session big = signIn(BIG_USER);
        Session two = signIn("2");
        assertThat(big.user()).isEqualTo(BIG_USER);
        assertThat(body(get(big, "/api/session")).get("user").asText()).isEqualTo(BIG_USER);

        HttpResponse<String> liked = post(big, "/api/like", "{\"content\":\"post:3\",\"requestId\":\"r-1\"}");
        assertThat(liked.statusCode()).isEqualTo(200);
        assertThat(body(liked).get("status").asText()).isEqualTo("APPLIED");
        assertThat(body(liked).get("count").asLong()).isEqualTo(1);
        assertThat(service.hasLiked(Long.parseLong(BIG_USER), ContentRef.of("post", 3))).isTrue();
        assertThat(body(post(big, "/api/like", "{\"content\":\"post:3\",\"requestId\":\"r-1\"}"))
                .get("status").asText())
                .isEqualTo("DUPLICATE_REQUEST");
        post(two, "/api/like", "{\"content\":\"post:3\"}");
        post(big, "/api/like", "{\"content\":\"video:9\",\"requestId\":null}");
        assertThat(body(post(two, "/api/unlike", "{\"content\":\"post:3\"}")).get("liked").asBoolean()).isFalse();

        JsonNode feed = body(get(big, "/api/feed?contents=post:3,video:9,post:4"));
        assertThat(feed.get("stale").asBoolean()).isFalse();
        assertThat(feed.get("items").get(0).get("content").asText()).isEqualTo("post:3");
        assertThat(feed.get("items").get(0).get("liked").asBoolean()).isTrue();
        assertThat(feed.get("items").get(0).get("count").asLong()).isEqualTo(1);
        assertThat(feed.get("items").get(2).get("count").asLong()).isZero();

        JsonNode first = body(get(big, "/api/likes?limit=1"));
        assertThat(first.get("items")).hasSize(1);
        assertThat(first.get("items").get(0).get("content").asText()).isEqualTo("video:9");
        JsonNode second = body(get(big, "/api/likes?limit=1&cursor=" + first.get("next").asText()));
        assertThat(second.get("items").get(0).get("content").asText()).isEqualTo("post:3");

        HttpResponse<String> out = send(HttpRequest.newBuilder(uri("/api/session")).header("Cookie", big.cookie())
                .header("X-CSRF-Token", big.csrf()).header("Content-Type", "application/json").DELETE());
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
                .startsWith(LikeWebServer.SESSION_COOKIE + "=;").contains("Expires=Thu, 01 Jan 1970"));
        Session forged = new Session(big.user(), big.cookie().replace(BIG_USER + ".", "2."), big.csrf());
        assertThat(get(forged, "/api/session").statusCode()).as("a cookie edited to another user").isEqualTo(401);
    }

    @Test
    void aSessionOutlivesARestartOfAServerWithTheSameKey() throws Exception {
        byte[] key = new byte[32];
        key[0] = 7;
        InMemoryLikeStore memory = InMemoryLikeStore.create();
        start(builderOver(memory).sessionKey(key));
        Session one = signIn("1");
        int port = server.url().getPort();
        server.close();
        start(builderOver(memory).sessionKey(key).port(port));
        assertThat(post(one, "/api/like", "{\"content\":\"post:1\"}").statusCode()).isEqualTo(200);
        server.close();
        start(builderOver(memory).port(port));
        assertThat(post(one, "/api/like", "{\"content\":\"post:2\"}").statusCode()).as("another key").isEqualTo(401);
    }

    @Test
    void theUserComesFromTheSessionNeverFromTheRequest() throws Exception {
        start(InMemoryLikeStore.create());
        Session one = signIn("1");
        HttpResponse<String> spoofed = post(one, "/api/like", "{\"user\":2,\"content\":\"post:1\"}");
        assertThat(spoofed.statusCode()).isEqualTo(400);
        assertThat(error(spoofed)).contains("user", "session");
        assertThat(get(one, "/api/feed?user=2&contents=post:1").statusCode()).isEqualTo(400);
        assertThat(get(one, "/api/likes?user=2").statusCode()).isEqualTo(400);
        assertThat(get(null, "/api/feed?contents=post:1").statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/api/like")).header("Content-Type", "application/json")
                .header("Cookie", LikeWebServer.SESSION_COOKIE + "=made-up").header("X-CSRF-Token", one.csrf())
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"post:1\"}"))).statusCode()).isEqualTo(401);
        assertThat(service.hasLiked(2, ContentRef.of("post", 1))).isFalse();
        assertThat(service.hasLiked(1, ContentRef.of("post", 1))).isFalse();

        for (String bad : List.of("0", "-1", "1.5", "9223372036854775808", "01", " 1", "x")) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + bad + "\"}")));
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(error(r)).as(bad).contains("user", "64-bit");
        }
        HttpResponse<String> number = send(HttpRequest.newBuilder(uri("/api/session"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"user\":1}")));
        assertThat(number.statusCode()).as("a JSON number would lose digits in a browser").isEqualTo(400);
    }

    @Test
    void aCrossSiteFormOrAForgedRequestChangesNothing() throws Exception {
        start(InMemoryLikeStore.create());
        Session one = signIn("1");
        // what a plain cross-site <form> can send: a simple content type and the cookie, but no custom header
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x")) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/like")).header("Cookie", one.cookie())
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"post:1\"}")));
            assertThat(r.statusCode()).as(type).isEqualTo(415);
        }
        HttpResponse<String> noToken = send(HttpRequest.newBuilder(uri("/api/like")).header("Cookie", one.cookie())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"post:1\"}")));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(error(noToken)).contains(LikeWebServer.CSRF_HEADER);
        Session other = signIn("2");
        HttpResponse<String> othersToken = send(HttpRequest.newBuilder(uri("/api/like")).header("Cookie", one.cookie())
                .header("X-CSRF-Token", other.csrf()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"post:1\"}")));
        assertThat(othersToken.statusCode()).isEqualTo(403);
        HttpResponse<String> crossOrigin = send(HttpRequest.newBuilder(uri("/api/like")).header("Cookie", one.cookie())
                .header("X-CSRF-Token", one.csrf()).header("Content-Type", "application/json")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"post:1\"}")));
        assertThat(crossOrigin.statusCode()).isEqualTo(403);
        assertThat(service.hasLiked(1, ContentRef.of("post", 1))).isFalse();
        assertThat(service.count(ContentRef.of("post", 1))).isZero();

        HttpResponse<String> sameOrigin = send(HttpRequest.newBuilder(uri("/api/like")).header("Cookie", one.cookie())
                .header("X-CSRF-Token", one.csrf()).header("Content-Type", "application/json; charset=utf-8")
                .header("Origin", server.url().toString().replaceAll("/$", ""))
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"post:1\"}")));
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
    }

    @Test
    void badInputIsRefusedNamingTheRuleBeforeAnythingIsWritten() throws Exception {
        start(InMemoryLikeStore.create());
        Session one = signIn("1");
        Map<String, String> bodies = Map.of(
                "{\"content\":\"' OR 1=1 --\"}", "content",
                "{\"content\":\"{x}:1\"}", "contentType",
                "{\"content\":1}", "content",
                "{\"content\":\"post:1\",\"requestId\":\"a b\"}", "requestId",
                "{\"content\":\"post:1\",\"requestId\":7}", "requestId",
                "{\"content\":\"post:1\",\"extra\":1}", "unknown field extra",
                "{}", "content",
                "not json", "JSON object",
                "[1,2]", "JSON object",
                "{\"content\":\"post:1\"} trailing", "JSON object");
        for (Map.Entry<String, String> bad : bodies.entrySet()) {
            HttpResponse<String> response = post(one, "/api/like", bad.getKey());
            assertThat(response.statusCode()).as(bad.getKey()).isEqualTo(400);
            assertThat(error(response)).as(bad.getKey()).contains(bad.getValue());
        }
        HttpResponse<String> duplicate = post(one, "/api/like", "{\"content\":\"post:2\",\"content\":\"post:1\"}");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(error(duplicate)).contains("duplicate");
        HttpResponse<String> big = post(one, "/api/like", "{\"content\":\"" + "x".repeat(5_000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(error(big)).contains("4096 bytes");

        Map<String, String> queries = Map.of(
                "/api/feed?contents=post:1,%7Bx%7D:2", "contentType",
                "/api/feed", "contents",
                "/api/feed?contents=", "contents",
                "/api/feed?contents=post:1,,post:2", "content",
                "/api/feed?contents=post:1&contents=post:2", "once",
                "/api/feed?contents=post:1&x=1", "unknown parameter x",
                "/api/likes?cursor=garbage", "cursor",
                "/api/likes?limit=4294967297", "limit must be a whole number from 1 to 1000",
                "/api/likes?limit=0", "limit",
                "/api/likes?limit=1e2", "limit");
        for (Map.Entry<String, String> bad : queries.entrySet()) {
            HttpResponse<String> response = get(one, bad.getKey());
            assertThat(response.statusCode()).as(bad.getKey()).isEqualTo(400);
            assertThat(error(response)).as(bad.getKey()).contains(bad.getValue());
        }
        String tooMany = "/api/feed?contents=" + IntStream.rangeClosed(1, LikeService.MAX_BATCH_SIZE + 1)
                .mapToObj(i -> "post:" + i).collect(Collectors.joining(","));
        assertThat(get(one, tooMany).statusCode()).isEqualTo(400);
        assertThat(service.likesOf(1, PageRequest.first(10)).items()).isEmpty();
    }

    @Test
    void aWrongMethodIs405WithAllowAndEveryAnswerIsNosniff() throws Exception {
        start(InMemoryLikeStore.create());
        Session one = signIn("1");
        Map<String, String> allow = Map.of("/api/like", "POST", "/api/unlike", "POST", "/api/feed", "GET",
                "/api/likes", "GET", "/api/session", "GET, POST, DELETE", "/", "GET, HEAD");
        for (Map.Entry<String, String> e : allow.entrySet()) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri(e.getKey())).header("Cookie", one.cookie())
                    .method("PUT", HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).as(e.getKey()).hasValue(e.getValue());
        }
        assertThat(get(one, "/api/like").headers().firstValue("Allow")).hasValue("POST");
        for (String path : List.of("/", "/app.js", "/api/feed?contents=post:1", "/api/nothing", "/nothing.js")) {
            assertThat(get(one, path).headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        }
        assertThat(get(one, "/api/nothing").statusCode()).isEqualTo(404);
        assertThat(get(one, "/").headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'"));
    }

    @Test
    void stalledRequestBodiesHoldNoThreadAndAreDroppedAfterTheReadTimeout() throws Exception {
        LikeWebServer.Builder builder = builderOver(InMemoryLikeStore.create()).readTimeout(Duration.ofMillis(500))
                .threads(8);
        start(builder);
        Session one = signIn("1");
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) { // eight times the server's threads
                Socket s = new Socket("127.0.0.1", server.url().getPort());
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/like HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + one.cookie()
                        + "\r\nX-CSRF-Token: " + one.csrf() + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"content\"").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stalled.add(s);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(post(one, "/api/like", "{\"content\":\"post:" + (i + 1) + "\"}").statusCode())
                        .as("answered while 64 bodies stall").isEqualTo(200);
            }
            for (Socket s : stalled) {
                InputStream in = s.getInputStream();
                String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(answer).as("a stalled body is dropped with 408 (or a closed connection)")
                        .isIn("HTTP/1.1 408", "");
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        assertThat(service.count(ContentRef.of("post", 1))).isEqualTo(1);
    }

    @Test
    void contentsOutsideTheCatalogueAreNeverPassedToTheStore() throws Exception {
        Set<ContentRef> asked = ConcurrentHashMap.newKeySet();
        InMemoryLikeStore memory = InMemoryLikeStore.create();
        LikeStore watching = new Delegating(memory) {
            @Override
            public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
                asked.addAll(contents);
                return super.counts(contents);
            }

            @Override
            public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
                asked.addAll(contents);
                return super.likedAmong(userId, contents);
            }

            @Override
            public CompletionStage<LikeResult> apply(LikeMutation mutation) {
                asked.add(mutation.content());
                return super.apply(mutation);
            }
        };
        start(builderOver(watching).contents(WebDemo.CATALOGUE));
        Session one = signIn("1");
        SplittableRandom random = new SplittableRandom(7);
        Set<ContentRef> madeUp = new HashSet<>();
        for (int page = 0; page < 10; page++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ContentRef c = ContentRef.of("post", random.nextLong(1_000, Long.MAX_VALUE));
                madeUp.add(c);
                ids.add(c.toString());
            }
            ids.set(0, "post:1");
            JsonNode feed = body(get(one, "/api/feed?contents=" + String.join(",", ids)));
            assertThat(feed.get("items")).hasSize(100);
            assertThat(feed.get("items").get(1).get("count").asLong()).isZero();
            assertThat(feed.get("items").get(1).get("liked").asBoolean()).isFalse();
        }
        HttpResponse<String> unknown = post(one, "/api/like", "{\"content\":\"post:13\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).contains("post:13");
        assertThat(asked).containsOnly(ContentRef.of("post", 1));
        assertThat(madeUp).hasSize(1_000);
    }

    @Test
    void acceptedIs202RateLimitedIs429AndOverloadOrOutageIs503WithRetryAfter() throws Exception {
        InMemoryLikeStore memory = InMemoryLikeStore.create();
        AtomicReference<Function<LikeMutation, CompletionStage<LikeResult>>> behaviour = new AtomicReference<>();
        start(builderOver(new Delegating(memory) {
            @Override
            public CompletionStage<LikeResult> apply(LikeMutation mutation) {
                return behaviour.get().apply(mutation);
            }
        }));
        Session one = signIn("1");
        behaviour.set(m -> CompletableFuture.completedFuture(new LikeResult(LikeResult.Status.ACCEPTED, true, 1, 7)));
        HttpResponse<String> accepted = post(one, "/api/like", "{\"content\":\"post:1\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(body(accepted).get("status").asText()).isEqualTo("ACCEPTED");

        behaviour.set(m -> CompletableFuture.failedFuture(new LikeRejectedException(
                LikeRejectedException.Reason.RATE_LIMITED, Duration.ofMillis(2_500),
                "user 1 is over their rate limit")));
        HttpResponse<String> limited = post(one, "/api/like", "{\"content\":\"post:1\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("3");

        behaviour.set(m -> CompletableFuture.failedFuture(new LikeRejectedException(
                LikeRejectedException.Reason.OVERLOADED, Duration.ofMillis(100), "too many")));
        assertThat(post(one, "/api/like", "{\"content\":\"post:1\"}").statusCode()).isEqualTo(503);

        behaviour.set(m -> CompletableFuture.failedFuture(new LikeStoreException("Redis is unreachable", null)));
        HttpResponse<String> down = post(one, "/api/like", "{\"content\":\"post:1\"}");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        assertThat(error(down)).doesNotContain("Redis");

        server.apiAvailable(false);
        assertThat(get(one, "/api/feed?contents=post:1").statusCode()).isEqualTo(503);
        assertThat(get(one, "/").statusCode()).as("the page is still served").isEqualTo(200);
    }

    @Test
    void servesThePageItsScriptsAndTheServiceWorkerButNothingElse() throws Exception {
        start(InMemoryLikeStore.create());
        HttpResponse<String> page = get(null, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("aria-pressed", "app.js");
        assertThat(get(null, "/like-client.js").body()).contains("export class LikeClient");
        assertThat(get(null, "/like-client.js").headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        for (String path : List.of("/sw.js", "/signin.html", "/signin.js", "/style.css", "/app.js")) {
            assertThat(get(null, path).statusCode()).as(path).isEqualTo(200);
        }
        for (String path : List.of("/../pom.xml", "/%2e%2e/pom.xml", "/LikeWebServer.class", "/dev/likes/x.js",
                "/x.exe")) {
            int status = get(null, path).statusCode();
            assertThat(status).as(path).isIn(400, 404);
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
