package dev.likes.bench;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.FeedState;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.redis.RedisLikeStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Feed page reads: each call asks for the counts of 100 contents and which of them the user likes ({@code feed}),
 * the contents drawn from a Zipf distribution over 100,000 (a few posts are on every page, most on few), from 8
 * threads; once with no local cache, once with the local count cache (Caffeine, 5 s); then, with the cache, at a
 * fixed offered rate (open loop) for the latency target, next to a bare script reading the page's 100 liked flags
 * at the same rate: the floor this machine gives one such call.
 */
final class FeedBench implements Bench.Section {

    private static final int PAGE = 100;
    private static final int THREADS = 8;
    /** The offered rate of the open-loop run that the p99 target is read from: 50,000 contents/s. */
    private static final int OPEN_RATE = 500;
    /** The floor: one script call reading 100 liked flags, nothing else. */
    static final String BARE_FLAGS = "local out = {} for i = 1, #KEYS do out[i] = redis.call('HEXISTS', KEYS[i], ARGV[1])"
            + " end return out";

    @Override
    public String id() {
        return "feed";
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        int contents = env.mode().pick(10_000, 100_000, 100_000);
        int seconds = env.mode().pick(2, 15, 40);
        String prefix = "bf" + Long.toString(System.nanoTime(), 36);
        Bench.Report report = new Bench.Report(id(), "Feed page reads");
        report.method = String.format("%,d contents, each liked by a few users; pages of %d distinct contents drawn"
                + " Zipf(0.99); %d threads calling feed(user, page) for %d s per configuration (closed loop: the most"
                + " pages/s), then with the local cache an open loop offering %,d pages/s, whose latency counts from"
                + " each call's scheduled start and gives the p99 target; cache mode (a backing store behind Redis), as"
                + " the pipeline runs it.", contents, PAGE, THREADS, seconds, OPEN_RATE);
        double[] cdf = zipf(contents, 0.99);
        InMemoryLikeStore backingStore = InMemoryLikeStore.create();
        Map<String, Latency.Run> runs = new LinkedHashMap<>();
        Bench.Table table = Bench.Table.of("configuration", "pages/s", "contents/s", "p50 (us)", "p99 (us)",
                "p99.9 (us)", "count reads served locally");
        double hitRatio = 0;
        Latency.Run withCache = null;
        for (boolean cache : new boolean[] {false, true}) {
            RedisLikeStore.Builder builder = RedisLikeStore.builder(RedisURI.create(env.redisUri()))
                    .keyPrefix(prefix)
                    .backingStore(backingStore)
                    .outbox(EventPublisher.NONE);
            if (cache) {
                builder.localCountCache(Duration.ofSeconds(5), 200_000);
            }
            try (RedisLikeStore store = builder.build(); LikeService service = LikeService.builder(store).build()) {
                if (!cache) {
                    Latency.closed(contents * 3L, 4_096, i -> service.async().like(1 + i % 997,
                            ContentRef.of("post", 1 + i % contents)));
                }
                read(service, cdf, 1); // warm-up
                long hits = store.policy().localCountCacheHits();
                long misses = store.policy().localCountCacheMisses();
                Latency.Run run = read(service, cdf, seconds);
                double ratio = cache
                        ? (double) (store.policy().localCountCacheHits() - hits)
                                / Math.max(1, (store.policy().localCountCacheHits() - hits) + (store.policy().localCountCacheMisses() - misses))
                        : 0;
                String name = cache ? "local count cache on (5 s)" : "no local cache";
                table.row(name, run.rate(), run.rate() * PAGE, run.p(50), run.p(99), run.p(99.9),
                        cache ? String.format("%.1f%%", ratio * 100) : "0% (off)");
                report.metric(cache ? "with_local_cache" : "without_local_cache", run.summary());
                runs.put(name, run);
                if (cache) {
                    hitRatio = ratio;
                    report.metric("local_cache_hit_ratio", ratio);
                    // latency at a fixed offered rate: what a page costs when the machine is not saturated
                    SplittableRandom random = new SplittableRandom(99);
                    withCache = Latency.open(OPEN_RATE, seconds,
                            i -> service.async().feed(1 + random.nextInt(997), page(cdf, random)));
                    String open = String.format("local count cache on, open loop at %,d pages/s offered", OPEN_RATE);
                    table.row(open, withCache.rate(), withCache.rate() * PAGE, withCache.p(50), withCache.p(99),
                            withCache.p(99.9), "");
                    report.metric("with_local_cache_open_loop", withCache.summary());
                    runs.put(open, withCache);
                }
            }
        }
        // the floor: a bare script reading the page's 100 liked flags, at the same offered rate
        Latency.Run bare;
        RedisClient client = RedisClient.create(env.redisUri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            String sha = connection.sync().scriptLoad(BARE_FLAGS);
            SplittableRandom random = new SplittableRandom(99);
            bare = Latency.open(OPEN_RATE, seconds, i -> {
                long user = 1 + random.nextInt(997);
                String[] keys = page(cdf, random).stream()
                        .map(c -> prefix + ":s:{" + c + "}:" + user / 128)
                        .toArray(String[]::new);
                return connection.async().evalsha(sha, ScriptOutputType.MULTI, keys, Long.toString(user % 128));
            });
        } finally {
            client.shutdown();
        }
        String floor = String.format("bare script: 100 HEXISTS in one EVALSHA, open loop at %,d calls/s", OPEN_RATE);
        table.row(floor, bare.rate(), bare.rate() * PAGE, bare.p(50), bare.p(99), bare.p(99.9), "");
        report.metric("bare_flags_open_loop", bare.summary());
        runs.put(floor, bare);
        report.tables.add(table);
        report.target("feed page (100 items) p99, local cache on, " + OPEN_RATE + " pages/s offered", "< 2 ms", Bench.fmt(withCache.p(99) / 1000.0) + " ms",
                withCache.p(99) < 2_000, "the bare 100-flag script at the same rate: "
                        + Bench.fmt(bare.p(99) / 1000.0) + " ms");
        report.target("count reads of a Zipf workload kept off Redis by the local cache", "≥ 80%",
                String.format("%.1f%%", hitRatio * 100), hitRatio >= 0.8, "");
        report.charts.add(Charts.percentiles(env.chartDir(), "feed-latency.png", "Feed page (100 contents) latency",
                runs).getFileName().toString());
        return report.done((System.nanoTime() - t0) / 1e9);
    }

