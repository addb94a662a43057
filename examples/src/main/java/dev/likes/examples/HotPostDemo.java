package dev.likes.examples;

import dev.likes.core.ContentRef;
import dev.likes.core.EventPublisher;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.core.Liker;
import dev.likes.core.Page;
import dev.likes.core.PageRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A burst of likes on one hot post: {@code --likes} distinct users over {@code --threads} threads, with
 * {@code --repeat} of them clicking again (a repeated like must not count). Prints progress, throughput, latency
 * percentiles and a verification line. Runs on the in-memory store; nothing else is needed.
 *
 * <pre>scripts/demo-hotpost.sh --likes 1000000 --threads 8 --repeat 0.1</pre>
 */
public final class HotPostDemo {

    private static final ContentRef HOT_POST = ContentRef.of("post", 1);

    private HotPostDemo() {}

    /**
     * Runs the demo.
     *
     * @param args {@code --likes N --threads T --repeat FRACTION}
     * @throws Exception if a worker fails
     */
    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        LongAdder events = new LongAdder();
        EventPublisher counting = event -> {
            events.increment();
            return CompletableFuture.completedFuture(null);
        };
        try (LikeService service = LikeService.builder(InMemoryLikeStore.create())
                .publisher(counting)
                .build()) {
            run(options, service, events);
        }
    }

    private static void run(Options options, LikeService service, LongAdder events) throws Exception {
        System.out.printf(Locale.ROOT, "like demo: %,d distinct users like %s from %d threads, %.0f%% click twice%n",
                options.likes, HOT_POST, options.threads, options.repeat * 100);
        Recorder latencies = new Recorder(3);
        LongAdder done = new LongAdder();
        LongAdder applied = new LongAdder();
        LongAdder unchanged = new LongAdder();
        LongAdder repeats = new LongAdder();
        long expectedOps = Math.round(options.likes * (1 + options.repeat));

        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
        ExecutorService workers = Executors.newFixedThreadPool(options.threads);
        long start = System.nanoTime();
        long[] last = {0, start};
        progress.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long ops = done.sum();
            System.out.printf(Locale.ROOT, "  %,12d ops  ~%3d%%  %,10.0f ops/s%n", ops, Math.min(100, ops * 100 / expectedOps),
                    (ops - last[0]) / ((now - last[1]) / 1e9));
            last[0] = ops;
            last[1] = now;
        }, 1, 1, TimeUnit.SECONDS);

        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < options.threads; t++) {
            int thread = t;
            futures.add(workers.submit(() -> {
                SplittableRandom random = new SplittableRandom(thread);
                long mine = 0;
                for (long user = thread + 1; user <= options.likes; user += options.threads) {
                    count(timed(service, user, latencies), applied, unchanged);
                    mine++;
                    done.increment();
                    if (random.nextDouble() < options.repeat) {
                        // the same user clicks again: one of this thread's earlier users, never a new one
                        long again = thread + 1 + random.nextLong(mine) * options.threads;
                        count(timed(service, again, latencies), applied, unchanged);
                        repeats.increment();
                        done.increment();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.shutdownNow();
        workers.shutdown();

        Histogram histogram = latencies.getIntervalHistogram();
        long ops = done.sum();
        System.out.printf(Locale.ROOT, "%nthroughput: %,d like calls in %.2f s = %,.0f calls/s%n", ops, seconds, ops / seconds);
        System.out.printf(Locale.ROOT, "latency (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                us(histogram, 50), us(histogram, 90), us(histogram, 99), us(histogram, 99.9),
                histogram.getMaxValue() / 1000.0);

        long count = service.count(HOT_POST);
        long listed = distinctLikers(service);
        boolean ok = count == options.likes && listed == options.likes && applied.sum() == options.likes
                && unchanged.sum() == repeats.sum() && events.sum() == options.likes;
        System.out.printf(Locale.ROOT,
                "verification: count=%,d distinct likers listed=%,d applied=%,d repeated clicks=%,d (unchanged=%,d) events=%,d -> %s%n",
                count, listed, applied.sum(), repeats.sum(), unchanged.sum(), events.sum(),
                ok ? "OK: count equals distinct likers, no duplicates" : "MISMATCH");
        if (!ok) {
            System.exit(1);
        }
    }

    private static LikeResult timed(LikeService service, long user, Recorder latencies) {
        long begin = System.nanoTime();
        LikeResult result = service.like(user, HOT_POST);
        latencies.recordValue(System.nanoTime() - begin);
        return result;
    }

    private static void count(LikeResult result, LongAdder applied, LongAdder unchanged) {
        (result.changed() ? applied : unchanged).increment();
    }

    /** Walks the whole likers listing and checks that no user appears twice. */
    private static long distinctLikers(LikeService service) {
        Set<Long> seen = new HashSet<>();
        PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            Page<Liker> page = service.likers(HOT_POST, request);
            for (Liker liker : page.items()) {
                if (!seen.add(liker.userId())) {
                    throw new IllegalStateException("user " + liker.userId() + " listed twice");
                }
            }
            if (!page.hasNext()) {
                return seen.size();
            }
            request = PageRequest.after(page.nextCursor(), PageRequest.MAX_LIMIT);
        }
    }

    private static double us(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Command-line flags. */
    private static final class Options {
        long likes = 1_000_000;
        int threads = 8;
        double repeat = 0.1;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw usage("missing value after " + flag);
                }
                String value = args[++i];
                try {
                    switch (flag) {
                        case "--likes":
                            options.likes = Long.parseLong(value.replace("_", ""));
                            break;
                        case "--threads":
                            options.threads = Integer.parseInt(value);
                            break;
                        case "--repeat":
                            options.repeat = Double.parseDouble(value);
                            break;
                        default:
                            throw usage("unknown flag " + flag);
                    }
                } catch (NumberFormatException e) {
                    throw usage(flag + " needs a number, but was " + value);
                }
            }
            if (options.likes < 1 || options.threads < 1 || options.repeat < 0 || options.repeat > 1) {
                throw usage("--likes and --threads must be at least 1 and --repeat between 0 and 1");
            }
            return options;
        }

        private static IllegalArgumentException usage(String problem) {
            return new IllegalArgumentException(
                    problem + "; usage: HotPostDemo [--likes N] [--threads T] [--repeat FRACTION]");
        }
    }
}
