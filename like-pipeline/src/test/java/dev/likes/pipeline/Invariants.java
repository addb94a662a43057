package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The final invariants after a run: MySQL's records equal the model of acknowledged operations, the count rows
 * equal the records, Redis equals both, and the reconciler finds nothing; the figures go to
 * {@code target/reliability-report.txt}.
 */
final class Invariants {

    private Invariants() {}

    /** Waits until everything converged (at most {@code max}), asserts the invariants, and reports. */
    static void assertConverged(String scenario, Harness h, LikePipeline p, Load load, Duration max) {
        assertConverged(scenario, h, p, List.of(load), max);
    }

    /** The same over loads that ran side by side on disjoint users or contents; their figures are summed. */
    static void assertConverged(String scenario, Harness h, LikePipeline p, List<Load> loads, Duration max) {
        for (Load load : loads) {
            assertThat(load.unresolved.get()).as("operations never acknowledged").isZero();
            assertThat(load.staleRetriesApplied.sum()).as("stale retries that changed a pair's state").isZero();
        }
        long operations = sum(loads, l -> l.operations.sum());
        String stats = String.format("operations=%d acknowledged=%d applied=%d unchanged=%d duplicate_request=%d"
                        + " accepted_degraded=%d failed_attempts_retried=%d stale_retries=%d"
                        + " stale_retries_accepted_degraded=%d slowest_call_ms=%d",
                operations, sum(loads, Load::acknowledged), sum(loads, l -> l.count(LikeResult.Status.APPLIED)),
                sum(loads, l -> l.count(LikeResult.Status.UNCHANGED)),
                sum(loads, l -> l.count(LikeResult.Status.DUPLICATE_REQUEST)),
                sum(loads, l -> l.count(LikeResult.Status.ACCEPTED)), sum(loads, l -> l.failedAttempts.sum()),
                sum(loads, l -> l.staleRetries.sum()), sum(loads, l -> l.staleRetriesAccepted.sum()),
                TimeUnit.NANOSECONDS.toMillis(loads.stream().mapToLong(l -> l.slowestCallNanos.get()).max()
                        .orElse(0)));
        Map<ContentRef, Set<Long>> expected = new HashMap<>();
        for (Load load : loads) {
            load.expected().forEach((content, users) -> expected.computeIfAbsent(content, c -> new HashSet<>())
                    .addAll(users));
        }
        try {
            assertConverged(scenario, h, p, expected, Set.of(), operations, stats, max);
        } catch (AssertionError | ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + explain(h, expected, loads), e);
        }
    }

    private static long sum(List<Load> loads, ToLongFunction<Load> figure) {
        return loads.stream().mapToLong(figure).sum();
    }

    /** The attempts made on each pair where MySQL and the model differ (at most 10 pairs). */
    static String explain(Harness h, Map<ContentRef, Set<Long>> expected, List<Load> loads) {
        Map<ContentRef, Set<Long>> mysql = h.mysqlLikers();
        StringBuilder out = new StringBuilder("pairs where MySQL differs from the model, with their attempts:");
        for (Load.Pair pair : differingPairs(expected, mysql, 10)) {
            out.append("\n  ").append(describe(pair, expected));
            for (Load load : loads) {
                load.history(pair.userId(), pair.content()).forEach(line -> out.append("\n    ").append(line));
            }
        }
        return out.toString();
    }

    /**
     * The same over a model given directly. {@code undecided} pairs had an operation in flight when its caller died
     * (never acknowledged, so either outcome is right): they take MySQL's state, which every other check then holds
     * Redis to.
     */
    static void assertConverged(String scenario, Harness h, LikePipeline p, Map<ContentRef, Set<Long>> model,
            Set<Load.Pair> undecided, long operations, String stats, Duration max) {
        long start = System.nanoTime();
        Map<ContentRef, Set<Long>> expected = new HashMap<>();
        await().atMost(max).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            p.repairNow();
            assertThat(p.degradedBacklog()).as("degraded changes replayed into Redis").isZero();
            long journal = h.jdbi.withHandle(x -> x.createQuery("SELECT COUNT(*) FROM like_degraded")
                    .mapTo(Long.class).one());
            assertThat(journal).as("no degraded change waits in the journal, of any process").isZero();
            assertThat(p.redisStore().policy().outboxBacklog().toCompletableFuture().join()).as("outbox drained").isZero();
            Map<ContentRef, Set<Long>> mysqlNow = nonEmpty(h.mysqlLikers());
            expected.clear();
            expected.putAll(resolve(model, undecided, mysqlNow));
            assertThat(differences(expected, mysqlNow)).as("pairs where MySQL's records differ from the acknowledged"
                    + " operations (%d contents expected, %d in MySQL)", expected.size(), mysqlNow.size()).isEmpty();
        });
        long convergedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        Map<ContentRef, Set<Long>> mysql = nonEmpty(h.mysqlLikers());
        assertThat(mysql).isEqualTo(expected);
        long lost = 0;
        long duplicated = 0;
        for (Map.Entry<ContentRef, Set<Long>> e : expected.entrySet()) {
            Set<Long> missing = new HashSet<>(e.getValue());
            missing.removeAll(mysql.getOrDefault(e.getKey(), Set.of()));
            lost += missing.size();
        }
        Map<ContentRef, Long> counts = h.mysqlCounts();
        Set<ContentRef> all = new HashSet<>(expected.keySet());
        all.addAll(counts.keySet());
        for (ContentRef content : all) {
            long want = expected.getOrDefault(content, Set.of()).size();
            long stored = counts.getOrDefault(content, 0L);
            duplicated += Math.max(0, stored - want);
            assertThat(stored).as("like_counts of %s", content).isEqualTo(want);
            OptionalLong cached = p.redisStore().policy().cachedCount(content).toCompletableFuture().join();
            if (cached.isPresent()) {
                assertThat(cached.getAsLong()).as("Redis count of %s", content).isEqualTo(want);
                Set<Long> likers = p.redisStore().policy().cachedLikers(content).toCompletableFuture().join();
                if (likers != null) {
                    assertThat(likers).as("Redis likers of %s", content).isEqualTo(expected.getOrDefault(content, Set.of()));
                }
            }
            assertThat(p.service().count(content)).as("service count of %s", content).isEqualTo(want);
        }
        assertThat(h.mysqlRecordRows()).as("one record row per (user, content) at most")
                .isLessThanOrEqualTo((long) expected.values().stream().mapToInt(Set::size).sum() + operations);
        LikeReconciler.Report report = p.reconciler().reconcile(all, false);
        assertThat(report.clean()).as("reconciler finds no drift: %s", report).isTrue();
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
        report(String.format("%-34s %s lost=%d duplicated=%d liked_pairs=%d undecided_in_flight=%d"
                        + " converged_after_load_ms=%d",
                scenario, stats, lost, duplicated, expected.values().stream().mapToInt(Set::size).sum(),
                undecided.size(), convergedMillis));
    }

    /** The pairs where {@code mysql} differs from {@code expected}, at most 20, each as one line. */
    private static List<String> differences(Map<ContentRef, Set<Long>> expected, Map<ContentRef, Set<Long>> mysql) {
        List<String> out = new ArrayList<>();
        for (Load.Pair pair : differingPairs(expected, mysql, 20)) {
            out.add(describe(pair, expected));
        }
        return out;
    }

    /** A pair that differs, as one line: liked in the model and not in MySQL, or the other way round. */
    private static String describe(Load.Pair pair, Map<ContentRef, Set<Long>> expected) {
        boolean want = expected.getOrDefault(pair.content(), Set.of()).contains(pair.userId());
        return String.format("user %d %s: model %s, MySQL %s", pair.userId(), pair.content(), want, !want);
    }

    /** The pairs liked in one of {@code expected} and {@code mysql} and not in the other, at most {@code most}. */
    private static List<Load.Pair> differingPairs(Map<ContentRef, Set<Long>> expected, Map<ContentRef, Set<Long>> mysql,
            int most) {
        Set<ContentRef> contents = new HashSet<>(expected.keySet());
        contents.addAll(mysql.keySet());
        List<Load.Pair> out = new ArrayList<>();
        for (ContentRef content : contents) {
            Set<Long> want = expected.getOrDefault(content, Set.of());
            Set<Long> have = mysql.getOrDefault(content, Set.of());
            Set<Long> differ = new HashSet<>(want);
            differ.addAll(have);
            differ.removeIf(u -> want.contains(u) == have.contains(u));
            for (long user : differ) {
                if (out.size() == most) {
                    return out;
                }
                out.add(new Load.Pair(user, content));
            }
        }
        return out;
    }

    private static Map<ContentRef, Set<Long>> resolve(Map<ContentRef, Set<Long>> model, Set<Load.Pair> undecided,
            Map<ContentRef, Set<Long>> mysql) {
        Map<ContentRef, Set<Long>> out = new HashMap<>();
        model.forEach((c, users) -> out.put(c, new HashSet<>(users)));
        for (Load.Pair pair : undecided) {
            boolean likedInMysql = mysql.getOrDefault(pair.content(), Set.of()).contains(pair.userId());
            Set<Long> users = out.computeIfAbsent(pair.content(), c -> new HashSet<>());
            if (likedInMysql) {
                users.add(pair.userId());
            } else {
                users.remove(pair.userId());
            }
        }
        return nonEmpty(out);
    }

    static Map<ContentRef, Set<Long>> nonEmpty(Map<ContentRef, Set<Long>> likers) {
        Map<ContentRef, Set<Long>> out = new HashMap<>();
        likers.forEach((c, users) -> {
            if (!users.isEmpty()) {
                out.put(c, users);
            }
        });
        return out;
    }

    private static boolean fresh = true;

    /** Adds a line to this run's report (the file starts empty in every test JVM). */
    static synchronized void report(String line) {
        System.out.println("RELIABILITY " + line);
        try {
            Path file = Path.of("target", "reliability-report.txt");
            Files.createDirectories(file.getParent());
            if (fresh) {
                Files.deleteIfExists(file);
                fresh = false;
            }
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
