// Scratch harness (bench/scripts/harness/run.sh CsrCursors VARIANT[,VARIANT...]): CSR's batch-1 row
// loop on a 300×784 weight at 8% (LeNet-300-100 fc1's shape), µs per product. One variant: that
// variant alone in this JVM (run it four times); a comma list: the variants alternated in blocks in
// one JVM, median per variant (what separates them when JVMs differ more than they do). four = four interleaved delta cursors, four sums; one4 = one cursor, four sums; one8 = one
// cursor, eight sums (the delta kernel, for matrices wider than 65536 columns); abs8 = absolute
// 16-bit columns plus the offset of x, eight sums; absz = absolute columns into x at offset 0 (the
// kernel now).
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

public class CsrCursors {
    static void four(float[] v, char[] d, int[] ptr, float[] x, int xOff, float[] y, float[] bias, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1], c0 = xOff, c1 = xOff, c2 = xOff, c3 = xOff;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (; p + 3 < e; p += 4) {
                c0 += d[p]; c1 += d[p + 1]; c2 += d[p + 2]; c3 += d[p + 3];
                s0 = Math.fma(v[p], x[c0], s0); s1 = Math.fma(v[p + 1], x[c1], s1);
                s2 = Math.fma(v[p + 2], x[c2], s2); s3 = Math.fma(v[p + 3], x[c3], s3);
            }
            if (p < e) s0 = Math.fma(v[p], x[c0 + d[p]], s0);
            if (p + 1 < e) s1 = Math.fma(v[p + 1], x[c1 + d[p + 1]], s1);
            if (p + 2 < e) s2 = Math.fma(v[p + 2], x[c2 + d[p + 2]], s2);
            y[r] = Math.max((s0 + s1) + (s2 + s3) + bias[r], 0f);
        }
    }

    static void one4(float[] v, char[] d, int[] ptr, float[] x, int xOff, float[] y, float[] bias, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1], c = xOff;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (; p + 3 < e; p += 4) {
                c += d[p]; s0 = Math.fma(v[p], x[c], s0);
                c += d[p + 1]; s1 = Math.fma(v[p + 1], x[c], s1);
                c += d[p + 2]; s2 = Math.fma(v[p + 2], x[c], s2);
                c += d[p + 3]; s3 = Math.fma(v[p + 3], x[c], s3);
            }
            for (; p < e; p++) { c += d[p]; s0 = Math.fma(v[p], x[c], s0); }
            y[r] = Math.max((s0 + s1) + (s2 + s3) + bias[r], 0f);
        }
    }

    static void one8(float[] v, char[] d, int[] ptr, float[] x, int xOff, float[] y, float[] bias, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1], c = xOff;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (; p + 7 < e; p += 8) {
                c += d[p]; s0 = Math.fma(v[p], x[c], s0);
                c += d[p + 1]; s1 = Math.fma(v[p + 1], x[c], s1);
                c += d[p + 2]; s2 = Math.fma(v[p + 2], x[c], s2);
                c += d[p + 3]; s3 = Math.fma(v[p + 3], x[c], s3);
                c += d[p + 4]; s4 = Math.fma(v[p + 4], x[c], s4);
                c += d[p + 5]; s5 = Math.fma(v[p + 5], x[c], s5);
                c += d[p + 6]; s6 = Math.fma(v[p + 6], x[c], s6);
                c += d[p + 7]; s7 = Math.fma(v[p + 7], x[c], s7);
            }
            for (; p < e; p++) { c += d[p]; s0 = Math.fma(v[p], x[c], s0); }
            y[r] = Math.max(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + bias[r], 0f);
        }
    }

    static void abs8(float[] v, char[] col, int[] ptr, float[] x, int xOff, float[] y, float[] bias, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (; p + 7 < e; p += 8) {
                s0 = Math.fma(v[p], x[xOff + col[p]], s0); s1 = Math.fma(v[p + 1], x[xOff + col[p + 1]], s1);
                s2 = Math.fma(v[p + 2], x[xOff + col[p + 2]], s2); s3 = Math.fma(v[p + 3], x[xOff + col[p + 3]], s3);
                s4 = Math.fma(v[p + 4], x[xOff + col[p + 4]], s4); s5 = Math.fma(v[p + 5], x[xOff + col[p + 5]], s5);
                s6 = Math.fma(v[p + 6], x[xOff + col[p + 6]], s6); s7 = Math.fma(v[p + 7], x[xOff + col[p + 7]], s7);
            }
            for (; p < e; p++) s0 = Math.fma(v[p], x[xOff + col[p]], s0);
            y[r] = Math.max(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + bias[r], 0f);
        }
    }

    static void absz(float[] v, char[] col, int[] ptr, float[] x, float[] y, float[] bias, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (; p + 7 < e; p += 8) {
                s0 = Math.fma(v[p], x[col[p]], s0); s1 = Math.fma(v[p + 1], x[col[p + 1]], s1);
                s2 = Math.fma(v[p + 2], x[col[p + 2]], s2); s3 = Math.fma(v[p + 3], x[col[p + 3]], s3);
                s4 = Math.fma(v[p + 4], x[col[p + 4]], s4); s5 = Math.fma(v[p + 5], x[col[p + 5]], s5);
                s6 = Math.fma(v[p + 6], x[col[p + 6]], s6); s7 = Math.fma(v[p + 7], x[col[p + 7]], s7);
            }
            for (; p < e; p++) s0 = Math.fma(v[p], x[col[p]], s0);
            y[r] = Math.max(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + bias[r], 0f);
        }
    }

    public static void main(String[] args) {
        String variant = args.length > 0 ? args[0] : "one8";
        int m = 300, k = 784;
        SplittableRandom rnd = new SplittableRandom(3);
        int[] ptr = new int[m + 1];
        List<Integer> cols = new ArrayList<>();
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < k; c++) if (rnd.nextDouble() < 0.08) cols.add(c);
            ptr[r + 1] = cols.size();
        }
        int nnz = cols.size();
        float[] v = new float[nnz], x = new float[k], y = new float[m], bias = new float[m];
        char[] col = new char[nnz], one = new char[nnz], four = new char[nnz];
        for (int i = 0; i < nnz; i++) { v[i] = (float) rnd.nextDouble(); col[i] = (char) (int) cols.get(i); }
        for (int i = 0; i < k; i++) x[i] = (float) rnd.nextDouble();
        for (int r = 0; r < m; r++) {
            int last = 0;
            int[] chain = new int[4];
            for (int p = ptr[r]; p < ptr[r + 1]; p++) {
                one[p] = (char) (col[p] - last);
                last = col[p];
                int q = (p - ptr[r]) % 4;
                four[p] = (char) (col[p] - chain[q]);
                chain[q] = col[p];
            }
        }
        String[] variants = variant.split(",");
        int rounds = variants.length == 1 ? 10 : 60, reps = variants.length == 1 ? 20_000 : 2_000;
        double[][] t = new double[variants.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int q = 0; q < variants.length; q++) {
                String name = variants[(q + round) % variants.length];
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    switch (name) {
                        case "four" -> four(v, four, ptr, x, 0, y, bias, 0, m);
                        case "one4" -> one4(v, one, ptr, x, 0, y, bias, 0, m);
                        case "abs8" -> abs8(v, col, ptr, x, 0, y, bias, 0, m);
                        case "absz" -> absz(v, col, ptr, x, y, bias, 0, m);
                        default -> one8(v, one, ptr, x, 0, y, bias, 0, m);
                    }
                }
                double us = (System.nanoTime() - t0) / 1e3 / reps;
                t[(q + round) % variants.length][round] = us;
                if (variants.length == 1 && round >= 5) System.out.printf("%s: %.2f us per product (%d weights)%n", name, us, nnz);
            }
        }
        if (variants.length == 1) return;
        for (int q = 0; q < variants.length; q++) {
            double[] s = java.util.Arrays.copyOfRange(t[q], rounds / 4, rounds);
            java.util.Arrays.sort(s);
            System.out.printf("%s: median %.2f us per product (%d weights, %d rounds alternated)%n", variants[q], s[s.length / 2], nnz, rounds);
        }
    }
}
