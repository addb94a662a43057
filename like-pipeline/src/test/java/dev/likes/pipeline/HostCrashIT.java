package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host process dies (SIGKILL) right after acknowledging likes whose events it had not yet relayed: another
 * process' outbox sweeper relays them, and MySQL ends with every acknowledged change.
 */
class HostCrashIT {

    private static final int ACKS_BEFORE_KILL = 3_000;

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static long countAcks(Path output) throws java.io.IOException {
        if (!Files.exists(output)) {
            return 0;
        }
        try (var lines = Files.lines(output, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.startsWith("ACK ")).count();
        }
    }

    @Test
    void aKilledHostLosesNoAcknowledgedLike() throws Exception {
        crashAndTakeOver(false, 6, "host process killed (SIGKILL)", Duration.ofMinutes(2));
    }

    /** The dead host also ran the consumer: its partitions move to the survivor's after the short session timeout. */
    @Test
    void aKilledHostThatRanTheConsumerHandsItsPartitionsOver() throws Exception {
        // bounded below Kafka's default 45 s session: the consumer's own 10 s session timeout makes the difference
        crashAndTakeOver(true, 500, "host with consumer killed, 500 posts", Duration.ofSeconds(40));
    }

    private void crashAndTakeOver(boolean childConsumes, int posts, String scenario, Duration converge) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashingHost.class.getName(), h.prefix, h.topic, h.group, h.endpoint.url(), h.endpoint.user(),
                childConsumes ? "consume" : "relay", Integer.toString(posts))
                .redirectError(Path.of("target", "crashing-host.err").toFile());
        builder.environment().put("LIKE_CHILD_JDBC_PASSWORD", h.endpoint.password());
        // the topic exists before the child publishes to it
        try (LikePipeline creator = h.pipeline().runConsumer(false).build()) {
            creator.service();
        }
        Path output = Path.of("target", "crashing-host.out");
        Files.deleteIfExists(output);
        builder.redirectOutput(output.toFile());
        Process child = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (countAcks(output) < ACKS_BEFORE_KILL) {
                assertThat(child.isAlive()).as("the child runs (see target/crashing-host.err)").isTrue();
                assertThat(System.nanoTime()).as("child acknowledged %d likes within 2 minutes", ACKS_BEFORE_KILL)
                        .isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // every complete ACK line is a call that returned to the host; a BEGIN without its ACK was in flight
        Map<Load.Pair, Boolean> model = new HashMap<>();
        Load.Pair inFlight = null;
        long acks = 0;
        String text = Files.readString(output, StandardCharsets.UTF_8);
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            String[] f = line.split(" ");
            if (f[0].equals("BEGIN")) {
                inFlight = new Load.Pair(Long.parseLong(f[1]), ContentRef.of("post", Long.parseLong(f[2])));
            } else if (f[0].equals("ACK")) {
                model.put(new Load.Pair(Long.parseLong(f[1]), ContentRef.of("post", Long.parseLong(f[2]))), f[3].equals("L"));
                inFlight = null;
                acks++;
            }
        }
        assertThat(acks).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        Map<ContentRef, Set<Long>> expected = new HashMap<>();
        model.forEach((pair, liked) -> {
            if (liked) {
                expected.computeIfAbsent(pair.content(), c -> new HashSet<>()).add(pair.userId());
            }
        });
        Set<Load.Pair> undecided = new HashSet<>();
        if (inFlight != null) {
            undecided.add(inFlight);
        }
        // a survivor takes over: its sweeper relays what the dead host left in the outbox, its consumer writes MySQL
        try (LikePipeline survivor = h.pipeline().build()) {
            long leftInOutbox = survivor.redisStore().policy().outboxBacklog().toCompletableFuture().join();
            Invariants.assertConverged(scenario, h, survivor, expected, undecided, acks,
                    "acknowledged_by_dead_host=" + acks + " left_in_its_outbox=" + leftInOutbox, converge);
            assertThat(leftInOutbox).as("the dead host left events it had not relayed").isPositive();
        }
    }
}
