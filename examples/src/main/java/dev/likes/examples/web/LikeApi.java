package dev.likes.examples.web;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API of {@link LikeWebServer}: routes, strict parsing of requests, sessions and anti-forgery checks, and
 * the mapping of the service's outcomes to HTTP statuses.
 */
final class LikeApi {

    private static final Logger log = LoggerFactory.getLogger(LikeApi.class);
    static final int MAX_BODY = 4_096;
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    /** A refusal answered with its status and message. */
    static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String allow;

        HttpError(int status, String message) {
            this(status, message, null);
        }

        HttpError(int status, String message, String allow) {
            super(message, null, false, false);
            this.status = status;
            this.allow = allow;
        }
    }

    /** Work done for one request, which may throw an {@link HttpError} or the service's exceptions. */
    private interface Work {
        void run() throws Exception;
    }

    private final LikeService service;
    private final Predicate<ContentRef> known;
    private final Sessions sessions;
    private final Duration readTimeout;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean available = true;

    LikeApi(LikeService service, Predicate<ContentRef> known, Sessions sessions, Duration readTimeout) {
        this.service = service;
        this.known = known;
        this.sessions = sessions;
        this.readTimeout = readTimeout;
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    void available(boolean available) {
        this.available = available;
    }

    void handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        switch (path) {
            case "/api/session" -> {
                switch (method) {
                    case "GET" -> answer(request, response, callback, () -> whoAmI(request, response, callback));
                    case "POST" -> withBody(request, response, callback,
                            body -> signIn(request, response, callback, body));
                    case "DELETE" -> answer(request, response, callback, () -> signOut(request, response, callback));
                    default -> refuse(response, callback, new HttpError(405, path + " takes GET, POST or DELETE",
                            "GET, POST, DELETE"));
                }
            }
            case "/api/like", "/api/unlike" -> {
                if (!method.equals("POST")) {
                    refuse(response, callback, new HttpError(405, path + " takes POST", "POST"));
                } else {
                    withBody(request, response, callback, body -> mutate(request, response, callback, body,
                            path.equals("/api/like")));
                }
            }
            case "/api/feed", "/api/likes" -> {
                if (!method.equals("GET")) {
                    refuse(response, callback, new HttpError(405, path + " takes GET", "GET"));
                } else if (path.equals("/api/feed")) {
                    answer(request, response, callback, () -> feed(request, response, callback));
                } else {
                    answer(request, response, callback, () -> likes(request, response, callback));
                }
            }
            default -> refuse(response, callback, new HttpError(404, "no such API: " + path));
        }
    }

    private void whoAmI(Request request, Response response, Callback callback) {
        Sessions.Session session = session(request);
        send(response, callback, 200, sessionJson(session));
    }

    private void signIn(Request request, Response response, Callback callback, JsonNode body) {
        requireSameOrigin(request);
        onlyFields(body, Set.of("user"));
        JsonNode user = body.get("user");
        if (user == null || !user.isTextual() || !user.asText().matches("[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("user must be a positive 64-bit id written as a decimal string");
        }
        long id;
        try {
            id = Long.parseLong(user.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("user must be a positive 64-bit id written as a decimal string");
        }
        Sessions.Session session = sessions.open(id);
        Response.addCookie(response, HttpCookie.build(LikeWebServer.SESSION_COOKIE, session.token())
                .path("/").httpOnly(true).sameSite(HttpCookie.SameSite.STRICT).build());
        send(response, callback, 200, sessionJson(session));
    }

    private void signOut(Request request, Response response, Callback callback) {
        Sessions.Session session = session(request);
        requireSameOrigin(request);
        requireCsrf(request, session);
        Response.addCookie(response, HttpCookie.build(LikeWebServer.SESSION_COOKIE, "").path("/").httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT).maxAge(0).build());
        send(response, callback, 200, json.createObjectNode());
    }

    private ObjectNode sessionJson(Sessions.Session session) {
        return json.createObjectNode().put("user", Long.toString(session.user())).put("csrf", session.csrf());
    }

    private void mutate(Request request, Response response, Callback callback, JsonNode body, boolean like) {
        Sessions.Session session = session(request);
        requireSameOrigin(request);
        requireCsrf(request, session);
        onlyFields(body, Set.of("content", "requestId"));
        JsonNode c = body.get("content");
        if (c == null || !c.isTextual()) {
            throw new IllegalArgumentException("content must be a string type:id, e.g. post:42");
        }
        ContentRef content = ContentRef.parse(c.asText());
        JsonNode rid = body.get("requestId");
        if (rid != null && !rid.isNull() && !rid.isTextual()) {
            throw new IllegalArgumentException("requestId must be a string");
        }
        String requestId = rid == null || rid.isNull() ? null : rid.asText();
        if (!known.test(content)) {
            throw new HttpError(404, "no such content: " + content);
        }
        LikeResult r = like
                ? service.like(session.user(), content, requestId)
                : service.unlike(session.user(), content, requestId);
        ObjectNode out = json.createObjectNode()
                .put("status", r.status().name())
                .put("liked", r.liked())
                .put("count", r.count());
        send(response, callback, r.accepted() ? 202 : 200, out);
    }

    private void feed(Request request, Response response, Callback callback) {
        Sessions.Session session = session(request);
        Map<String, String> q = query(request, Set.of("contents"));
        String list = q.get("contents");
        String rule = "contents must list 1 to " + LikeService.MAX_BATCH_SIZE + " type:id values, comma-separated";
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException(rule);
        }
        String[] items = list.split(",", LikeService.MAX_BATCH_SIZE + 1);
        if (items.length > LikeService.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(rule);
        }
        Set<ContentRef> contents = new LinkedHashSet<>();
        for (String item : items) {
            contents.add(ContentRef.parse(item));
        }
        List<ContentRef> served = new ArrayList<>();
        for (ContentRef content : contents) {
            if (known.test(content)) {
                served.add(content);
            }
        }
        FeedState state = served.isEmpty() ? null : service.feed(session.user(), served);
        ObjectNode out = json.createObjectNode().put("stale", state != null && state.possiblyStale());
        ArrayNode array = out.putArray("items");
        for (ContentRef content : contents) {
            boolean has = state != null && state.counts().containsKey(content);
            array.addObject().put("content", content.toString())
                    .put("count", has ? state.counts().get(content) : 0L)
                    .put("liked", state != null && state.liked().contains(content));
        }
        send(response, callback, 200, out);
    }

    private void likes(Request request, Response response, Callback callback) {
        Sessions.Session session = session(request);
        Map<String, String> q = query(request, Set.of("limit", "cursor"));
        int limit = PageRequest.DEFAULT_LIMIT;
        String rawLimit = q.get("limit");
        if (rawLimit != null) {
            if (!rawLimit.matches("[0-9]{1,4}") || Integer.parseInt(rawLimit) < 1
                    || Integer.parseInt(rawLimit) > PageRequest.MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be a whole number from 1 to " + PageRequest.MAX_LIMIT);
            }
            limit = Integer.parseInt(rawLimit);
        }
        String cursor = q.get("cursor");
        Page<UserLike> page = service.likesOf(session.user(),
                cursor == null ? PageRequest.first(limit) : PageRequest.after(cursor, limit));
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
        send(response, callback, 200, out);
    }

    private Sessions.Session session(Request request) {
        String token = null;
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(LikeWebServer.SESSION_COOKIE)) {
                token = cookie.getValue();
                break;
            }
        }
        Sessions.Session session = sessions.find(token);
        if (session == null) {
            throw new HttpError(401, "not signed in: POST /api/session {\"user\": \"<id>\"} first");
        }
        return session;
    }

    private static void requireCsrf(Request request, Sessions.Session session) {
        if (!Sessions.csrfMatches(session, request.getHeaders().get(LikeWebServer.CSRF_HEADER))) {
            throw new HttpError(403, "send the anti-forgery token that GET /api/session gives in the "
                    + LikeWebServer.CSRF_HEADER + " header");
        }
    }

    private static void requireSameOrigin(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (origin != null && !origin.equals("http://" + host)) {
            throw new HttpError(403, "cross-origin requests are refused");
        }
    }

    private static void onlyFields(JsonNode body, Set<String> allowed) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals("user") && !allowed.contains("user")) {
                throw new IllegalArgumentException("user must not be sent: it comes from the session cookie");
            }
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown field " + name + "; this call takes " + allowed);
            }
        }
    }

    private static Map<String, String> query(Request request, Set<String> allowed) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = request.getHttpURI().getQuery();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (name.equals("user")) {
                throw new IllegalArgumentException("user must not be sent: it comes from the session cookie");
            }
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown parameter " + name + "; this call takes " + allowed);
            }
            if (q.put(name, value) != null) {
                throw new IllegalArgumentException(name + " must be given once");
            }
        }
        return q;
    }

    /** Reads the body without holding a thread while it arrives, then does the work. */
    private void withBody(Request request, Response response, Callback callback, Consumer<JsonNode> work) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        HttpError early = null;
        if (type == null || !type.split(";", 2)[0].trim().equalsIgnoreCase("application/json")) {
            early = new HttpError(415, "the body must be JSON: Content-Type: application/json");
        } else if (request.getLength() > MAX_BODY) {
            early = new HttpError(413, "request body must be at most " + MAX_BODY + " bytes");
        }
        if (early != null) {
            // the body is not read: the connection cannot carry another request
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            refuse(response, callback, early);
            return;
        }
        // BLOCKING: Jetty calls this on a pool thread once the body is in, never on its selector
        Content.Source.asByteArrayAsync(request, MAX_BODY + 1, Promise.Invocable.from(InvocationType.BLOCKING,
                (byte[] bytes, Throwable failure) -> {
                    if (failure != null) {
                        refuse(response, callback, bodyFailure(failure));
                    } else {
                        answer(request, response, callback, () -> work.accept(parse(bytes)));
                    }
                }));
    }

    private HttpError bodyFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return new HttpError(408, "the request body did not arrive within " + readTimeout.toMillis() + " ms");
            }
        }
        return new HttpError(413, "request body must be at most " + MAX_BODY + " bytes");
    }

    private JsonNode parse(byte[] bytes) {
        if (bytes.length > MAX_BODY) {
            throw new HttpError(413, "request body must be at most " + MAX_BODY + " bytes");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("request body must be one JSON object without duplicate keys");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("request body must be one JSON object without duplicate keys");
        }
        return node;
    }

    private void answer(Request request, Response response, Callback callback, Work work) {
        try {
            if (!delay.isZero()) {
                TimeUnit.MILLISECONDS.sleep(delay.toMillis());
            }
            if (!available) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                throw new HttpError(503, "the like service is unavailable (demo switch)");
            }
            work.run();
        } catch (HttpError e) {
            refuse(response, callback, e);
        } catch (LikeRejectedException e) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1_000);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
            int status = e.reason() == LikeRejectedException.Reason.RATE_LIMITED ? 429 : 503;
            refuse(response, callback, new HttpError(status, e.getMessage()));
        } catch (LikeStoreException e) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            log.debug("store failure answered 503: {}", e.toString());
            refuse(response, callback, new HttpError(503, "the like store is unavailable; retry"));
        } catch (IllegalArgumentException | NullPointerException e) {
            refuse(response, callback, new HttpError(400, e.getMessage() == null ? "bad request" : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refuse(response, callback, new HttpError(503, "interrupted"));
        } catch (Exception e) {
            log.warn("request {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            refuse(response, callback, new HttpError(500, "internal error"));
        }
    }

    void refuse(Response response, Callback callback, HttpError error) {
        if (error.allow != null) {
            response.getHeaders().put(HttpHeader.ALLOW, error.allow);
        }
        send(response, callback, error.status, json.createObjectNode().put("error", error.getMessage()));
    }

    private void send(Response response, Callback callback, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
