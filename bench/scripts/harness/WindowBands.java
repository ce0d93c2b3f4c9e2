import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * wsell16's batch-1 slot loop on the slots of a random mask, rows fixed in 16-row slices against
 * rows in bands regrouped per window (each window's band rows sorted by their count there, taken
 * 16 at a time, the group sums permuted back to the band's rows), alternating in one JVM, median µs
 * per product; each layout's product is checked against a float64 reference first. 512-bit only.
 *   WindowBands ROWS COLS DENSITY GROUPS [CALLS]    (ROWS and COLS multiples of 64)
 * GROUPS (comma list): 1 fixed slices (the layout before bands), 2 bands of 32 rows, 4 bands of 64
 * (the library's layout), 5 bands of 64 with the group sums and row sums in scratch arrays (one
 * slot loop in the body instead of four).
 */
public class WindowBands {
    static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;

    /** Layout with bands of 16*g rows; per (band, window) the rows sorted by count, grouped by 16. */
    static final class Layout {
        int variant, g, bands, nw; int[] ptr; float[] v; byte[] p; byte[] inv; long slots;
        Layout(float[] w, int rows, int cols, int g) {
            this.variant = g; this.g = g == 5 ? 4 : g; g = this.g; int band = 16 * g; bands = (rows + band - 1) / band; nw = cols / 64;
            ptr = new int[bands * nw * g + 1]; inv = new byte[bands * nw * band];
            int[][] perms = new int[bands * nw][];
            for (int b = 0; b < bands; b++) for (int win = 0; win < nw; win++) {
                long[] key = new long[band];
                for (int i = 0; i < band; i++) {
                    int r = b * band + i, n = 0;
                    if (r < rows) for (int c = win * 64; c < win * 64 + 64; c++) if (w[r * cols + c] != 0) n++;
                    key[i] = g == 1 ? i : ((long) (64 - n) << 32) | i;
                }
                Arrays.sort(key);
                int[] perm = new int[band];
                for (int j = 0; j < band; j++) { perm[j] = (int) key[j]; inv[(b * nw + win) * band + perm[j]] = (byte) j; }
                perms[b * nw + win] = perm;
                for (int k = 0; k < g; k++) {
                    int width = 0; for (int j = 16 * k; j < 16 * k + 16; j++) { int r = b * band + (int) key[j]; if (r >= rows) continue; int n = 0; for (int c = win * 64; c < win * 64 + 64; c++) if (w[r * cols + c] != 0) n++; width = Math.max(width, n); }
                    int q = (b * nw + win) * g + k;
                    ptr[q + 1] = ptr[q] + width;
                }
            }
            int total = ptr[ptr.length - 1]; slots = total;
            v = new float[total * 16]; p = new byte[total * 16];
            for (int b = 0; b < bands; b++) for (int win = 0; win < nw; win++) {
                int[] perm = perms[b * nw + win];
                for (int j = 0; j < band; j++) {
                    int r = b * band + perm[j]; if (r >= rows) continue;
                    int t = ptr[(b * nw + win) * g + j / 16], lane = j % 16;
                    for (int c = win * 64; c < win * 64 + 64; c++) if (w[r * cols + c] != 0) {
                        v[t * 16 + lane] = w[r * cols + c]; p[t * 16 + lane] = (byte) (c - win * 64); t++;
                    }
                }
            }
        }
    }

    /** 1: fixed 16-row slices, the slot loop as the library ran it before bands. */
    static void slices(Layout L, float[] x, float[] y) {
        int nw = L.nw; int[] ptr = L.ptr; float[] v = L.v; byte[] p = L.p;
        for (int s = 0; s < L.bands; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = ptr[s * nw + w], e = ptr[s * nw + w + 1];
                if (t == e) continue;
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1; a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
    }

    /** 2: bands of 32 rows, group sums remapped with one two-register permute per 16 rows. */
    static void bands2(Layout L, float[] x, float[] y) {
        int nw = L.nw; int[] ptr = L.ptr; float[] v = L.v; byte[] p = L.p; byte[] inv = L.inv;
        for (int b = 0; b < L.bands; b++) {
            FloatVector A0 = FloatVector.zero(S16), A1 = A0;
            for (int w = 0; w < nw; w++) {
                int q = (b * nw + w) * 2;
                if (ptr[q] == ptr[q + 2]) continue;
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                FloatVector a0 = FloatVector.zero(S16), a1 = a0;
                int t = ptr[q], e = ptr[q + 1];
                for (; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1; a1 = next;
                }
                FloatVector g0 = a0.add(a1);
                a0 = FloatVector.zero(S16); a1 = a0;
                for (e = ptr[q + 2]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1; a1 = next;
                }
                FloatVector g1 = a0.add(a1);
                int o = (b * nw + w) * 32;
                IntVector i0 = (IntVector) ByteVector.fromArray(B16, inv, o).convertShape(VectorOperators.B2I, I16, 0);
                IntVector i1 = (IntVector) ByteVector.fromArray(B16, inv, o + 16).convertShape(VectorOperators.B2I, I16, 0);
                A0 = A0.add(i0.selectFrom(g0.reinterpretAsInts(), g1.reinterpretAsInts()).reinterpretAsFloats());
                A1 = A1.add(i1.selectFrom(g0.reinterpretAsInts(), g1.reinterpretAsInts()).reinterpretAsFloats());
            }
            A0.intoArray(y, b * 32);
            A1.intoArray(y, b * 32 + 16);
        }
    }

    /** 5: bands of 64, group sums through a 64-float scratch, accumulators in a 64-float scratch; one slot loop, one remap loop. */
    static void bands4(Layout L, float[] x, float[] y, float[] gs, float[] acc) {
        int nw = L.nw; int[] ptr = L.ptr; float[] v = L.v; byte[] p = L.p; byte[] inv = L.inv;
        for (int b = 0; b < L.bands; b++) {
            Arrays.fill(acc, 0f);
            for (int w = 0; w < nw; w++) {
                int q = (b * nw + w) * 4;
                if (ptr[q] == ptr[q + 4]) continue;
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (int k = 0; k < 4; k++) {
                    FloatVector a0 = FloatVector.zero(S16), a1 = a0;
                    for (int t = ptr[q + k], e = ptr[q + k + 1]; t < e; t++) {
                        IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                        FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                        FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                        a0 = a1; a1 = next;
                    }
                    a0.add(a1).intoArray(gs, 16 * k);
                }
                IntVector g0 = FloatVector.fromArray(S16, gs, 0).reinterpretAsInts();
                IntVector g1 = FloatVector.fromArray(S16, gs, 16).reinterpretAsInts();
                IntVector g2 = FloatVector.fromArray(S16, gs, 32).reinterpretAsInts();
                IntVector g3 = FloatVector.fromArray(S16, gs, 48).reinterpretAsInts();
                int o = (b * nw + w) * 64;
                for (int k = 0; k < 4; k++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, inv, o + 16 * k).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(g0, g1).blend(idx.selectFrom(g2, g3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector.fromArray(S16, acc, 16 * k).add(in).intoArray(acc, 16 * k);
                }
            }
            System.arraycopy(acc, 0, y, b * 64, 64);
        }
    }


    /** 4: bands of 64 rows, four groups, all in registers (the library's kernel). */
    static void bands4r(Layout L, float[] x, float[] y) {
        int nw = L.nw; int[] ptr = L.ptr; float[] v = L.v; byte[] p = L.p; byte[] inv = L.inv;
        for (int b = 0; b < L.bands; b++) {
            FloatVector A0 = FloatVector.zero(S16), A1 = A0, A2 = A0, A3 = A0;
            for (int w = 0; w < nw; w++) {
                int q = (b * nw + w) * 4;
                if (ptr[q] == ptr[q + 4]) continue;
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                FloatVector a0, a1;
                int t = ptr[q], e;
                a0 = FloatVector.zero(S16); a1 = a0;
                for (e = ptr[q + 1]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1; a1 = next;
                }
                IntVector g0 = a0.add(a1).reinterpretAsInts();
                a0 = FloatVector.zero(S16); a1 = a0;
                for (e = ptr[q + 2]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1; a1 = next;
                }
                IntVector g1 = a0.add(a1).reinterpretAsInts();
                a0 = FloatVector.zero(S16); a1 = a0;
                for (e = ptr[q + 3]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1; a1 = next;
                }
                IntVector g2 = a0.add(a1).reinterpretAsInts();
                a0 = FloatVector.zero(S16); a1 = a0;
                for (e = ptr[q + 4]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1; a1 = next;
                }
                IntVector g3 = a0.add(a1).reinterpretAsInts();
                int o = (b * nw + w) * 64;
                {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, inv, o + 16 * 0).convertShape(VectorOperators.B2I, I16, 0);
                    A0 = A0.add(idx.selectFrom(g0, g1).blend(idx.selectFrom(g2, g3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats());
                }
                {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, inv, o + 16 * 1).convertShape(VectorOperators.B2I, I16, 0);
                    A1 = A1.add(idx.selectFrom(g0, g1).blend(idx.selectFrom(g2, g3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats());
                }
                {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, inv, o + 16 * 2).convertShape(VectorOperators.B2I, I16, 0);
                    A2 = A2.add(idx.selectFrom(g0, g1).blend(idx.selectFrom(g2, g3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats());
                }
                {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, inv, o + 16 * 3).convertShape(VectorOperators.B2I, I16, 0);
                    A3 = A3.add(idx.selectFrom(g0, g1).blend(idx.selectFrom(g2, g3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats());
                }
            }
            A0.intoArray(y, b * 64); A1.intoArray(y, b * 64 + 16); A2.intoArray(y, b * 64 + 32); A3.intoArray(y, b * 64 + 48);
        }
    }

    static void run(Layout L, float[] x, float[] y, float[] gs, float[] acc) {
        switch (L.variant) {
            case 1 -> slices(L, x, y);
            case 2 -> bands2(L, x, y);
            case 4 -> bands4r(L, x, y);
            default -> bands4(L, x, y, gs, acc);
        }
    }

    public static void main(String[] a) {
        int rows = Integer.parseInt(a[0]), cols = Integer.parseInt(a[1]);
        double density = Double.parseDouble(a[2]);
        int[] gs = Arrays.stream(a[3].split(",")).mapToInt(Integer::parseInt).toArray();
        int calls = a.length > 4 ? Integer.parseInt(a[4]) : 10;
        Random r = new Random(1);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) if (r.nextDouble() < density) w[i] = r.nextFloat() * 2 - 1;
        // longest-first row order, as the library does
        Integer[] ord = new Integer[rows]; int[] len = new int[rows];
        for (int i = 0; i < rows; i++) { ord[i] = i; for (int c = 0; c < cols; c++) if (w[i * cols + c] != 0) len[i]++; }
        Arrays.sort(ord, (i, j) -> len[j] - len[i]);
        float[] wo = new float[rows * cols];
        for (int i = 0; i < rows; i++) System.arraycopy(w, ord[i] * cols, wo, i * cols, cols);
        float[] x = new float[cols];
        for (int j = 0; j < cols; j++) x[j] = r.nextFloat() * 2 - 1;
        double[] ref = new double[rows];
        for (int i = 0; i < rows; i++) { double s = 0; for (int c = 0; c < cols; c++) s += (double) wo[i * cols + c] * x[c]; ref[i] = s; }
        Layout[] ls = new Layout[gs.length];
        float[][] ys = new float[gs.length][rows + 64];
        float[] gsc = new float[64], acc = new float[64];
        for (int i = 0; i < gs.length; i++) {
            ls[i] = new Layout(wo, rows, cols, gs[i]);
            run(ls[i], x, ys[i], gsc, acc);
            double err = 0; for (int k = 0; k < rows; k++) err = Math.max(err, Math.abs(ys[i][k] - ref[k]));
            System.out.printf("%d: %d slots, %.2f MB, max err %.2e%n", gs[i], ls[i].slots, (ls[i].slots * 80 + ls[i].inv.length) / 1e6, err);
        }
        int rounds = 60;
        double[][] t = new double[gs.length][rounds];
        for (int round = -20; round < rounds; round++) {
            for (int i = 0; i < gs.length; i++) {
                for (int k = 0; k < 3; k++) run(ls[i], x, ys[i], gsc, acc);
                long t0 = System.nanoTime();
                for (int k = 0; k < calls; k++) run(ls[i], x, ys[i], gsc, acc);
                if (round >= 0) t[i][round] = (System.nanoTime() - t0) / (double) calls;
            }
        }
        for (int i = 0; i < gs.length; i++) {
            double[] s = t[i].clone(); Arrays.sort(s);
            System.out.printf("%d: median %.1f us (best %.1f), %.3f ns per slot%n", gs[i], s[rounds / 2] / 1e3, s[0] / 1e3, s[rounds / 2] / ls[i].slots);
        }
    }
}
