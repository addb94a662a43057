package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeException;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.testservers.Server;
import dev.likes.testservers.TestServices;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Two shards on two MariaDB servers of their own (the shared test server and {@code scripts/services.sh}'s
 * {@code mariadb-shard}), a MySQL-only like service over them, and load at the production shape of
 * {@code WORKLOADS.md}: random 63-bit users, 500 contents of two types with random 63-bit ids, 90% likes, 8% unlikes,
 * 2% repeated clicks, 70% with a request ID, 5% retried with their request ID (at once, or seconds later after the
 * answer, when the pair may have changed since: a stale retry that must not apply again). The second shard
 * server is killed ({@code SIGKILL}) or hung ({@code SIGSTOP}) for 5 s and for 90 s during the load.
 *
 * <p>Checked: the first shard's calls keep succeeding, each within the call timeout, while the second's fail; after
 * the fault every failed call is retried until answered, and then the model of acknowledged intents holds on both
 * servers (lost 0, duplicated 0, phantom 0, each pair in its last acknowledged state, counts equal to the records).
 */
class JdbiShardFaultIT {

    private static final int THREADS = 8;
    private static final int CONTENTS = 500;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void aShardServerKilledFor5SecondsOnlyFailsItsOwnContents() throws Exception {
        run("killed", Duration.ofSeconds(5));
    }

    @Test
    void aShardServerHungFor5SecondsOnlyFailsItsOwnContents() throws Exception {
        run("hung", Duration.ofSeconds(5));
    }

    @Test
    void aShardServerKilledFor90SecondsOnlyFailsItsOwnContents() throws Exception {
        run("killed", Duration.ofSeconds(90));
    }

    @Test
    void aShardServerHungFor90SecondsOnlyFailsItsOwnContents() throws Exception {
        run("hung", Duration.ofSeconds(90));
    }

    private record Pair(long user, ContentRef content) {}

    /** A call: the pair, like or unlike, and its request ID (or null). */
    private record Call(Pair pair, boolean like, String requestId) {}

    private static final class Phase {
        final Recorder[] latency = {new Recorder(3), new Recorder(3)};
        final AtomicInteger[] ok = {new AtomicInteger(), new AtomicInteger()};
        final AtomicInteger[] failed = {new AtomicInteger(), new AtomicInteger()};
    }

