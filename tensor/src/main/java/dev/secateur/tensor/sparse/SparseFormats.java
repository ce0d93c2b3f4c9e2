package dev.secateur.tensor.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The registry of storage formats: every place that builds a matrix by format name (the kernel
 * choice, compiled models, benchmarks, tests) goes through it, so a format is added in one place.
 * Built-in formats are registered in the order the kernel choice tries them, then the formats
 * other jars provide through {@link ServiceLoader} (a {@code META-INF/services} entry naming a
 * {@link SparseFormat} with a public no-argument constructor), then those added with
 * {@link #register}.
 */
public final class SparseFormats {
    private static final Suits ANY = (p, b) -> true;
    private static final Worth ALWAYS = (m, p) -> true;
    private static final List<SparseFormat> FORMATS = new CopyOnWriteArrayList<>(builtIns());

    static {
        for (SparseFormat f : ServiceLoader.load(SparseFormat.class, SparseFormats.class.getClassLoader())) register(f);
    }

    private SparseFormats() {}

    /** Every registered format, dense first. */
    public static List<SparseFormat> all() {
        return List.copyOf(FORMATS);
    }

    /** The format called {@code name}; IAE naming the known ones when there is none. */
    public static SparseFormat named(String name) {
        for (SparseFormat f : FORMATS) if (f.name().equals(name)) return f;
        throw new IllegalArgumentException("unknown sparse format '" + name + "'; known: " + names());
    }

    /** Names of every registered format. */
    public static List<String> names() {
        return FORMATS.stream().map(SparseFormat::name).toList();
    }

    /** Adds a format (after the built-ins); IAE when its name is taken. */
    public static void register(SparseFormat format) {
        if (format == null || format.name() == null || format.name().isBlank()) throw new IllegalArgumentException("format needs a name");
        synchronized (FORMATS) {
            for (SparseFormat f : FORMATS) {
                if (f.name().equals(format.name())) throw new IllegalArgumentException("sparse format '" + format.name() + "' is already registered");
            }
            FORMATS.add(format);
        }
    }

    /** One line per format: name, vector width, whether it runs here. */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        for (SparseFormat f : FORMATS) {
            sb.append(String.format(Locale.ROOT, "%-9s %s%s%n", f.name(),
                    f.lanes() == 0 ? "any width" : f.lanes() + " lanes",
                    f.runsHere() ? "" : "  (disabled: its vector operations are not SIMD instructions here)"));
        }
        return sb.toString();
    }

    /** A built-in format from its parts. */
    private record BuiltIn(String name, int lanes, BooleanSupplier runs, boolean automatic, Suits suits, Builder builder, Worth worth)
            implements SparseFormat {
        @Override public boolean runsHere() { return runs.getAsBoolean(); }

        @Override public boolean suits(WeightPattern p, int batch) { return suits.test(p, batch); }

        @Override public SparseMatrix build(float[] dense, int rows, int cols, boolean[] mask) {
            return builder.build(dense, rows, cols, mask);
        }

        @Override public boolean worthTiming(SparseMatrix built, WeightPattern p, int batch) {
            return worth.test(built, p);
        }
    }

    @FunctionalInterface private interface Suits { boolean test(WeightPattern p, int batch); }

    @FunctionalInterface private interface Builder { SparseMatrix build(float[] dense, int rows, int cols, boolean[] mask); }

    @FunctionalInterface private interface Worth { boolean test(SparseMatrix built, WeightPattern p); }

    private static List<SparseFormat> builtIns() {
        BooleanSupplier anywhere = () -> true;
        List<SparseFormat> f = new ArrayList<>();
        f.add(new BuiltIn("dense", 0, anywhere, true, ANY, DenseMatrix::from, ALWAYS));
        // Batched CSR loads X straight from the caller's array, whose alignment varies run to run;
        // for wide layers the panel form reads an aligned copy and is as fast at its best.
        f.add(new BuiltIn("csr", 0, anywhere, true, (p, b) -> b == 1 || !PanelCsrMatrix.worthTrying(p.cols()), CsrMatrix::from, ALWAYS));
        f.add(new BuiltIn("pcsr", 0, anywhere, true, (p, b) -> b > 1 && PanelCsrMatrix.worthTrying(p.cols()), PanelCsrMatrix::from, ALWAYS));
        for (int r : new int[] {4, 8, 16}) {
            // Blocks padded beyond 3× the kept weights cannot win.
            f.add(new BuiltIn("bsr" + r + "x1", r, () -> BsrMatrix.runsHere(r), true, ANY,
                    (d, rows, cols, m) -> BsrMatrix.from(d, rows, cols, m, r),
                    (m, p) -> (long) ((BsrMatrix) m).blocks() * r <= 3 * Math.max(1, p.kept())));
        }
        f.add(new BuiltIn("bitmap16", 16, BitmapMatrix::runsHere, true, ANY, BitmapMatrix::from, ALWAYS));
        f.add(new BuiltIn("sell16", 16, SellMatrix::runsHere, true, ANY, SellMatrix::from,
                (m, p) -> ((SellMatrix) m).values.length <= 2 * p.kept() + 16L * SellMatrix.SLICE));
        f.add(new BuiltIn("wsell16", 16, WindowedSellMatrix::runsHere, true, ANY, WindowedSellMatrix::from, (m, p) -> {
            WindowedSellMatrix w = (WindowedSellMatrix) m;
            return w.values.length <= 3 * p.kept() + 16L * WindowedSellMatrix.SLICE * w.windows;
        }));
        f.add(new BuiltIn("wsell8", 8, WindowedSell8Matrix::runsHere, true, ANY, WindowedSell8Matrix::from, ALWAYS));
        f.add(new BuiltIn("wsell4", 4, WindowedSell4Matrix::runsHere, true, ANY, WindowedSell4Matrix::from, ALWAYS));
        f.add(new BuiltIn("gcsr", 0, GatherCsrMatrix::runsHere, true, (p, b) -> b == 1, GatherCsrMatrix::from, ALWAYS));
        f.add(new BuiltIn("nm2:4", 16, NmMatrix::runsHere, true, (p, b) -> p.isNm(2, 4) && !p.isNm(1, 4),
                (d, rows, cols, m) -> NmMatrix.from(d, rows, cols, m, 2, 4), ALWAYS));
        f.add(new BuiltIn("nm1:4", 16, NmMatrix::runsHere, true, (p, b) -> p.isNm(1, 4),
                (d, rows, cols, m) -> NmMatrix.from(d, rows, cols, m, 1, 4), ALWAYS));
        // int8 storage changes the numbers: only chosen where the weights already are int8 codes.
        f.add(new BuiltIn("int8csr", 0, anywhere, false, ANY, Int8CsrMatrix::from, ALWAYS));
        return f;
    }
}
