package dev.likes.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.likes.core.ContentRef;
import dev.likes.core.FeedState;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStoreException;
import dev.likes.core.Page;
import dev.likes.core.PageRequest;
import dev.likes.core.UserLike;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The design's front end as a working reference: a small HTTP server (the JDK's own {@link HttpServer}, no framework)
 * embedding a {@link LikeService}, with a JSON API and a page of posts whose like buttons use the dependency-free
 * {@code like-client.js}.
 *
 * <pre>
 * POST /api/like     {"user": 1, "content": "post:3", "requestId": "..."}  -&gt; 200 {"status","liked","count"}
 * POST /api/unlike   the same                                             -&gt; 202 when ACCEPTED (will show later)
 * GET  /api/feed?user=1&amp;contents=post:1,post:2                            -&gt; {"stale", "items": [{"content","count","liked"}]}
 * GET  /api/likes?user=1&amp;limit=20&amp;cursor=...                              -&gt; {"items": [{"content","likedAt"}], "next"}
 * </pre>
 *
 * Bad input answers 400 with {@code {"error": "..."}} naming the argument; a rate limit 429 and an overload or a down
 * backend 503, both with {@code Retry-After}. Listens on 127.0.0.1 only. Thread-safe; {@link #close()} stops it.
 */
public final class LikeWebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LikeWebServer.class);
    private static final int MAX_BODY = 4_096;
    private static final String STATIC = "/dev/likes/examples/web/static/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "png", "image/png");

    private final LikeService service;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService workers;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean apiAvailable = true;

    private LikeWebServer(LikeService service, int port) throws IOException {
        this.service = Objects.requireNonNull(service, "service must not be null");
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        this.workers = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "like-web");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/api/", this::api);
        server.createContext("/", this::files);
        server.start();
    }

    /**
     * Starts a server.
     *
     * @param service the like service it serves; the caller closes it
     * @param port the port on 127.0.0.1, 0 for any free one
     * @return the running server
     * @throws IOException if the port cannot be bound
     */
    public static LikeWebServer start(LikeService service, int port) throws IOException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
        }
        return new LikeWebServer(service, port);
    }

    /**
     * The address of the page.
     *
     * @return e.g. {@code http://127.0.0.1:8080/}
     */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /**
     * Delays every API answer, to show (and test) that the button answers before the server does.
     *
     * @param delay zero or more
     */
    public void responseDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, but was " + delay);
        }
        this.delay = delay;
    }

    /**
     * Makes the API answer 503 (as a backend outage would) while the page itself is still served.
     *
     * @param available whether the API works
     */
    public void apiAvailable(boolean available) {
        this.apiAvailable = available;
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                if (!delay.isZero()) {
                    TimeUnit.MILLISECONDS.sleep(delay.toMillis());
                }
                if (!apiAvailable) {
                    exchange.getResponseHeaders().set("Retry-After", "1");
                    send(exchange, 503, error("the like service is unavailable (demo switch)"));
                    return;
                }
                route(exchange);
            } catch (LikeRejectedException e) {
                long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1_000);
                exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
                send(exchange, e.reason() == LikeRejectedException.Reason.RATE_LIMITED ? 429 : 503, error(e.getMessage()));
            } catch (LikeStoreException e) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                send(exchange, 503, error("the like store is unavailable; retry"));
                log.debug("store failure answered 503: {}", e.toString());
            } catch (IllegalArgumentException | NullPointerException e) {
                send(exchange, 400, error(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                send(exchange, 503, error("interrupted"));
            } catch (RuntimeException e) {
                log.warn("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                send(exchange, 500, error("internal error"));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/api/like", "/api/unlike" -> {
                if (!method.equals("POST")) {
                    send(exchange, 405, error(path + " takes POST"));
                    return;
                }
                mutate(exchange, path.equals("/api/like"));
            }
            case "/api/feed" -> {
                if (!method.equals("GET")) {
                    send(exchange, 405, error(path + " takes GET"));
                    return;
                }
                feed(exchange);
            }
            case "/api/likes" -> {
                if (!method.equals("GET")) {
                    send(exchange, 405, error(path + " takes GET"));
                    return;
                }
                likes(exchange);
            }
            default -> send(exchange, 404, error("no such API: " + path));
        }
    }

    private void mutate(HttpExchange exchange, boolean like) throws IOException {
        JsonNode body = body(exchange);
        long user = number(body, "user");
        ContentRef content = ContentRef.parse(text(body, "content"));
        JsonNode rid = body.get("requestId");
        String requestId = rid == null || rid.isNull() ? null : text(body, "requestId");
        LikeResult r = like ? service.like(user, content, requestId) : service.unlike(user, content, requestId);
        ObjectNode out = json.createObjectNode()
                .put("status", r.status().name())
                .put("liked", r.liked())
                .put("count", r.count());
        send(exchange, r.accepted() ? 202 : 200, out);
    }

    private void feed(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange);
        long user = parseLong("user", q.get("user"));
        String list = q.get("contents");
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("contents must list 1 to " + LikeService.MAX_BATCH_SIZE + " type:id values");
        }
        List<ContentRef> contents = new ArrayList<>();
        for (String item : list.split(",", LikeService.MAX_BATCH_SIZE + 2)) {
            contents.add(ContentRef.parse(item.trim()));
        }
        FeedState state = service.feed(user, contents);
        ObjectNode out = json.createObjectNode().put("stale", state.possiblyStale());
        ArrayNode items = out.putArray("items");
        for (ContentRef c : contents) {
            items.addObject().put("content", c.toString()).put("count", state.counts().get(c)).put("liked",
                    state.liked().contains(c));
        }
        send(exchange, 200, out);
    }

    private void likes(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange);
        long user = parseLong("user", q.get("user"));
        int limit = q.containsKey("limit") ? (int) parseLong("limit", q.get("limit")) : PageRequest.DEFAULT_LIMIT;
        String cursor = q.get("cursor");
        Page<UserLike> page = service.likesOf(user, cursor == null ? PageRequest.first(limit) : PageRequest.after(cursor, limit));
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("items");
        for (UserLike like : page.items()) {
            items.addObject().put("content", like.content().toString()).put("likedAt", like.likedAt().toString());
        }
        if (page.nextCursor() != null) {
            out.put("next", page.nextCursor());
        } else {
            out.putNull("next");
        }
        send(exchange, 200, out);
    }

    private JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new IllegalArgumentException("request body must be at most " + MAX_BODY + " bytes");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("request body must be a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("request body must be a JSON object");
        }
        return node;
    }

    private static long number(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
        return v.asLong();
    }

    private static String text(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(name + " must be a string");
        }
        return v.asText();
    }

    private static long parseLong(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> q = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&", 20)) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private ObjectNode error(String message) {
        return json.createObjectNode().put("error", message == null ? "bad request" : message);
    }

    private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void files(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/")) {
                path = "/index.html";
            }
            String name = path.substring(1);
            int dot = name.lastIndexOf('.');
            String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
            InputStream in = !name.matches("[a-z0-9-]+\\.[a-z]+") || type == null
                    ? null
                    : LikeWebServer.class.getResourceAsStream(STATIC + name);
            if (in == null) {
                byte[] missing = "not found".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, missing.length);
                exchange.getResponseBody().write(missing);
                return;
            }
            byte[] bytes;
            try (in) {
                bytes = in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    /** Stops listening at once and ends the worker threads. */
    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
