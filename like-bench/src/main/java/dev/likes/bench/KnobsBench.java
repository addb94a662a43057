package dev.likes.bench;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.redis.RedisLikeStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the hot path's knobs change, on demand only ({@code scripts/bench.sh quick knobs}): the full like path on one
 * hot post, closed loop and open loop at 10,000/s, for several group-commit batch sizes with {@code appendfsync
 * always}, and for the default batch with {@code appendfsync everysec} (set on the suite's own Redis for the run and
 * restored after). A warm-up run comes first; each configuration starts on an emptied Redis with a compacted
 * append-only file.
 */
final class KnobsBench implements Bench.Section {

    @Override
    public String id() {
        return "knobs";
    }

    @Override
    public boolean onRequestOnly() {
        return true;
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        int likes = env.mode().pick(20_000, 300_000, 1_000_000);
        int openSeconds = env.mode().pick(3, 15, 30);
        Bench.Report report = new Bench.Report(id(), "Hot-path knobs");
        report.method = String.format("Our full like path (request IDs, outbox) on one hot post: %,d likes closed loop"
                + " (4,096 in flight), then 10,000 likes/s offered for %d s (latency from the scheduled start), per"
                + " configuration, each on an emptied Redis; random 63-bit user ids.", likes, openSeconds);
        Bench.Table table = Bench.Table.of("configuration", "closed loop likes/s", "Redis CPU (us/like)",
                "in scripts (us/like)", "slowest script, closed loop (us)", "open loop p50 (us)", "p99 (us)",
                "p99.9 (us)", "Redis CPU at 10,000/s (us/like)", "commands called by scripts, closed loop (us/like)");
        RedisClient client = RedisClient.create(env.redisUri());
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            String fsync = admin.sync().configGet("appendfsync").get("appendfsync");
            try {
                fresh(admin, "always");
                measure(env, admin, RedisLikeStore.DEFAULT_MAX_BATCH_SIZE, likes, openSeconds, null, "warm-up");
                for (Object[] config : new Object[][] {{64, "always"}, {128, "always"}, {256, "always"},
                        {1_000, "always"},
                        {RedisLikeStore.DEFAULT_MAX_BATCH_SIZE, "everysec"}}) {
                    int batch = (Integer) config[0];
                    String mode = (String) config[1];
                    fresh(admin, mode);
                    Map<String, Object> m = measure(env, admin, batch, likes, openSeconds, table,
                            String.format("batch %d, appendfsync %s", batch, mode));
                    report.metric("batch_" + batch + "_" + mode, m);
                }
            } finally {
                admin.sync().configSet("appendfsync", fsync);
            }
        } finally {
            client.shutdown();
        }
        report.tables.add(table);
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    /** Empties Redis, compacts its append-only file (so no rewrite starts mid-run), and sets the fsync policy. */
    private static void fresh(StatefulRedisConnection<String, String> admin, String fsync) throws InterruptedException {
        admin.sync().flushall();
        try {
            admin.sync().bgrewriteaof();
        } catch (RedisCommandExecutionException e) {
            // a rewrite is already under way: wait for it below
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (admin.sync().info("persistence").contains("aof_rewrite_in_progress:1") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        admin.sync().configSet("appendfsync", fsync);
    }

    private static Map<String, Object> measure(Bench.Env env, StatefulRedisConnection<String, String> admin, int batch,
            int likes, int openSeconds, Bench.Table table, String name) throws InterruptedException {
        String prefix = "bk" + Long.toString(System.nanoTime(), 36);
        try (RedisLikeStore store = RedisLikeStore.builder(RedisURI.create(env.redisUri()))
                        .keyPrefix(prefix)
                        .backingStore(InMemoryLikeStore.create())
                        .outbox(EventPublisher.NONE)
                        .settingsCheck(RedisLikeStore.SettingsCheck.WARN) // the everysec row runs what the check refuses
                        .maxBatchSize(batch)
                        .build();
                LikeService service = LikeService.builder(store).build()) {
            ContentRef hot = ContentRef.of("post", 1);
            int warm = Math.min(likes, 20_000);
            int open = 10_000 * openSeconds;
            long[] users = Workload.of(Workload.Users.RANDOM, Workload.Contents.HOT, warm + likes + open, 13).users;
            Latency.closed(warm, 1_024, i -> service.async().like(users[(int) i], hot, "w" + i));
            admin.sync().configSet("slowlog-log-slower-than", "1000");
            admin.sync().slowlogReset();
            admin.sync().configResetstat();
            HotPathBench.Cpu cpu = new HotPathBench.Cpu(admin);
            Latency.Run closed = Latency.closed(likes, 4_096, i -> service.async().like(users[warm + (int) i], hot,
                    "r" + i));
            double[] closedCpu = cpu.perCall(closed.completed());
            long slowest = HotPathBench.slowestScript(admin.sync());
            HotPathBench.CommandTime time = HotPathBench.CommandTime.read(admin.sync(), closed.completed());
            cpu = new HotPathBench.Cpu(admin);
            Latency.Run opened = Latency.open(10_000, openSeconds, i -> service.async().like(
                    users[warm + likes + (int) Math.min(i, open - 1)], hot, "o" + i));
            double[] openCpu = cpu.perCall(opened.completed());
            if (table != null) {
                table.row(name, closed.rate(), closedCpu[0], time.scripts(), slowest, opened.p(50), opened.p(99),
                        opened.p(99.9), openCpu[0], time.top(5));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("closed", closed.summary());
            m.put("closed_redis_cpu_us_per_like", closedCpu[0]);
            m.put("closed_slowest_script_us", slowest);
            m.put("closed_in_scripts_us_per_like", time.scripts());
            m.put("open_10k", opened.summary());
            m.put("open_redis_cpu_us_per_like", openCpu[0]);
            return m;
        }
    }
}