    private void run(String fault, Duration outage) throws Exception {
        Jdbi first = Topology.pooled(TestServices.freshDatabase(), 16, Topology.TIMEOUTS, 2_000);
        JdbiLikeStore.createSchema(first);
        Jdbi second = Topology.onShardServer();
        List<ContentRef> contents = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(outage.toSeconds() * 31 + fault.length());
        while (contents.size() < CONTENTS) {
            contents.add(ContentRef.of(contents.size() % 3 == 0 ? "comment" : "post", randomId(seeds)));
        }
        Map<Pair, Boolean> model = new ConcurrentHashMap<>();
        List<Call> unanswered = new ArrayList<>();
        AtomicInteger staleRetriesApplied = new AtomicInteger();
        AtomicReference<Phase> phase = new AtomicReference<>(new Phase());
        Phase before = phase.get();
        Phase during = new Phase();
        Phase after = new Phase();
        Histogram[][] latencies = new Histogram[3][];
        try (JdbiLikeStore store = JdbiLikeStore.builder(List.of(JdbiShard.of(first), JdbiShard.of(second))).build();
                LikeService service = LikeService.builder(store).callTimeout(CALL_TIMEOUT).build()) {
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            AtomicInteger stop = new AtomicInteger();
            List<Future<List<Call>>> loads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = seeds.nextLong();
                int shardOfThread = t % 2; // the host's request threads: a call waiting on one shard holds only its own
                List<ContentRef> own = contents.stream().filter(c -> Math.floorMod(c.id(), 2L) == shardOfThread)
                        .toList();
                loads.add(threads.submit(() -> load(service, own, seed, model, phase, stop, staleRetriesApplied)));
            }
            TimeUnit.SECONDS.sleep(3);
            phase.set(during);
            if (fault.equals("killed")) {
                TestServices.kill(Server.MARIADB_SHARD);
            } else {
                TestServices.hang(Server.MARIADB_SHARD);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(outage.toMillis());
            } finally {
                phase.set(after);
                if (fault.equals("killed")) {
                    TestServices.start(Server.MARIADB_SHARD);
                } else {
                    TestServices.resume(Server.MARIADB_SHARD);
                }
            }
            long recovered = System.nanoTime();
            TimeUnit.SECONDS.sleep(3);
            stop.set(1);
            threads.shutdown();
            assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            for (Future<List<Call>> load : loads) {
                unanswered.addAll(load.get());
            }
            int retried = retryUntilAnswered(service, unanswered, model);
            double convergedSeconds = (System.nanoTime() - recovered) / 1e9;
            latencies[0] = histograms(before);
            latencies[1] = histograms(during);
            latencies[2] = histograms(after);
            System.out.printf("shard server %s %d s: calls ok/failed per shard before %s, during %s, after %s;"
                            + " first shard latency p50/p99/max ms before %s, during %s; unanswered retried %d;"
                            + " answered again %.1f s after the fault ended%n",
                    fault, outage.toSeconds(), counts(before), counts(during), counts(after),
                    percentiles(latencies[0][0]), percentiles(latencies[1][0]), retried, convergedSeconds);
            assertThat(during.ok[0].get()).as("first shard's calls during the fault").isGreaterThan(100);
            assertThat(during.failed[0].get()).as("first shard's failed calls during the fault").isZero();
            assertThat(latencies[1][0].getMaxValue())
                    .as("slowest first-shard call during the fault (µs), within the call timeout")
                    .isLessThan(CALL_TIMEOUT.toNanos() / 1_000);
            assertThat(during.failed[1].get()).as("second shard's failed calls during the fault").isPositive();
            assertThat(staleRetriesApplied.get()).as("retries not recognized as such").isZero();
        }
        Set<Pair> expected = new HashSet<>();
        model.forEach((pair, liked) -> {
            if (liked) {
                expected.add(pair);
            }
        });
        Set<Pair> actual = new HashSet<>();
        int duplicates = 0;
        for (int shard = 0; shard < 2; shard++) {
            Jdbi db = shard == 0 ? first : second;
            int index = shard;
            List<Pair> rows = db.withHandle(h -> h.createQuery("SELECT user_id, content_id, content_type"
                            + " FROM like_records WHERE is_canceled = 0")
                    .map((rs, ctx) -> new Pair(rs.getLong(1), ContentRef.of(rs.getString(3), rs.getLong(2))))
                    .list());
            for (Pair row : rows) {
                assertThat(Math.floorMod(row.content().id(), 2L)).as("placement of %s", row).isEqualTo(index);
                if (!actual.add(row)) {
                    duplicates++;
                }
            }
            List<String> wrongCounts = db.withHandle(h -> h.createQuery("SELECT CONCAT(c.content_type, ':',"
                            + " c.content_id) FROM like_counts c WHERE c.like_count <> (SELECT COUNT(*) FROM"
                            + " like_records r WHERE r.content_id = c.content_id AND r.content_type = c.content_type"
                            + " AND r.is_canceled = 0)")
                    .mapTo(String.class).list());
            assertThat(wrongCounts).as("contents whose count differs from their records, shard %d", shard).isEmpty();
        }
        Set<Pair> lost = new HashSet<>(expected);
        lost.removeAll(actual);
        Set<Pair> phantom = new HashSet<>(actual);
        phantom.removeAll(expected);
        System.out.printf("shard server %s %d s: model %d likes, lost %d, duplicated %d, phantom %d%n", fault,
                outage.toSeconds(), expected.size(), lost.size(), duplicates, phantom.size());
        assertThat(expected).hasSizeGreaterThan(1_000);
        assertThat(lost).as("lost").isEmpty();
        assertThat(duplicates).as("duplicated").isZero();
        assertThat(phantom).as("phantom").isEmpty();
    }

    /**
     * One load thread: its own users (so each pair's calls are sequential), calls until stopped; returns the calls
     * that failed, whose pairs it leaves alone from then on.
     */
    private static List<Call> load(LikeService service, List<ContentRef> contents, long seed, Map<Pair, Boolean> model,
            AtomicReference<Phase> phase, AtomicInteger stop, AtomicInteger staleRetriesApplied) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            users.add(1 + random.nextLong(Long.MAX_VALUE - 1));
        }
        Map<Pair, Call> failed = new HashMap<>();
        Deque<Call> answered = new ArrayDeque<>();
        int n = 0;
        while (stop.get() == 0) {
            Phase now = phase.get();
            Call call;
            boolean stale = false;
            if (random.nextInt(100) < 5 && !answered.isEmpty()) {
                call = random.nextBoolean() ? answered.peekLast() : answered.peekFirst(); // at once, or seconds later
                stale = true;
            } else {
                Pair pair = new Pair(users.get(random.nextInt(users.size())),
                        contents.get(random.nextInt(contents.size())));
                int kind = random.nextInt(100);
                Boolean current = model.get(pair);
                boolean like = kind < 90 || (kind >= 98 && current != null && current);
                call = new Call(pair, like, random.nextInt(100) < 70 ? "r" + seed + "-" + n++ : null);
            }
            if (failed.containsKey(call.pair())) {
                continue;
            }
            int shard = (int) Math.floorMod(call.pair().content().id(), 2L);
            long started = System.nanoTime();
            try {
                LikeResult result = send(service, call);
                now.latency[shard].recordValue((System.nanoTime() - started) / 1_000);
                now.ok[shard].incrementAndGet();
                if (stale) {
                    if (result.status() != LikeResult.Status.DUPLICATE_REQUEST) {
                        staleRetriesApplied.incrementAndGet();
                    }
                    continue;
                }
                model.put(call.pair(), call.like());
                if (call.requestId() != null) {
                    answered.addLast(call);
                    if (answered.size() > 200) {
                        answered.removeFirst();
                    }
                }
            } catch (LikeException e) {
                now.failed[shard].incrementAndGet();
                if (!stale) {
                    failed.put(call.pair(), call);
                }
            }
        }
        return new ArrayList<>(failed.values());
    }

    /** Retries each unanswered call (with its request ID, if it had one) until it is answered; bounded. */
    private static int retryUntilAnswered(LikeService service, List<Call> calls, Map<Pair, Boolean> model)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (Call call : calls) {
            while (true) {
                try {
                    send(service, call);
                    model.put(call.pair(), call.like());
                    break;
                } catch (LikeException e) {
                    assertThat(System.nanoTime()).as("retrying %s: %s", call, e.getMessage()).isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
        }
        return calls.size();
    }

    private static LikeResult send(LikeService service, Call call) {
        return call.like()
                ? service.like(call.pair().user(), call.pair().content(), call.requestId())
                : service.unlike(call.pair().user(), call.pair().content(), call.requestId());
    }

    private static Histogram[] histograms(Phase phase) {
        return new Histogram[] {phase.latency[0].getIntervalHistogram(), phase.latency[1].getIntervalHistogram()};
    }

    private static String counts(Phase phase) {
        return phase.ok[0] + "/" + phase.failed[0] + " and " + phase.ok[1] + "/" + phase.failed[1];
    }

    private static String percentiles(Histogram h) {
        return String.format("%.1f/%.1f/%.1f", h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getMaxValue() / 1e3);
    }

    private static long randomId(SplittableRandom random) {
        return 1 + random.nextLong(Long.MAX_VALUE - 1);
    }
}
