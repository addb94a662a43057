package dev.likes.bench;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariDataSource;
import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.redis.RedisLikeStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The hot path: likes through our {@code LikeService} over {@code RedisLikeStore} (validation, request-ID dedup, the
 * outbox entry, group commit across the contents of a shard) on the workloads of {@code shared/WORKLOADS.md} (one hot
 * post, spread over 10,000 and over 1,000,000 posts, a Zipf mix; random 63-bit user ids), side by side in one run with
 * (a) a plain Lettuce loop, one EVALSHA per like of a bare script (HSETNX + INCR), the baseline every row names;
 * (b) a loop giving the same guarantees one call per like (request-ID check and ZADD, HSETNX, count, version, event
 * XADD, per-content keys); (c) the ceiling, redis-benchmark calling the bare script with 50 connections; (d) a naive
 * implementation as the design article's snippets read (HEXISTS, then HSET, then INCR), whose count drifts when a
 * user's two clicks race. Each row reports the Redis and JVM CPU per like and the slowest script call of the row
 * ({@code SLOWLOG}).
 */
final class HotPathBench implements Bench.Section {

    static final String BARE_SCRIPT = "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then"
            + " return redis.call('INCR', KEYS[2]) end return 0";

    /** The same guarantees as ours, one call per like: request-ID dedup, status, count, version, the event. */
    static final String SAME_GUARANTEES_SCRIPT = "local s = redis.call('ZSCORE', KEYS[3], ARGV[3])"
            + " if s and tonumber(s) > tonumber(ARGV[4]) then return -1 end"
            + " redis.call('ZADD', KEYS[3], tonumber(ARGV[4]) + 86400000, ARGV[3])"
            + " if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end"
            + " local n = redis.call('HINCRBY', KEYS[2], 'n', 1)"
            + " local v = redis.call('HINCRBY', KEYS[2], 'v', 1)"
            + " redis.call('XADD', KEYS[4], '*', 'e', ARGV[5], 'v', v, 'n', n)"
            + " return n";

    @Override
    public String id() {
        return "hotpath";
    }

    private record Row(String name, Latency.Run run, double[] cpu, long slowest, String notes, CommandTime time) {}

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        Bench.Mode mode = env.mode();
        int likes = mode.pick(20_000, 300_000, 1_000_000);
        int openSeconds = mode.pick(3, 15, 60);
        int warmUp = mode.pick(5_000, 100_000, 200_000);
        String run = Long.toString(System.nanoTime(), 36);
        Bench.Report report = new Bench.Report(id(), "Hot-path like on Redis");
        report.method = String.format("%,d likes per contender, each by a distinct user with a request ID; the workload"
                + " is named in each row (random 63-bit user ids unless named; half the spread likes on comments). Our"
                + " store and the Lettuce loops use one connection, redis-benchmark 50; closed loops keep 4,096 (ours)"
                + " or 256 (the loops) calls in flight. Spread rows first touch each content once, so that the"
                + " measured likes find it in Redis (cache mode loads a content on its first like). The open-loop"
                + " rows offer 10,000 likes/s for %d s and count latency from each like's scheduled start. Before"
                + " measuring, our path and the plain loop each run %,d likes, so that the JIT has compiled them."
                + " Redis runs with appendfsync always; the same-guarantees loop writes its events to a stream per"
                + " content and removes none. Each row starts when no rewrite of the append-only file is under way."
                + " The second table splits Redis' time per like (INFO commandstats of the row): the scripts, the"
                + " commands they call, the rest of the scripts' time (Lua itself, and turning arguments and replies"
                + " into Lua values), and the time outside scripts (network, parsing, writing the append-only file).",
                likes, openSeconds, warmUp);
        RedisClient client = RedisClient.create(env.redisUri());
        Map<String, Latency.Run> curves = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisAsyncCommands<String, String> redis = connection.async();
            RedisCommands<String, String> sync = connection.sync();
            String sha = sync.scriptLoad(BARE_SCRIPT);
            String sameSha = sync.scriptLoad(SAME_GUARANTEES_SCRIPT);
            sync.configSet("slowlog-log-slower-than", "1000");
            sync.configSet("slowlog-max-len", "10000");
            Workload hot = Workload.of(Workload.Users.RANDOM, Workload.Contents.HOT, likes, 1);
            Workload spread = Workload.of(Workload.Users.RANDOM, Workload.Contents.SPREAD_10K, likes, 2);
            Workload spread1m = Workload.of(Workload.Users.RANDOM, Workload.Contents.SPREAD_1M, likes, 3);
            Workload zipf = Workload.of(Workload.Users.RANDOM, Workload.Contents.ZIPF_1M, likes, 4);
            Workload hotDense = Workload.of(Workload.Users.DENSE, Workload.Contents.HOT, likes, 5);

