package dev.likes.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts (JFreeChart): latency percentile curves and throughput over time. */
final class Charts {

    private static final Color[] COLORS = {new Color(0xE0245E), new Color(0x2563EB), new Color(0x059669),
        new Color(0xD97706), new Color(0x7C3AED), new Color(0x6B7280)};

    private Charts() {}

    /**
     * Latency against percentile, the percentile axis stretched as 1 / (1 - p) so the tail is readable: 50% at 2,
     * 99% at 100, 99.9% at 1,000.
     */
    static Path percentiles(Path dir, String file, String title, Map<String, Latency.Run> runs) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        runs.forEach((name, run) -> {
            XYSeries series = new XYSeries(name);
            for (double[] point : run.curve()) {
                double x = 1 / (1 - Math.min(point[0], 99.999) / 100);
                series.add(x, Math.max(1, point[1]) / 1000.0);
            }
            data.addSeries(series);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, "percentile", "latency (ms)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("percentile");
        x.setNumberFormatOverride(new NumberFormat() {
            @Override
            public StringBuffer format(double number, StringBuffer out, FieldPosition pos) {
                double p = 100 * (1 - 1 / number);
                return out.append(p < 99 ? String.format("%.0f%%", p) : String.format("%s%%", trim(p)));
            }

            @Override
            public StringBuffer format(long number, StringBuffer out, FieldPosition pos) {
                return format((double) number, out, pos);
            }

            @Override
            public Number parse(String source, ParsePosition pos) {
                return null;
            }
        });
        x.setSmallestValue(1);
        plot.setDomainAxis(x);
        LogAxis y = new LogAxis("latency (ms)");
        y.setSmallestValue(0.001);
        plot.setRangeAxis(y);
        style(plot, data.getSeriesCount());
        return save(dir, file, chart);
    }

    private static String trim(double p) {
        String s = String.format("%.3f", p);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** Lines of (seconds, value) per series. */
    static Path timeline(Path dir, String file, String title, String yLabel, Map<String, List<double[]>> series)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            points.forEach(p -> s.add(p[0], p[1]));
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds since the first like", yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        style(plot, data.getSeriesCount());
        return save(dir, file, chart);
    }

    private static void style(XYPlot plot, int n) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < n; i++) {
            renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
    }

    private static Path save(Path dir, String file, JFreeChart chart) throws IOException {
        Files.createDirectories(dir);
        chart.setBackgroundPaint(Color.WHITE);
        Path out = dir.resolve(file);
        ChartUtils.saveChartAsPNG(out.toFile(), chart, 900, 480);
        return out;
    }
}
