package dev.likes.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/** Load generators with HdrHistogram: closed loop (a window of calls in flight) and open loop (a fixed schedule). */
final class Latency {

    private Latency() {}

    /** What a run measured: calls completed and failed, the time, and latencies in microseconds. */
    record Run(long completed, long failed, double seconds, Histogram histogram) {
        double rate() {
            return completed / seconds;
        }

        long p(double percentile) {
            return histogram.getValueAtPercentile(percentile);
        }

        Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("completed", completed);
            m.put("failed", failed);
            m.put("seconds", seconds);
            m.put("per_second", rate());
            m.put("p50_us", p(50));
            m.put("p90_us", p(90));
            m.put("p99_us", p(99));
            m.put("p99_9_us", p(99.9));
            m.put("max_us", histogram.getMaxValue());
            return m;
        }

        /** (percentile, latency us) points for a percentile curve, up to 99.99%. */
        List<double[]> curve() {
            List<double[]> points = new ArrayList<>();
            for (HistogramIterationValue v : histogram.percentiles(5)) {
                if (v.getPercentileLevelIteratedTo() > 99.99) {
                    break;
                }
                points.add(new double[] {v.getPercentileLevelIteratedTo(), v.getValueIteratedTo()});
            }
            return points;
        }
    }

    /**
     * Closed loop: keeps {@code inFlight} calls going until {@code total} completed. Latency counts from each call's
     * start, so it shows service time under this concurrency, not what a user at a fixed rate would see.
     */
    static Run closed(long total, int inFlight, LongFunction<CompletionStage<?>> call) throws InterruptedException {
        Recorder recorder = new Recorder(TimeUnit.MINUTES.toMicros(5), 3);
        LongAdder failed = new LongAdder();
        Semaphore window = new Semaphore(inFlight);
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            window.acquire();
            long from = System.nanoTime();
            CompletionStage<?> stage;
            try {
                stage = call.apply(i);
            } catch (RuntimeException e) {
                failed.increment();
                window.release();
                continue;
            }
            stage.whenComplete((r, e) -> {
                recorder.recordValue(Math.max(0, (System.nanoTime() - from) / 1_000));
                if (e != null) {
                    failed.increment();
                }
                window.release();
            });
        }
        window.acquire(inFlight);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        return new Run(h.getTotalCount() - failed.sum(), failed.sum(), seconds, h);
    }

    /**
     * Open loop: starts call i at {@code start + i / rate} whatever the earlier calls do, for {@code seconds}, and
     * counts each latency from the call's scheduled start, so a stall shows in the percentiles instead of slowing the
     * load down (no coordinated omission).
     */
    static Run open(int rate, double seconds, LongFunction<CompletionStage<?>> call) throws InterruptedException {
        Recorder recorder = new Recorder(TimeUnit.MINUTES.toMicros(5), 3);
        LongAdder failed = new LongAdder();
        LongAdder done = new LongAdder();
        long total = (long) (rate * seconds);
        double interval = 1e9 / rate;
        long start = System.nanoTime() + 1_000_000;
        for (long i = 0; i < total; i++) {
            long scheduled = start + (long) (i * interval);
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 100_000));
            }
            CompletionStage<?> stage;
            try {
                stage = call.apply(i);
            } catch (RuntimeException e) {
                failed.increment();
                done.increment();
                continue;
            }
            stage.whenComplete((r, e) -> {
                recorder.recordValue(Math.max(0, (System.nanoTime() - scheduled) / 1_000));
                if (e != null) {
                    failed.increment();
                }
                done.increment();
            });
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (done.sum() < total && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        double took = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        return new Run(h.getTotalCount() - failed.sum(), failed.sum() + (total - done.sum()), took, h);
    }
}