            // the baselines first: the plain loop, hot and spread, and the same-guarantees loop, spread
            Latency.closed(warmUp, 256, bareLike(redis, sha, "bw" + run, spread));
            rows.add(measure(sync, "plain Lettuce loop, one EVALSHA per like; " + spread.name, "256 in flight",
                    () -> Latency.closed(likes, 256, bareLike(redis, sha, "bp" + run, spread))));
            rows.add(measure(sync, "plain Lettuce loop; " + hot.name, "256 in flight",
                    () -> Latency.closed(likes, 256, bareLike(redis, sha, "bh" + run, hot))));
            long nowMs = System.currentTimeMillis();
            rows.add(measure(sync, "same-guarantees loop, one EVALSHA per like; " + spread.name,
                    "request ID ZADD, HSETNX, count, version, XADD; 256 in flight",
                    () -> Latency.closed(likes, 256, i -> {
                        String tag = "sg" + run + ":{" + spread.contents[(int) i] + "}";
                        String user = Long.toString(spread.users[(int) i]);
                        return redis.evalsha(sameSha, ScriptOutputType.INTEGER,
                                new String[] {tag + ":s", tag + ":m", tag + ":r", tag + ":o"},
                                user, "1764345603", user + ":r" + i, Long.toString(nowMs), "1 1764345603123 " + user
                                        + " r" + i + " e" + i);
                    })));