    private static Latency.Run read(LikeService service, double[] cdf, int seconds) throws InterruptedException {
        Recorder recorder = new Recorder(TimeUnit.MINUTES.toMicros(1), 3);
        LongAdder failed = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(THREADS);
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            SplittableRandom random = new SplittableRandom(17 + t);
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        List<ContentRef> page = page(cdf, random);
                        long from = System.nanoTime();
                        try {
                            FeedState state = service.feed(1 + random.nextInt(997), page);
                            if (state.counts().size() != PAGE) {
                                throw new IllegalStateException("feed answered " + state.counts().size() + " counts");
                            }
                            recorder.recordValue((System.nanoTime() - from) / 1_000);
                        } catch (RuntimeException e) {
                            failed.increment();
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "feed-reader-" + t);
            thread.start();
        }
        done.await();
        double took = (System.nanoTime() - start) / 1e9;
        var h = recorder.getIntervalHistogram();
        return new Latency.Run(h.getTotalCount(), failed.sum(), took, h);
    }

    private static List<ContentRef> page(double[] cdf, SplittableRandom random) {
        Set<ContentRef> page = new LinkedHashSet<>();
        while (page.size() < PAGE) {
            int i = Arrays.binarySearch(cdf, random.nextDouble());
            int rank = i >= 0 ? i : -i - 1;
            page.add(ContentRef.of("post", 1 + Math.min(rank, cdf.length - 1)));
        }
        return new ArrayList<>(page);
    }

    /** The cumulative distribution of Zipf(s) over n ranks. */
    static double[] zipf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }
}
