package dev.likes.bench;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.redis.RedisLikeStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hot path: a like on one hot post through our {@code LikeService} over {@code RedisLikeStore} (validation,
 * request-ID dedup, the outbox entry, group commit), side by side in one run with (a) the ceiling, redis-benchmark
 * calling the bare like script (HSETNX + INCR) by EVALSHA with 50 connections, without and with pipelining; (b) a
 * plain Lettuce loop, one EVALSHA of that script per like; (c) a naive implementation as the design article's snippets
 * read (HEXISTS, then HSET, then INCR: three round trips), whose count drifts when a user's two clicks race.
 */
final class HotPathBench implements Bench.Section {

    static final String BARE_SCRIPT = "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then"
            + " return redis.call('INCR', KEYS[2]) end return 0";

    @Override
    public String id() {
        return "hotpath";
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        Bench.Mode mode = env.mode();
        int likes = mode.pick(20_000, 400_000, 2_000_000);
        int openSeconds = mode.pick(3, 15, 60);
        int warmUp = mode.pick(5_000, 100_000, 200_000);
        String run = Long.toString(System.nanoTime(), 36);
        Bench.Report report = new Bench.Report(id(), "Hot-path like on Redis");
        report.method = String.format("%,d likes by distinct users on one post per contender (our spread run: over"
                + " 10,000 posts); our store and the Lettuce loops use one connection, redis-benchmark 50;"
                + " the open-loop run offers 10,000 likes/s for %d s and counts latency from each like's scheduled"
                + " start. Before measuring, our path and the plain loop each run %,d likes on a post of their own, so"
                + " that the JIT has compiled them (redis-benchmark has no JIT to warm).", likes, openSeconds, warmUp);
        RedisClient client = RedisClient.create(env.redisUri());
        Map<String, Latency.Run> curves = new LinkedHashMap<>();
        Map<String, double[]> cpus = new LinkedHashMap<>();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisAsyncCommands<String, String> redis = connection.async();
            String sha = connection.sync().scriptLoad(BARE_SCRIPT);

            // ours: the full like path, outbox included (its relay publishes to a publisher that acknowledges at once)
            Latency.Run oursHot;
            Latency.Run oursSpread;
            Latency.Run open;
            try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(env.redisUri()))
                            .keyPrefix("bh" + run)
                            .backingStore(InMemoryLikeStore.create())
                            .outbox(EventPublisher.NONE)
                            .build();
                    LikeService service = LikeService.builder(store).build()) {
                ContentRef hot = ContentRef.of("post", 1);
                service.like(likes * 4L, hot); // loads the post once
                ContentRef warm = ContentRef.of("post", 99_999_999);
                Latency.closed(warmUp, 4_096, i -> service.async().like(1 + i, warm, "w" + i));
                Cpu cpu = new Cpu(connection);
                oursHot = Latency.closed(likes, 4_096, i -> service.async().like(1 + i, hot, "r" + i));
                cpus.put("hot", cpu.perCall(oursHot.completed()));
                cpu = new Cpu(connection);
                oursSpread = Latency.closed(likes, 4_096,
                        i -> service.async().like(1 + i, ContentRef.of("post", 2 + i % 10_000), "s" + i));
                cpus.put("spread", cpu.perCall(oursSpread.completed()));
                long base = likes * 2L;
                cpu = new Cpu(connection);
                open = Latency.open(10_000, openSeconds, i -> service.async().like(base + i, hot, "o" + i));
                cpus.put("open", cpu.perCall(open.completed()));
                if (service.count(hot) != likes + 1L + open.completed()) {
                    throw new IllegalStateException("our count is wrong: " + service.count(hot));
                }
            }
            // the same store with neither outbox nor request IDs: what those two cost
            Latency.Run bare;
            try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(env.redisUri()))
                            .keyPrefix("bb" + run)
                            .backingStore(InMemoryLikeStore.create())
                            .build();
                    LikeService service = LikeService.builder(store).build()) {
                ContentRef hot = ContentRef.of("post", 1);
                service.like(likes * 4L, hot);
                Cpu cpu = new Cpu(connection);
                bare = Latency.closed(likes, 4_096, i -> service.async().like(1 + i, hot));
                cpus.put("bare", cpu.perCall(bare.completed()));
            }
            // the plain loop: one EVALSHA of the bare script per like
            Latency.closed(warmUp, 256, bareLike(redis, sha, "bw" + run));
            Cpu plainCpu = new Cpu(connection);
            Latency.Run plain = Latency.closed(likes, 256, bareLike(redis, sha, "bp" + run));
            cpus.put("plain", plainCpu.perCall(plain.completed()));
            // the same bare script at our open loop's offered rate: what this machine gives one EVALSHA per like
            Cpu plainOpenCpu = new Cpu(connection);
            Latency.Run plainOpen = Latency.open(10_000, openSeconds, bareLike(redis, sha, "bo" + run));
            cpus.put("plain_open", plainOpenCpu.perCall(plainOpen.completed()));
            // naive: check, then write, then count: three round trips; each user clicks twice, racing itself
            String naiveHash = "bn" + run + ":{p}:likers";
            String naiveCount = "bn" + run + ":{p}:count";
            Latency.Run naive = Latency.closed(likes, 256, i -> {
                String user = Long.toString(1 + i / 2);
                return redis.hexists(naiveHash, user).thenCompose(exists -> exists
                        ? CompletableFuture.completedFuture(0L)
                        : redis.hset(naiveHash, user, "1764345603").thenCompose(x -> redis.incr(naiveCount)));
            });
            long naiveUsers = (likes + 1) / 2;
            long naiveCounted = Long.parseLong(connection.sync().get(naiveCount));
            long naiveStored = connection.sync().hlen(naiveHash);

            // the ceiling: redis-benchmark, the bare script by EVALSHA, 50 connections
            Cpu rbCpu = new Cpu(connection);
            double[] rbPlain = redisBenchmark(env, sha, likes, 1, run + "a");
            cpus.put("rb", rbCpu.perCall(likes));
            rbCpu = new Cpu(connection);
            double[] rbPipelined = redisBenchmark(env, sha, likes, 16, run + "b");
            cpus.put("rbp", rbCpu.perCall(likes));
            Bench.Table table = Bench.Table.of("contender", "likes/s", "p50 (us)", "p99 (us)", "p99.9 (us)",
                    "Redis CPU (us/like)", "JVM CPU (us/like)", "notes");
            table.row("**ours**, one hot post (LikeService → RedisLikeStore, outbox, request IDs)", oursHot.rate(),
                    oursHot.p(50), oursHot.p(99), oursHot.p(99.9), cpus.get("hot")[0], cpus.get("hot")[1],
                    "closed loop, 4,096 in flight, 1 connection");
            table.row("ours without outbox and request IDs, one hot post", bare.rate(), bare.p(50), bare.p(99),
                    bare.p(99.9), cpus.get("bare")[0], cpus.get("bare")[1], "what the outbox and request-ID dedup cost");
            table.row("ours, spread over 10,000 posts", oursSpread.rate(), oursSpread.p(50), oursSpread.p(99),
                    oursSpread.p(99.9), cpus.get("spread")[0], cpus.get("spread")[1],
                    "closed loop, 4,096 in flight, 1 connection");
            table.row("redis-benchmark EVALSHA bare script, no pipelining", rbPlain[0], rbPlain[1] * 1000, "", "",
                    cpus.get("rb")[0], "", "50 connections (p50 from redis-benchmark)");
            table.row("redis-benchmark EVALSHA bare script, pipeline 16", rbPipelined[0], rbPipelined[1] * 1000, "", "",
                    cpus.get("rbp")[0], "", "50 connections (p50 from redis-benchmark)");
            table.row("plain Lettuce loop, one EVALSHA per like", plain.rate(), plain.p(50), plain.p(99), plain.p(99.9),
                    cpus.get("plain")[0], cpus.get("plain")[1], "256 in flight, 1 connection");
            table.row("naive HEXISTS → HSET → INCR", naive.rate(), naive.p(50), naive.p(99), naive.p(99.9), "", "",
                    String.format("count %,d for %,d users: error %+,d", naiveCounted, naiveUsers, naiveCounted - naiveUsers));
            table.row("**ours, open loop at 10,000/s offered**", open.rate(), open.p(50), open.p(99), open.p(99.9),
                    cpus.get("open")[0], cpus.get("open")[1], "latency from the scheduled start");
            table.row("plain Lettuce loop, open loop at 10,000/s offered", plainOpen.rate(), plainOpen.p(50),
                    plainOpen.p(99), plainOpen.p(99.9), cpus.get("plain_open")[0], cpus.get("plain_open")[1],
                    "the bare script, one EVALSHA per like: this machine's floor at that rate");
            cpus.forEach((name, us) -> report.metric("cpu_us_per_like_" + name,
                    Map.of("redis", us[0], "jvm", us[1])));
            report.tables.add(table);

            report.metric("ours_hot", oursHot.summary()).metric("ours_spread", oursSpread.summary())
                    .metric("ours_open_10k", open.summary()).metric("plain_loop", plain.summary())
                    .metric("plain_loop_open_10k", plainOpen.summary())
                    .metric("naive", naive.summary()).metric("ours_without_outbox_and_request_ids", bare.summary()).metric("naive_count_error", naiveCounted - naiveUsers)
                    .metric("naive_stored_users", naiveStored)
                    .metric("redis_benchmark_ops_per_s", rbPlain[0]).metric("redis_benchmark_pipelined_ops_per_s", rbPipelined[0]);
            double vsCeiling = oursHot.rate() / rbPipelined[0];
            double vsPlain = oursHot.rate() / plain.rate();
            report.target("hot-path like vs the pipelined redis-benchmark ceiling", "≥ 2x", Bench.ratio(vsCeiling),
                    vsCeiling >= 2, vsCeiling >= 2 ? "" : "missed by " + Bench.ratio(2 / vsCeiling) + " (see notes)");
            report.target("hot-path like vs a plain one-EVALSHA-per-like loop", "≥ 4x", Bench.ratio(vsPlain),
                    vsPlain >= 4, vsPlain >= 4 ? "" : "missed by " + Bench.ratio(4 / vsPlain));
            report.target("p99 at 10,000 likes/s offered", "< 2 ms", Bench.fmt(open.p(99) / 1000.0) + " ms",
                    open.p(99) < 2_000, "the bare script alone, one EVALSHA per like: "
                            + Bench.fmt(plainOpen.p(99) / 1000.0) + " ms");
            report.target("p99.9 at 10,000 likes/s offered", "< 10 ms", Bench.fmt(open.p(99.9) / 1000.0) + " ms",
                    open.p(99.9) < 10_000, "the bare script alone: " + Bench.fmt(plainOpen.p(99.9) / 1000.0) + " ms");
            report.target("count exact under racing clicks", "ours exact, naive drifts",
                    String.format("ours exact; naive %+,d", naiveCounted - naiveUsers), true, "");
            curves.put("ours, closed loop (4,096 in flight)", oursHot);
            curves.put("ours, open loop 10,000/s", open);
            curves.put("plain EVALSHA loop (256 in flight)", plain);
            curves.put("plain EVALSHA loop, open loop 10,000/s", plainOpen);
            curves.put("naive 3 round trips (256 in flight)", naive);
            report.charts.add(Charts.percentiles(env.chartDir(), "hotpath-latency.png",
                    "Hot-path like latency by percentile", curves).getFileName().toString());
        } finally {
            client.shutdown();
        }
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    /** Like i of the plain loop: one EVALSHA of the bare script, on its own post under {@code prefix}. */
    private static LongFunction<CompletionStage<?>> bareLike(RedisAsyncCommands<String, String> redis, String sha,
            String prefix) {
        String[] post = {prefix + ":{p}:likers", prefix + ":{p}:count"};
        return i -> redis.evalsha(sha, ScriptOutputType.INTEGER, post, Long.toString(1 + i), "1764345603");
    }

    /**
     * CPU time per call since construction, of the Redis server ({@code INFO cpu}: user + system) and of this JVM:
     * where a like's cost goes, measured in the run itself.
     */
    static final class Cpu {
        private final StatefulRedisConnection<String, String> connection;
        private final double redis0;
        private final long jvm0;

        Cpu(StatefulRedisConnection<String, String> connection) {
            this.connection = connection;
            this.redis0 = redisSeconds(connection);
            this.jvm0 = jvmNanos();
        }

        /** {Redis us per call, JVM us per call}. */
        double[] perCall(long calls) {
            double redis = (redisSeconds(connection) - redis0) * 1e6 / Math.max(1, calls);
            double jvm = (jvmNanos() - jvm0) / 1e3 / Math.max(1, calls);
            return new double[] {Math.round(redis * 10) / 10.0, Math.round(jvm * 10) / 10.0};
        }

        private static double redisSeconds(StatefulRedisConnection<String, String> connection) {
            double seconds = 0;
            for (String line : connection.sync().info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return seconds;
        }

        private static long jvmNanos() {
            return ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    /** Runs redis-benchmark on the bare script; returns {requests/s, p50 ms (NaN if not printed)}. */
    static double[] redisBenchmark(Bench.Env env, String sha, int requests, int pipeline, String tag)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(env.redisPort()),
                "-c", "50", "-n", Integer.toString(requests), "-P", Integer.toString(pipeline), "-r", "100000000", "-q",
                "evalsha", sha, "2", "rb" + tag + ":{p}:likers", "rb" + tag + ":{p}:count", "__rand_int__", "1764345603")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("redis-benchmark failed: " + out);
        }
        String last = out.substring(out.lastIndexOf('\r') + 1);
        Matcher rps = Pattern.compile("([0-9.]+) requests per second").matcher(last);
        if (!rps.find()) {
            throw new IllegalStateException("no requests per second in redis-benchmark's output: " + out);
        }
        Matcher p50 = Pattern.compile("p50=([0-9.]+) msec").matcher(last);
        return new double[] {Double.parseDouble(rps.group(1)), p50.find() ? Double.parseDouble(p50.group(1)) : Double.NaN};
    }
}
