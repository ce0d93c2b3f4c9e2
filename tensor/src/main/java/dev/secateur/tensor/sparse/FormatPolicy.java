package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorPlatform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which formats are worth timing for one weight and batch — the candidate rules shared by
 * {@link SparseSelector} and compiled models. Dense always comes first (the baseline). A sparse
 * format is dropped without being timed when it cannot win:
 * <ul>
 *   <li>its kernels are not SIMD at this vector width ({@link SparseFormat#runsHere()});</li>
 *   <li>batch 1 streams the weight once per call, so a format storing at least the dense bytes
 *       can only look faster in a noisy timing;</li>
 *   <li>batched products run the dense GEMM at near peak, and at density above
 *       {@value #MAX_BATCHED_DENSITY} no sparse format has come close to it (BENCHMARKS.md §4);</li>
 *   <li>its padding leaves it no chance ({@link SparseFormat#worthTiming}).</li>
 * </ul>
 */
public final class FormatPolicy {
    /** Above this density batched products are left to the dense kernel. */
    public static final double MAX_BATCHED_DENSITY = 0.4;

    /**
     * Proxy geometry: partial slices, blocks and windows, so every branch of a kernel runs. At
     * batch 1 the proxy is large enough (over 2^17 weights) to take the same code path as a big
     * layer (the matrix-vector kernels hand large weights to the thread pool's task path): a
     * proxy below that compiled only the small-matrix path, and the first big products were timed
     * at two to three times their compiled cost.
     */
    private static final int PROXY_ROWS = 24, PROXY_BATCH = 71, PROXY_VECTOR_SIDE = 392;
    /**
     * Inputs of a batched proxy: deeper than one K block of the dense kernels, so that the
     * accumulating blocks after the first run too (a proxy of a single block left that code
     * uncompiled, and a layer deeper than a block was timed cold).
     */
    private static final int PROXY_COLS = Math.max(136, VectorPlatform.GEMM.kc() + 40);

    private static final Map<String, SparseMatrix> PROXIES = new ConcurrentHashMap<>();

    private FormatPolicy() {}

    /**
     * The formats worth building for {@code p} at {@code batch} columns, dense first.
     * {@code allowed} restricts the sparse ones (null: no restriction); formats that are not
     * {@link SparseFormat#automatic() automatic} are never listed.
     */
    public static List<SparseFormat> eligible(WeightPattern p, int batch, Set<String> allowed) {
        List<SparseFormat> out = new ArrayList<>();
        out.add(SparseFormats.named("dense"));
        if (p.kept() >= (long) p.rows() * p.cols()) return out; // nothing pruned: no sparse format can win
        if (batch > 1 && p.density() > MAX_BATCHED_DENSITY) return out;
        for (SparseFormat f : SparseFormats.all()) {
            if (f.name().equals("dense") || !f.runsHere()) continue;
            if (!f.automatic() || (allowed != null && !allowed.contains(f.name()))) continue;
            if (f.suits(p, batch)) out.add(f);
        }
        return out;
    }

    /** Whether a built candidate stays in the race (bytes at batch 1, the format's own padding rule). */
    public static boolean worthTiming(SparseFormat f, SparseMatrix built, WeightPattern p, int batch) {
        if (f.name().equals("dense")) return true;
        if (batch == 1 && built.byteSize() >= p.denseBytes()) return false;
        return f.worthTiming(built, p, batch);
    }

    /** The eligible formats built and filtered: the matrices to time, dense first. */
    public static List<SparseMatrix> candidates(WeightPattern p, int batch, Set<String> allowed) {
        List<SparseMatrix> out = new ArrayList<>();
        for (SparseFormat f : eligible(p, batch, allowed)) {
            SparseMatrix m = f.build(p.dense(), p.rows(), p.cols(), p.mask());
            if (worthTiming(f, m, p, batch)) out.add(m);
        }
        return out;
    }

    /** The key under which a format's kernel for this batch kind counts as compiled. */
    public static String warmKey(String format, int batch) {
        return warmKey(format, batch, false);
    }

    /** {@link #warmKey(String, int)} for products that read sample-major input ({@code [n, K]}), another code path. */
    public static String warmKey(String format, int batch, boolean sampleMajor) {
        return format + (batch == 1 ? "/batch1" : sampleMajor ? "/batched-sample-major" : "/batched");
    }

    /**
     * One cheap call through the same kernel code as {@code real} at this batch kind: a corner of
     * the real weight (so N:M groups and blocks keep their structure; at most 24×136 for batches,
     * 392×392 at batch 1), built once per JVM and batch kind.
     */
    public static Runnable proxy(SparseFormat f, WeightPattern real, int batch, Workers workers) {
        return proxy(f, real, batch, workers, false);
    }

    /**
     * {@link #proxy(SparseFormat, WeightPattern, int, Workers)} through the sample-major entry
     * ({@code multiplyBatchSampleMajor}) when {@code sampleMajor} and the format has one (dense,
     * panel CSR): a layer fed sample-major input runs that code, which a feature-major proxy
     * never compiles.
     */
    public static Runnable proxy(SparseFormat f, WeightPattern real, int batch, Workers workers, boolean sampleMajor) {
        int pb = batch == 1 ? 1 : PROXY_BATCH;
        SparseMatrix m = PROXIES.computeIfAbsent(warmKey(f.name(), batch, sampleMajor), k -> {
            int rows = Math.min(batch == 1 ? PROXY_VECTOR_SIDE : PROXY_ROWS, real.rows());
            int cols = Math.min(batch == 1 ? PROXY_VECTOR_SIDE : PROXY_COLS, real.cols());
            float[] w = new float[rows * cols];
            boolean[] keep = real.mask() == null ? null : new boolean[rows * cols];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(real.dense(), r * real.cols(), w, r * cols, cols);
                if (keep != null) System.arraycopy(real.mask(), r * real.cols(), keep, r * cols, cols);
            }
            return f.build(w, rows, cols, keep);
        });
        float[] x = new float[m.cols() * pb], y = new float[m.rows() * pb], bias = new float[m.rows()];
        for (int i = 0; i < x.length; i++) x[i] = (i % 7) - 3;
        for (int i = 0; i < bias.length; i++) bias[i] = (i % 5) - 2;
        // Every other call with bias and ReLU, as layers run: compiled code that never saw the
        // epilogue's branches taken is thrown away (deoptimised) by the first real call that takes
        // them, and then runs several hundred times slower until recompiled.
        int[] calls = {0};
        boolean viaSamples = sampleMajor && pb > 1 && (m instanceof PanelCsrMatrix || m instanceof DenseMatrix);
        return () -> {
            boolean epilogue = (calls[0]++ & 1) == 0;
            float[] b = epilogue ? bias : null;
            if (!viaSamples) m.multiplyBatch(workers, x, 0, pb, y, 0, b, epilogue);
            else if (m instanceof PanelCsrMatrix p) p.multiplyBatchSampleMajor(workers, x, 0, pb, y, 0, b, epilogue);
            else ((DenseMatrix) m).multiplyBatchSampleMajor(workers, x, 0, pb, y, 0, b, epilogue);
        };
    }
}
