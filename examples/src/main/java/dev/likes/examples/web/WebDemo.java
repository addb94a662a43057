package dev.likes.examples.web;

import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.examples.pipeline.Servers;
import dev.likes.pipeline.LikePipeline;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * Starts the demo web app and prints its address: on the in-memory store by default, or with {@code --full} on the
 * whole pipeline (Redis, Kafka, MySQL from {@code scripts/services.sh env}). Stops on Ctrl-C.
 */
public final class WebDemo {

    /** How many posts the demo feed shows. */
    public static final int POSTS = 12;

    /** The demo's catalogue: posts 1 to {@value #POSTS}; the page shows these and nothing else exists. */
    public static final Predicate<ContentRef> CATALOGUE =
            c -> c.type().equals("post") && c.id() >= 1 && c.id() <= POSTS;

    private WebDemo() {}

    /**
     * Runs the demo.
     *
     * @param args {@code [--port N] [--full]}
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        int port = 8080;
        boolean full = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--full" -> full = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --port N, --full)");
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        if (!full) {
            try (LikeService service = LikeService.inMemory();
                    LikeWebServer server = LikeWebServer.builder(service).port(port).contents(CATALOGUE).start()) {
                System.out.println("like demo (in memory) at " + server.url() + "  (Ctrl-C stops it)");
                stop.await();
            }
            return;
        }
        try (HikariDataSource pool = Servers.database("like_demo");
                LikePipeline pipeline = Servers.pipeline(pool, "webdemo")
                        .configureRedis(r -> r.contentFilter(CATALOGUE))
                        .build();
                LikeWebServer server = LikeWebServer.builder(pipeline.service()).port(port).contents(CATALOGUE)
                        .start()) {
            System.out.println("like demo (Redis -> Kafka -> MySQL) at " + server.url() + "  (Ctrl-C stops it)");
            stop.await();
        }
    }
}
