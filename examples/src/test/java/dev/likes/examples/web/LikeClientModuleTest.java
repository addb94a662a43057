package dev.likes.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the tests of the front-end package {@code like-client} (its logic against a fake API, on Node.js's own test
 * runner: {@code node --test}) as part of the build. The browser tests drive the same module in Chromium.
 */
class LikeClientModuleTest {

    @Test
    void theModulesOwnTestsPass() throws Exception {
        Path dir = Path.of("..", "like-client").toAbsolutePath().normalize();
        assertThat(dir.resolve("like-client.js")).exists();
        String node = System.getenv().getOrDefault("LIKE_NODE", "node");
        Process process;
        try {
            process = new ProcessBuilder(node, "--test", "test/").directory(dir.toFile()).redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("like-client's tests need Node.js (" + node + "): scripts/test.sh installs"
                    + " it (Debian package nodejs) when the machine has none", e);
        }
        Path log = Files.createTempFile("like-client-tests", ".tap");
        try {
            boolean ended = process.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(log, out);
            assertThat(ended).as("node --test ended within 2 minutes").isTrue();
            assertThat(process.exitValue()).as(out).isZero();
            assertThat(out).contains("# fail 0").doesNotContain("# pass 0");
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
