package dev.secateur.bench.suite;

import dev.secateur.nn.io.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, each written as PNG and SVG (headless: no window is opened):
 * speed-up over dense vs sparsity per SpMM shape, batch and mask with the 1/(1−s) bound,
 * GEMM GFLOPS vs size per implementation, and per model accuracy vs compression and accuracy vs
 * compressed size, one series per pruning criterion and schedule. Error bars are the figures'
 * errors.
 */
public final class SuiteCharts {
    /** A chart written to {@code charts/<file>.png} and {@code .svg}. */
    public record Chart(String title, String file) {}

    private static final int WIDTH = 800, HEIGHT = 500;

    private SuiteCharts() {}

    /** Draws every chart the results allow into {@code dir}; returns them in report order. */
    public static List<Chart> write(SuiteResults results, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Chart> out = new ArrayList<>();
        spmmSpeedups(results, dir, out);
        gemmGflops(results, dir, out);
        accuracy(results, dir, out);
        return out;
    }

    private static void spmmSpeedups(SuiteResults r, Path dir, List<Chart> out) throws IOException {
        Map<String, List<Figure>> panels = groupBy(r.figures().stream()
                .filter(f -> f.group().equals("spmm") && f.name().equals("speedup")).toList(),
                f -> f.param("shape") + " batch " + f.param("batch") + " " + f.param("mask") + " mask"
                        + (f.param("threads").isEmpty() || f.param("threads").equals("1") ? "" : " " + f.param("threads") + " threads"));
        for (var panel : panels.entrySet()) {
            XYChart c = chart("SpMM speed-up over dense, " + panel.getKey(), "sparsity", "speed-up (dense time / format time)");
            c.getStyler().setYAxisLogarithmic(true);
            double maxS = 0;
            for (var series : groupBy(panel.getValue(), f -> f.param("format")).entrySet()) {
                List<Figure> pts = sorted(series.getValue(), f -> parse(f.param("sparsity")));
                add(c, series.getKey(), pts, f -> parse(f.param("sparsity")));
                for (Figure f : pts) maxS = Math.max(maxS, parse(f.param("sparsity")));
            }
            bound(c, maxS);
            out.add(save(c, dir, "spmm-speedup-" + panel.getKey()));
        }
    }

    /** The 1/(1−s) line: what skipping the zeros alone would give. */
    private static void bound(XYChart c, double maxS) {
        int n = 50;
        double[] xs = new double[n + 1], ys = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            xs[i] = maxS * i / n;
            ys[i] = 1 / (1 - xs[i]);
        }
        XYSeries s = c.addSeries("1/(1-s) bound", xs, ys);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        s.setLineColor(java.awt.Color.GRAY);
    }

    private static void gemmGflops(SuiteResults r, Path dir, List<Chart> out) throws IOException {
        List<Figure> g = r.figures().stream().filter(f -> f.group().equals("gemm") && f.name().equals("gflops")).toList();
        if (g.isEmpty()) return;
        XYChart c = chart("SGEMM GFLOPS vs size (square, row-major)", "n (n×n · n×n)", "GFLOPS");
        for (var series : groupBy(g, f -> f.param("impl") + " " + f.param("threads") + "T").entrySet()) {
            add(c, series.getKey(), sorted(series.getValue(), f -> parse(f.param("size"))), f -> parse(f.param("size")));
        }
        out.add(save(c, dir, "gemm-gflops"));
    }

    private static void accuracy(SuiteResults r, Path dir, List<Chart> out) throws IOException {
        List<Figure> acc = r.figures().stream().filter(f -> f.group().equals("accuracy") && f.name().equals("accuracy")).toList();
        Map<String, Figure> compression = index(r, "compression"), bytes = index(r, "bytes");
        for (var model : groupBy(acc, f -> f.param("model")).entrySet()) {
            XYChart vsCompression = chart(model.getKey() + ": test accuracy vs compression", "compression (dense bytes / compressed bytes)", "test accuracy");
            vsCompression.getStyler().setXAxisLogarithmic(true);
            XYChart vsSize = chart(model.getKey() + ": compressed size vs test accuracy", "compressed file (KiB)", "test accuracy");
            for (var series : groupBy(model.getValue(), f -> f.param("schedule").equals("dense") ? "dense" : f.param("criterion") + " " + f.param("schedule")).entrySet()) {
                List<Figure> withX = series.getValue().stream().filter(f -> compression.containsKey(key(f)) && bytes.containsKey(key(f))).toList();
                if (withX.isEmpty()) continue;
                add(vsCompression, series.getKey(), sorted(withX, f -> compression.get(key(f)).value()), f -> compression.get(key(f)).value());
                add(vsSize, series.getKey(), sorted(withX, f -> bytes.get(key(f)).value()), f -> bytes.get(key(f)).value() / 1024);
            }
            if (vsCompression.getSeriesMap().isEmpty()) continue;
            out.add(save(vsCompression, dir, "accuracy-vs-compression-" + model.getKey()));
            out.add(save(vsSize, dir, "size-vs-accuracy-" + model.getKey()));
        }
    }

    private static Map<String, Figure> index(SuiteResults r, String name) {
        Map<String, Figure> m = new LinkedHashMap<>();
        for (Figure f : r.figures()) if (f.group().equals("accuracy") && f.name().equals(name)) m.put(key(f), f);
        return m;
    }

    private static String key(Figure f) {
        return new TreeMap<>(f.params()).toString();
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        c.getStyler().setDecimalPattern("#,##0.###");
        return c;
    }

    private static void add(XYChart c, String name, List<Figure> pts, Function<Figure, Double> x) {
        double[] xs = new double[pts.size()], ys = new double[pts.size()], es = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            xs[i] = x.apply(pts.get(i));
            ys[i] = pts.get(i).value();
            es[i] = pts.get(i).error();
        }
        // Every charted quantity is positive; a symmetric error wider than the value (a rate from a
        // time whose interval reaches zero) is drawn down to zero, on a log axis just above it.
        double floor = c.getStyler().isYAxisLogarithmic() ? 0.99 : 1.0;
        for (int i = 0; i < es.length; i++) es[i] = Math.min(es[i], ys[i] * floor);
        c.addSeries(name, xs, ys, es);
    }

    private static Chart save(XYChart c, Path dir, String name) throws IOException {
        String file = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        AtomicFile.write(dir.resolve(file + ".png"), BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(c, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        AtomicFile.write(dir.resolve(file + ".svg"), svg.toByteArray());
        return new Chart(c.getTitle(), file);
    }

    private static <K> Map<K, List<Figure>> groupBy(List<Figure> fs, Function<Figure, K> key) {
        Map<K, List<Figure>> m = new LinkedHashMap<>();
        for (Figure f : fs) m.computeIfAbsent(key.apply(f), k -> new ArrayList<>()).add(f);
        return m;
    }

    private static List<Figure> sorted(List<Figure> fs, Function<Figure, Double> x) {
        List<Figure> s = new ArrayList<>(fs);
        s.sort(Comparator.comparing(x));
        return s;
    }

    static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
