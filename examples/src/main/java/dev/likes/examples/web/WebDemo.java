package dev.likes.examples.web;

import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.LikeService;
import dev.likes.examples.pipeline.Servers;
import dev.likes.pipeline.LikePipeline;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the demo web app and prints its address: on the in-memory store by default, or with {@code --full} on the
 * whole pipeline (Redis, Kafka, MySQL from {@code scripts/services.sh env}). Stops on Ctrl-C.
 */
public final class WebDemo {

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
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (use --port N, --full)");
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        if (!full) {
            try (LikeService service = LikeService.inMemory(); LikeWebServer server = LikeWebServer.start(service, port)) {
                System.out.println("like demo (in memory) at " + server.url() + "  (Ctrl-C stops it)");
                stop.await();
            }
            return;
        }
        try (HikariDataSource pool = Servers.database("like_demo");
                LikePipeline pipeline = Servers.pipeline(pool, "webdemo").build();
                LikeWebServer server = LikeWebServer.start(pipeline.service(), port)) {
            System.out.println("like demo (Redis -> Kafka -> MySQL) at " + server.url() + "  (Ctrl-C stops it)");
            stop.await();
        }
    }
}
