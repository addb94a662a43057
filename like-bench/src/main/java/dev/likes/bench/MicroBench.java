package dev.likes.bench;

import dev.likes.bench.jmh.CoreBenchmarks;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH micro-benchmarks ({@link CoreBenchmarks}), one fork, short iterations in quick mode. */
final class MicroBench implements Bench.Section {

    @Override
    public String id() {
        return "micro";
    }

    @Override
    public Bench.Result run(Bench.Env env) throws Exception {
        long t0 = System.nanoTime();
        Bench.Mode mode = env.mode();
        Options options = new OptionsBuilder()
                .include(CoreBenchmarks.class.getName())
                .forks(1)
                .warmupIterations(mode.pick(1, 2, 3))
                .warmupTime(TimeValue.milliseconds(mode.pick(200, 1_000, 2_000)))
                .measurementIterations(mode.pick(1, 3, 5))
                .measurementTime(TimeValue.milliseconds(mode.pick(200, 1_000, 2_000)))
                .jvmArgs("-Xmx1g")
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Bench.Report report = new Bench.Report(id(), "Micro-benchmarks (JMH)");
        report.method = String.format("JMH 1.37, 1 fork, %d warm-up and %d measured iterations of %d ms.",
                mode.pick(1, 2, 3), mode.pick(1, 3, 5), mode.pick(200, 1_000, 2_000));
        Bench.Table table = Bench.Table.of("benchmark", "ops/s", "± (99.9%)", "threads");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            table.row(name, score, Double.isNaN(error) ? "n/a" : Bench.fmt(error), r.getParams().getThreads());
            report.metric(name + "_ops_per_s", score);
        }
        report.tables.add(table);
        return report.done((System.nanoTime() - t0) / 1e9);
    }
}
