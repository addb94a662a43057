package dev.likes.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code redis-server} processes a test starts for itself (on free loopback ports, without persistence), for what the
 * shared server cannot be used for: killing it, or a replica of it. {@link #stopAll()} ends them, stopped or not.
 */
final class OwnRedisServers {

    private final Path dir;
    private final List<Process> servers = new ArrayList<>();

    OwnRedisServers(Path dir) {
        this.dir = dir;
    }

    /** Starts one and waits until it answers {@code PING}. */
    Process start(String name, int port, String... extra) throws IOException {
        Path home = dir.resolve(name);
        home.toFile().mkdirs();
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", home.toString()));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("redis.log").toFile()).start();
        servers.add(p);
        RedisClient client = RedisClient.create(uri(port));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    return "PONG".equals(c.sync().ping());
                }
            });
        } finally {
            client.shutdown();
        }
        return p;
    }

    void stopAll() {
        for (Process p : servers) {
            signal(p.pid(), "CONT");
            p.destroyForcibly();
        }
    }

    static RedisURI uri(int port) {
        return RedisURI.create("redis://127.0.0.1:" + port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
