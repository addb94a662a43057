package dev.likes.examples.web;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The design's front end as a working reference: a small HTTP server (Jetty) embedding a {@link LikeService}, with a
 * JSON API and a page of posts whose like buttons use the dependency-free {@code like-client.js}.
 *
 * <pre>
 * GET    /api/session                                   -&gt; {"user": "42", "csrf": "..."} or 401
 * POST   /api/session  {"user": "42"}                   -&gt; the same, and the session cookie (no password: a demo)
 * DELETE /api/session                                   -&gt; clears the cookie (the token lasts until it expires)
 * POST   /api/like     {"content": "post:3", "requestId": "..."}  -&gt; 200 {"status", "liked", "count"}
 * POST   /api/unlike   the same                         -&gt; 202 when ACCEPTED (will show later)
 * GET    /api/feed?contents=post:1,post:2               -&gt; {"stale", "items": [{"content", "count", "liked"}]}
 * GET    /api/likes?limit=20&amp;cursor=...                 -&gt; {"items": [{"content", "likedAt"}], "next"}
 * </pre>
 *
 * <p>The user of every call is the session's ({@value #SESSION_COOKIE} cookie, {@code HttpOnly},
 * {@code SameSite=Strict}, signed with {@link Builder#sessionKey the server's key}); a {@code user} in a body or query
 * is refused. A {@code POST} or {@code DELETE} needs
 * {@code Content-Type: application/json} (415), the session's anti-forgery token in {@value #CSRF_HEADER} (403) and,
 * when the browser sends {@code Origin}, this server's origin (403). Bodies are one JSON object of at most 4,096 bytes
 * without duplicate keys or trailing text (400, 413); a body that stops arriving is dropped after the read timeout
 * (408) without holding a thread meanwhile. Contents outside {@link Builder#contents the catalogue} are 404 for a like
 * and "nobody likes it" in a feed, without a call to the service (so reads of made-up ids do not fill a cache). A rate
 * limit answers 429 and an overload or a down backend 503, both with {@code Retry-After}; a wrong method 405 with
 * {@code Allow}. Every answer has {@code X-Content-Type-Options: nosniff}; pages have a same-origin content security
 * policy. Listens on 127.0.0.1 only. Thread-safe; {@link #close()} stops it.
 */
public final class LikeWebServer implements AutoCloseable {

    /** The session cookie's name. */
    public static final String SESSION_COOKIE = "like_session";
    /** The header that carries the session's anti-forgery token on POST and DELETE. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private static final String STATIC = "/dev/likes/examples/web/static/";
    private static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "png", "image/png");

    private final Server server;
    private final ServerConnector connector;
    private final LikeApi api;

    private LikeWebServer(Builder b) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(b.threads, Math.min(4, b.threads));
        threads.setName("like-web");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(32 * 1024); // a feed of 1,000 contents with 63-bit ids is a 26 KB request line
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(b.port);
        connector.setIdleTimeout(b.readTimeout.toMillis());
        server.addConnector(connector);
        this.api = new LikeApi(b.service, b.contents, new Sessions(b.sessionKey, b.sessionLifetime, Clock.systemUTC()),
                b.readTimeout);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                HttpFields.Mutable headers = response.getHeaders();
                headers.put("X-Content-Type-Options", "nosniff");
                headers.put("Referrer-Policy", "no-referrer");
                headers.put("X-Frame-Options", "DENY");
                if (request.getHttpURI().getPath().startsWith("/api/")) {
                    api.handle(request, response, callback);
                } else {
                    file(request, response, callback);
                }
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the web server on 127.0.0.1:" + b.port, e);
        }
    }

    /**
     * A builder for a server of this service.
     *
     * @param service the like service it serves; the caller closes it
     * @return a builder with the defaults: any free port, every content known, 5 s read timeout, 32 threads, a
     *     random session key
     */
    public static Builder builder(LikeService service) {
        return new Builder(Objects.requireNonNull(service, "service must not be null"));
    }

    /**
     * Starts a server with the defaults on this port.
     *
     * @param service the like service it serves; the caller closes it
     * @param port the port on 127.0.0.1, 0 for any free one
     * @return the running server
     * @throws IOException if the port cannot be bound
     */
    public static LikeWebServer start(LikeService service, int port) throws IOException {
        return builder(service).port(port).start();
    }

    /**
     * The address of the page.
     *
     * @return e.g. {@code http://127.0.0.1:8080/}
     */
    public URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
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
        api.delay(delay);
    }

    /**
     * Makes the API answer 503 (as a backend outage would) while the page itself is still served.
     *
     * @param available whether the API works
     */
    public void apiAvailable(boolean available) {
        api.available(available);
    }

    private void file(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            plain(response, callback, 405, "this path takes GET or HEAD");
            return;
        }
        String path = request.getHttpURI().getPath();
        String name = path.equals("/") ? "index.html" : path.substring(1);
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        byte[] bytes = null;
        if (type != null && name.matches("[a-z0-9-]+\\.[a-z]+")) {
            try (InputStream in = LikeWebServer.class.getResourceAsStream(STATIC + name)) {
                bytes = in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                callback.failed(e);
                return;
            }
        }
        if (bytes == null) {
            plain(response, callback, 404, "not found");
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        if (name.endsWith(".html")) {
            response.getHeaders().put("Content-Security-Policy", PAGE_POLICY);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, method.equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(bytes), callback);
    }

    private static void plain(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** Stops listening at once and ends the server's threads. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the web server did not stop", e);
        }
    }

    /** Settings of a {@link LikeWebServer}; not thread-safe. */
    public static final class Builder {
        private final LikeService service;
        private int port;
        private Predicate<ContentRef> contents = c -> true;
        private Duration readTimeout = Duration.ofSeconds(5);
        private int threads = 32;
        private byte[] sessionKey = new byte[32];
        private Duration sessionLifetime = Duration.ofHours(12);

        private Builder(LikeService service) {
            this.service = service;
            new SecureRandom().nextBytes(sessionKey);
        }

        /**
         * The port on 127.0.0.1.
         *
         * @param port 0 (any free one, the default) to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The catalogue: the contents that exist. Likes of others are 404 and feeds show them unliked with no
         * likes, without calling the service. Give the same predicate to {@code RedisLikeStore.Builder.contentFilter}
         * so that no other caller fills Redis with made-up ids either.
         *
         * @param exists whether a content exists; thread-safe; every content by default
         * @return this builder
         */
        public Builder contents(Predicate<ContentRef> exists) {
            this.contents = Objects.requireNonNull(exists, "contents must not be null");
            return this;
        }

        /**
         * How long the server waits for the next bytes of a request before it drops the connection (idle timeout).
         *
         * @param timeout 100 ms to 5 minutes; 5 s by default
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("readTimeout must be between 100 ms and 5 minutes, but was "
                        + timeout);
            }
            this.readTimeout = timeout;
            return this;
        }

        /**
         * The most threads that serve requests (and call the service, which blocks up to its call timeout).
         *
         * @param threads 8 to 1,000; 32 by default
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 8 || threads > 1_000) {
                throw new IllegalArgumentException("threads must be between 8 and 1000, but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * The key that signs session cookies (HMAC-SHA256). Servers that share a key accept each other's sessions,
         * also across restarts; keep it secret, like a password.
         *
         * @param key at least 32 bytes; a random key per server by default
         * @return this builder
         */
        public Builder sessionKey(byte[] key) {
            if (key.length < 32) {
                throw new IllegalArgumentException("sessionKey must be at least 32 bytes, but was " + key.length);
            }
            this.sessionKey = key.clone();
            return this;
        }

        /**
         * How long a sign-in lasts.
         *
         * @param lifetime 1 minute to 30 days; 12 hours by default
         * @return this builder
         */
        public Builder sessionLifetime(Duration lifetime) {
            if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("sessionLifetime must be between 1 minute and 30 days, but was "
                        + lifetime);
            }
            this.sessionLifetime = lifetime;
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IOException if the port cannot be bound
         */
        public LikeWebServer start() throws IOException {
            return new LikeWebServer(this);
        }
    }
}