            // ours, cache mode: the full like path (outbox and request IDs)
            Latency.Run open;
            Latency.Run openSpread;
            try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(env.redisUri()))
                            .keyPrefix("bh" + run)
                            .backingStore(InMemoryLikeStore.create())
                            .outbox(EventPublisher.NONE)
                            .build();
                    LikeService service = LikeService.builder(store).build()) {
                Workload warm = Workload.of(Workload.Users.RANDOM, Workload.Contents.SPREAD_10K, warmUp, 9);
                Latency.closed(warmUp, 4_096, i -> service.async().like(warm.users[(int) i],
                        ContentRef.of("warm", warm.contents[(int) i].id()), "w" + i));
                rows.add(ours(sync, service, "**ours**, cache mode, outbox, request IDs; " + hot.name, hot, "r"));
                rows.add(ours(sync, service, "**ours**, the same; " + spread.name, spread, "s"));
                rows.add(ours(sync, service, "**ours**, the same; " + spread1m.name, spread1m, "m"));
                rows.add(ours(sync, service, "**ours**, the same; " + zipf.name, zipf, "z"));
                rows.add(ours(sync, service, "ours, the same; " + hotDense.name, hotDense, "d"));
                ContentRef hotPost = hot.contents[0];
                long before = service.count(hotPost);
                long base = Long.MAX_VALUE / 2;
                Row openRow = measure(sync, "**ours, open loop at 10,000/s offered**; " + hot.name,
                        "latency from the scheduled start",
                        () -> Latency.open(10_000, openSeconds, i -> service.async().like(base + i, hotPost, "o" + i)));
                open = openRow.run;
                rows.add(openRow);
                if (service.count(hotPost) != before + open.completed()) {
                    throw new IllegalStateException("our count is wrong: " + service.count(hotPost));
                }
                Row openSpreadRow = measure(sync, "**ours, open loop at 10,000/s offered**; " + spread.name,
                        "latency from the scheduled start",
                        () -> Latency.open(10_000, openSeconds, i -> service.async().like(base + i,
                                spread.contents[(int) (i % likes)], "os" + i)));
                openSpread = openSpreadRow.run;
                rows.add(openSpreadRow);
            }
            // ours, cache mode over MariaDB: every like is on a content Redis does not hold, so it loads it first
            int coldLikes = mode.pick(2_000, 20_000, 50_000);
            Workload cold = Workload.of(Workload.Users.RANDOM, Workload.Contents.SPREAD_1M, coldLikes, 6);
            try (HikariDataSource pool = env.freshDatabase("bench_cold_" + run, 10);
                    JdbiLikeStore mysql = JdbiLikeStore.builder(Jdbi.create(pool)).build();
                    RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(env.redisUri()))
                            .keyPrefix("bc" + run)
                            .backingStore(mysql)
                            .outbox(EventPublisher.NONE)
                            .build();
                    LikeService service = LikeService.builder(store).callTimeout(Duration.ofSeconds(30)).build()) {
                rows.add(measure(sync, "ours, cache mode over MariaDB, every like on a content Redis must load first; "
                                + cold.name,
                        "256 in flight; each like loads its content (one JdbiLikeStore.snapshot, HikariCP pool of 10)",
                        () -> Latency.closed(coldLikes, 256, i -> service.async().like(cold.users[(int) i],
                                cold.contents[(int) i], "c" + i))));
            }
            // ours, Redis as the truth (listings kept by the same script)
            try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(env.redisUri()))
                            .keyPrefix("bt" + run)
                            .outbox(EventPublisher.NONE)
                            .build();
                    LikeService service = LikeService.builder(store).build()) {
                rows.add(ours(sync, service, "ours, Redis as the truth, outbox, request IDs; " + hot.name, hot, "r"));
                rows.add(ours(sync, service, "ours, Redis as the truth, the same; " + spread.name, spread, "s"));
            }
            // the same store with neither outbox nor request IDs: what those two cost
            try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(env.redisUri()))
                            .keyPrefix("bb" + run)
                            .backingStore(InMemoryLikeStore.create())
                            .build();
                    LikeService service = LikeService.builder(store).build()) {
                service.like(1, hot.contents[0]);
                rows.add(measure(sync, "ours without outbox and request IDs; " + hot.name, "what those two cost",
                        () -> Latency.closed(likes, 4_096, i -> service.async().like(hot.users[(int) i], hot.contents[0]))));
            }
            // the bare script at our open loop's offered rate: what this machine gives one EVALSHA per like
            Row floor = measure(sync, "plain Lettuce loop, open loop at 10,000/s offered; " + hot.name,
                    "the bare script, one EVALSHA per like: this machine's floor at that rate",
                    () -> Latency.open(10_000, openSeconds, bareLike(redis, sha, "bo" + run, hot)));
            rows.add(floor);
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
            long naiveCounted = Long.parseLong(sync.get(naiveCount));

            // the ceiling: redis-benchmark, the bare script by EVALSHA, 50 connections
            Cpu rbCpu = new Cpu(connection);
            double[] rbPlain = redisBenchmark(env, sha, likes, 1, run + "a");
            double[] rbCpuPlain = rbCpu.perCall(likes);
            rbCpu = new Cpu(connection);
            double[] rbPipelined = redisBenchmark(env, sha, likes, 16, run + "b");
            double[] rbCpuPipelined = rbCpu.perCall(likes);

            Row plain = rows.get(0);
            Row same = rows.get(2);
            Bench.Table table = Bench.Table.of("contender", "likes/s", "vs plain loop", "vs same-guarantees loop",
                    "p50 (us)", "p99 (us)", "Redis CPU (us/like)", "JVM CPU (us/like)", "slowest script (us)", "notes");
            for (Row row : rows) {
                boolean openLoop = row.name.contains("open loop");
                table.row(row.name, row.run.rate(), openLoop ? "" : Bench.ratio(row.run.rate() / plain.run.rate()),
                        openLoop ? "" : Bench.ratio(row.run.rate() / same.run.rate()), row.run.p(50), row.run.p(99),
                        row.cpu[0], row.cpu[1], row.slowest < 0 ? "< 1,000" : Long.toString(row.slowest), row.notes);
                report.metric(slug(row.name), Map.of("rate", row.run.rate(), "p50_us", row.run.p(50), "p99_us",
                        row.run.p(99), "redis_cpu_us", row.cpu[0], "jvm_cpu_us", row.cpu[1], "slowest_script_us",
                        row.slowest));
            }
            table.row("redis-benchmark EVALSHA bare script, no pipelining", rbPlain[0], "", "", rbPlain[1] * 1000, "",
                    rbCpuPlain[0], "", "", "50 connections (p50 from redis-benchmark)");
            table.row("redis-benchmark EVALSHA bare script, pipeline 16", rbPipelined[0], "", "", rbPipelined[1] * 1000,
                    "", rbCpuPipelined[0], "", "", "50 connections (p50 from redis-benchmark)");
            table.row("naive HEXISTS → HSET → INCR; one hot post, dense ids", naive.rate(), "", "", naive.p(50),
                    naive.p(99), "", "", "", String.format("count %,d for %,d users: error %+,d", naiveCounted,
                            naiveUsers, naiveCounted - naiveUsers));
            report.tables.add(table);
            Bench.Table split = Bench.Table.of("contender", "Redis CPU (us/like)", "in scripts (us/like)",
                    "commands called by scripts (us/like)", "Lua and script calls (us/like)",
                    "outside scripts: network, parsing, AOF (us/like)", "commands called by scripts, most time first");
            for (Row row : rows) {
                if (row.time.scripts() > 0) {
                    split.row(row.name, row.cpu[0], Bench.fmt(row.time.scripts()), Bench.fmt(row.time.inside()),
                            Bench.fmt(row.time.scripts() - row.time.inside()),
                            Bench.fmt(Math.max(0, row.cpu[0] - row.time.scripts())), row.time.top(5));
                }
            }
            report.tables.add(split);
            report.metric("naive", naive.summary()).metric("naive_count_error", naiveCounted - naiveUsers)
                    .metric("redis_benchmark_ops_per_s", rbPlain[0])
                    .metric("redis_benchmark_pipelined_ops_per_s", rbPipelined[0]);

            Row oursHot = rows.get(3);
            for (Row row : rows.subList(4, 7)) {
                double vsSame = row.run.rate() / same.run.rate();
                double vsPlain = row.run.rate() / plain.run.rate();
                report.target(row.name.replace("**", "") + " vs the same-guarantees loop", "≥ 1.5x",
                        Bench.ratio(vsSame), vsSame >= 1.5, "");
                report.target(row.name.replace("**", "") + " vs the plain loop", "≥ 1.0x", Bench.ratio(vsPlain),
                        vsPlain >= 1.0, "");
            }
            double hotVsPlain = oursHot.run.rate() / plain.run.rate();
            report.target("one hot post, full path, vs the plain loop", "≥ 2x", Bench.ratio(hotVsPlain),
                    hotVsPlain >= 2, "");
            Row truthHot = rows.stream().filter(r -> r.name.contains("truth, outbox")).findFirst().orElseThrow();
            Row truthSpread = rows.stream().filter(r -> r.name.contains("truth, the same")).findFirst().orElseThrow();
            double th = truthHot.run.rate() / plain.run.rate();
            double ts = truthSpread.run.rate() / plain.run.rate();
            report.target("Redis as the truth, one hot post, vs the plain loop", "≥ 1.0x", Bench.ratio(th), th >= 1, "");
            report.target("Redis as the truth, spread, vs the plain loop", "≥ 0.7x", Bench.ratio(ts), ts >= 0.7, "");
            double cpuRatio = rows.get(4).cpu[0] / Math.max(0.1, oursHot.cpu[0]);
            report.target("Redis CPU per like, spread over 10,000 posts vs one hot post", "≤ 1.5x",
                    Bench.fmt(rows.get(4).cpu[0]) + " vs " + Bench.fmt(oursHot.cpu[0]) + " us (" + Bench.ratio(cpuRatio)
                            + ")", cpuRatio <= 1.5, "");
            // the plain loop's two-command script does no work worth a millisecond: its slowest call is the time
            // Redis lost to the machine (descheduled on two shared cores), the floor of this target in this run
            long slowest = rows.stream().filter(r -> r.name.contains("ours")).mapToLong(Row::slowest).max()
                    .orElse(-1);
            long slowestPlain = rows.stream().filter(r -> r.name.startsWith("plain")).mapToLong(Row::slowest).max()
                    .orElse(-1);
            report.target("no script call over 5 ms (SLOWLOG), our rows", "≤ 5,000 us",
                    (slowest < 0 ? "none over 1,000 us" : slowest + " us") + "; the plain loop's bare script in the"
                            + " same run: " + (slowestPlain < 0 ? "none over 1,000 us" : slowestPlain + " us"),
                    slowest < 5_000, "");
            report.target("p99 at 10,000 likes/s offered, one hot post, vs the same-run floor", "≤ 2x the floor",
                    Bench.fmt(open.p(99) / 1000.0) + " ms vs " + Bench.fmt(floor.run.p(99) / 1000.0) + " ms",
                    open.p(99) <= 2 * floor.run.p(99), "");
            report.target("p99 at 10,000 likes/s offered, spread, vs the same-run floor", "≤ 2x the floor",
                    Bench.fmt(openSpread.p(99) / 1000.0) + " ms vs " + Bench.fmt(floor.run.p(99) / 1000.0) + " ms",
                    openSpread.p(99) <= 2 * floor.run.p(99), "");
            report.target("count exact under racing clicks", "ours exact, naive drifts",
                    String.format("ours exact; naive %+,d", naiveCounted - naiveUsers), true, "");
            curves.put("ours, one hot post (4,096 in flight)", oursHot.run);
            curves.put("ours, spread over 10,000 posts (4,096 in flight)", rows.get(4).run);
            curves.put("ours, open loop 10,000/s, one hot post", open);
            curves.put("plain EVALSHA loop (256 in flight)", plain.run);
            curves.put("plain EVALSHA loop, open loop 10,000/s", floor.run);
            curves.put("naive 3 round trips (256 in flight)", naive);
            report.charts.add(Charts.percentiles(env.chartDir(), "hotpath-latency.png",
                    "Hot-path like latency by percentile", curves).getFileName().toString());
        } finally {
            client.shutdown();
        }
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    /** Our full like path on a workload: each content touched once first, then the measured likes. */
    private static Row ours(RedisCommands<String, String> sync, LikeService service, String name, Workload w,
            String tag) throws Exception {
        List<ContentRef> distinct = new ArrayList<>(w.distinctContents());
        long toucher = Long.MAX_VALUE - 1;
        Latency.closed(distinct.size(), 256, i -> service.async().like(toucher, distinct.get((int) i)));
        Row row = measure(sync, name, "closed loop, 4,096 in flight, 1 connection", () -> Latency.closed(
                w.users.length, 4_096, i -> service.async().like(w.users[(int) i], w.contents[(int) i], tag + i)));
        if (row.run.failed() > 0) {
            throw new IllegalStateException(name + ": " + row.run.failed() + " likes failed");
        }
        return row;
    }

    private interface Measured {
        Latency.Run run() throws Exception;
    }

    /** Runs one contender between CPU and SLOWLOG readings. */
    private static Row measure(RedisCommands<String, String> sync, String name, String notes, Measured measured)
            throws Exception {
        awaitNoAofRewrite(sync);
        sync.slowlogReset();
        sync.configResetstat();
        Cpu cpu = new Cpu(sync);
        Latency.Run run = measured.run();
        double[] perLike = cpu.perCall(run.completed());
        CommandTime time = CommandTime.read(sync, run.completed());
        return new Row(name, run, perLike, slowestScript(sync), notes, time);
    }

    /**
     * The slowest script call ({@code EVALSHA} or {@code EVAL}) in {@code SLOWLOG}, in microseconds, or -1 when none
     * is there. With {@code LIKE_BENCH_SLOWLOG} set, prints its start.
     */
    static long slowestScript(RedisCommands<String, String> sync) {
        long slowest = -1;
        Object what = null;
        for (Object entry : sync.slowlogGet(10_000)) {
            if (entry instanceof List<?> fields && fields.size() > 3 && fields.get(2) instanceof Long micros
                    && fields.get(3) instanceof List<?> command && !command.isEmpty()
                    && String.valueOf(command.get(0)).toUpperCase(Locale.ROOT).startsWith("EVAL") && micros > slowest) {
                slowest = micros;
                what = command;
            }
        }
        if (System.getenv("LIKE_BENCH_SLOWLOG") != null && what != null) {
            String text = String.valueOf(what);
            System.out.println("slowest script: " + slowest + " us " + text.substring(0, Math.min(300, text.length())));
        }
        return slowest;
    }

    /**
     * Waits (up to a minute) until no rewrite of the append-only file is under way: a rewrite forks Redis, and its
     * copy-on-write page faults and disk writes would fall on whichever contender runs beside it.
     */
    private static void awaitNoAofRewrite(RedisCommands<String, String> sync) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (sync.info("persistence").contains("aof_rewrite_in_progress:1") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /**
     * Where Redis' time per like goes, from {@code INFO commandstats} after {@code CONFIG RESETSTAT}: the time in
     * {@code EVALSHA} (the scripts, their commands included) and, per command, the time of the commands the scripts
     * called. The script time less its commands is Lua itself and the cost of each call into Redis.
     */
    record CommandTime(double scripts, double inside, Map<String, Double> commands) {

        static CommandTime read(RedisCommands<String, String> sync, long likes) {
            double scripts = 0;
            double inside = 0;
            Map<String, Double> commands = new LinkedHashMap<>();
            for (String line : sync.info("commandstats").split("\r?\n")) {
                if (!line.startsWith("cmdstat_")) {
                    continue;
                }
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                double usec = 0;
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (field.startsWith("usec=")) {
                        usec = Double.parseDouble(field.substring(5)) / Math.max(1, likes);
                    }
                }
                if (name.equals("evalsha") || name.equals("eval")) {
                    scripts += usec;
                } else if (!name.startsWith("info") && !name.startsWith("config") && !name.startsWith("slowlog")) {
                    inside += usec;
                    commands.put(name, usec);
                }
            }
            return new CommandTime(scripts, inside, commands);
        }

        String top(int n) {
            return commands.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(n)
                    .map(e -> e.getKey().toUpperCase(Locale.ROOT) + " " + Bench.fmt(e.getValue()))
                    .collect(Collectors.joining(", "));
        }
    }

    private static String slug(String name) {
        return name.replace("**", "").replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "").toLowerCase(Locale.ROOT);
    }

    /** Like i of the plain loop: one EVALSHA of the bare script, on the workload's content under {@code prefix}. */
    private static LongFunction<CompletionStage<?>> bareLike(RedisAsyncCommands<String, String> redis, String sha,
            String prefix, Workload w) {
        return i -> {
            int k = (int) (i % w.users.length);
            String tag = prefix + ":{" + w.contents[k] + "}";
            return redis.evalsha(sha, ScriptOutputType.INTEGER, new String[] {tag + ":likers", tag + ":count"},
                    Long.toString(w.users[k]), "1764345603");
        };
    }

    /**
     * CPU time per call since construction, of the Redis server ({@code INFO cpu}: user + system) and of this JVM:
     * where a like's cost goes, measured in the run itself.
     */
    static final class Cpu {
        private final RedisCommands<String, String> connection;
        private final double redis0;
        private final long jvm0;

        Cpu(StatefulRedisConnection<String, String> connection) {
            this(connection.sync());
        }

        Cpu(RedisCommands<String, String> connection) {
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

        private static double redisSeconds(RedisCommands<String, String> connection) {
            double seconds = 0;
            for (String line : connection.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return seconds;
        }

        private static long jvmNanos() {
            return ((OperatingSystemMXBean)
                    ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    /**
     * Runs redis-benchmark on the bare script, once more if it fails (on this shared machine it has been seen to end
     * at once with a failure status and nothing on its output); returns {requests/s, p50 ms (NaN if not printed)}.
     */
    static double[] redisBenchmark(Bench.Env env, String sha, int requests, int pipeline, String tag)
            throws IOException, InterruptedException {
        try {
            return redisBenchmarkOnce(env, sha, requests, pipeline, tag);
        } catch (IllegalStateException e) {
            System.out.println("redis-benchmark failed; running it again: " + e.getMessage());
            return redisBenchmarkOnce(env, sha, requests, pipeline, tag + "r");
        }
    }

    private static double[] redisBenchmarkOnce(Bench.Env env, String sha, int requests, int pipeline, String tag)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(env.redisPort()),
                "-c", "50", "-n", Integer.toString(requests), "-P", Integer.toString(pipeline), "-r", "100000000", "-q",
                "evalsha", sha, "2", "rb" + tag + ":{p}:likers", "rb" + tag + ":{p}:count", "__rand_int__", "1764345603")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("redis-benchmark ran for 10 minutes: " + out.strip());
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("redis-benchmark failed with exit status " + p.exitValue() + ": "
                    + out.strip());
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
