package dev.secateur.tensor.reference;

import dev.secateur.tensor.ops.Norm;

/** Magnitude reductions by definition in float64: the yardstick for {@link dev.secateur.tensor.ops.Magnitude}. */
public final class ReferenceMagnitude {
    private ReferenceMagnitude() {}

    /** The norm of the elements of {@code x} at the given indices. */
    public static double norm(Norm norm, float[] x, int[] idx) {
        double s = 0;
        for (int i : idx) {
            double a = Math.abs((double) x[i]);
            s = switch (norm) {
                case L1 -> s + a;
                case L2 -> s + a * a;
                case MAX_ABS -> Math.max(s, a);
            };
        }
        return norm == Norm.L2 ? Math.sqrt(s) : s;
    }

    public static double whole(Norm norm, float[] x, int off, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = off + i;
        return norm(norm, x, idx);
    }

    public static double[] perRow(Norm norm, float[] x, int rows, int cols, float[] bias) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = whole(norm, x, r * cols, cols) + (bias == null ? 0 : Math.abs((double) bias[r]));
        }
        return out;
    }

    public static double[] perColumn(Norm norm, float[] x, int rows, int cols) {
        double[] out = new double[cols];
        for (int c = 0; c < cols; c++) {
            int[] idx = new int[rows];
            for (int r = 0; r < rows; r++) idx[r] = r * cols + c;
            out[c] = norm(norm, x, idx);
        }
        return out;
    }

    /** Per input channel of {@code [filters, channels, taps]}. */
    public static double[] perInputChannel(Norm norm, float[] w, int filters, int channels, int taps) {
        double[] out = new double[channels];
        for (int c = 0; c < channels; c++) {
            int[] idx = new int[filters * taps];
            int k = 0;
            for (int f = 0; f < filters; f++) {
                for (int t = 0; t < taps; t++) idx[k++] = (f * channels + c) * taps + t;
            }
            out[c] = norm(norm, w, idx);
        }
        return out;
    }

    /** Per block, blocks in row-major order, edge blocks partial. */
    public static double[] perBlock(Norm norm, float[] x, int rows, int cols, int br, int bc) {
        int nbr = (rows + br - 1) / br, nbc = (cols + bc - 1) / bc;
        double[] out = new double[nbr * nbc];
        for (int i = 0; i < nbr; i++) {
            for (int j = 0; j < nbc; j++) {
                int r1 = Math.min(rows, (i + 1) * br), c1 = Math.min(cols, (j + 1) * bc);
                int[] idx = new int[(r1 - i * br) * (c1 - j * bc)];
                int k = 0;
                for (int r = i * br; r < r1; r++) {
                    for (int c = j * bc; c < c1; c++) idx[k++] = r * cols + c;
                }
                out[i * nbc + j] = norm(norm, x, idx);
            }
        }
        return out;
    }

    /** The seed's max-tap score: Σ_c max_taps |W[f, c, ·]| + |b_f|. */
    public static double[] perFilterMaxTap(float[] w, int filters, int channels, int taps, float[] bias) {
        double[] out = new double[filters];
        for (int f = 0; f < filters; f++) {
            double s = 0;
            for (int c = 0; c < channels; c++) {
                double m = 0;
                for (int t = 0; t < taps; t++) m = Math.max(m, Math.abs((double) w[(f * channels + c) * taps + t]));
                s += m;
            }
            out[f] = s + (bias == null ? 0 : Math.abs((double) bias[f]));
        }
        return out;
    }
}
