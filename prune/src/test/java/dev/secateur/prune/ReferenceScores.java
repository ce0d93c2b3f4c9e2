package dev.secateur.prune;

import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Direct scalar float64 unit scores and masks, written from the definitions (no UnitLayout). */
public final class ReferenceScores {
    private ReferenceScores() {}

    /** Weight indices of every unit, in the documented unit order. */
    public static List<int[]> units(int[] dims, Granularity g) {
        int out = dims[0], in = dims[1], taps = 1;
        for (int i = 2; i < dims.length; i++) taps *= dims[i];
        int cols = in * taps;
        List<int[]> units = new ArrayList<>();
        switch (g) {
            case Granularity.Unstructured u -> {
                for (int i = 0; i < out * cols; i++) units.add(new int[]{i});
            }
            case Granularity.NOfM u -> {
                for (int i = 0; i < out * cols; i++) units.add(new int[]{i});
            }
            case Granularity.Filter f -> {
                for (int r = 0; r < out; r++) {
                    int[] idx = new int[cols];
                    for (int j = 0; j < cols; j++) idx[j] = r * cols + j;
                    units.add(idx);
                }
            }
            case Granularity.Channel c -> {
                for (int ch = 0; ch < in; ch++) {
                    int[] idx = new int[out * taps];
                    int k = 0;
                    for (int r = 0; r < out; r++) for (int t = 0; t < taps; t++) idx[k++] = r * cols + ch * taps + t;
                    units.add(idx);
                }
            }
            case Granularity.Block b -> {
                for (int r0 = 0; r0 < out; r0 += b.rows()) {
                    for (int c0 = 0; c0 < cols; c0 += b.cols()) {
                        List<Integer> idx = new ArrayList<>();
                        for (int r = r0; r < Math.min(out, r0 + b.rows()); r++) {
                            for (int c = c0; c < Math.min(cols, c0 + b.cols()); c++) idx.add(r * cols + c);
                        }
                        units.add(idx.stream().mapToInt(Integer::intValue).toArray());
                    }
                }
            }
        }
        return units;
    }

    public static double[] scores(LayerWeights w, Criterion c, Granularity g) {
        int[] dims = w.shape().toArray();
        int cols = w.size() / dims[0];
        List<int[]> units = units(dims, g);
        double[] s = new double[units.size()];
        for (int u = 0; u < s.length; u++) {
            double l1 = 0, sq = 0, max = 0, taylor = 0;
            java.util.TreeSet<Integer> rows = new java.util.TreeSet<>();
            for (int i : units.get(u)) {
                rows.add(i / cols);
                double x = w.alive(i) ? w.weights()[i] : 0.0;
                l1 += Math.abs(x);
                sq += x * x;
                max = Math.max(max, Math.abs(x));
                if (w.gradients() != null) taylor += Math.abs(x * w.gradients()[i]);
            }
            boolean channel = g instanceof Granularity.Channel;
            double bSum = 0, bMax = 0;
            if (w.bias() != null && !channel) {
                for (int r : rows) {
                    bSum += Math.abs(w.bias()[r]);
                    bMax = Math.max(bMax, Math.abs(w.bias()[r]));
                }
            }
            s[u] = switch (c) {
                case L1 -> l1;
                case L2 -> Math.sqrt(sq);
                case L1_PLUS_BIAS -> l1 + bSum;
                case MAX_PLUS_BIAS -> max + bMax;
                case TAYLOR -> taylor;
                case RANDOM -> throw new IllegalArgumentException("no reference for random");
            };
        }
        return s;
    }

    /** Reference mask: prune `target` units by (already pruned, score, index) ascending. */
    public static float[] mask(LayerWeights w, Granularity g, double[] scores, int target) {
        List<int[]> units = units(w.shape().toArray(), g);
        Integer[] order = new Integer[units.size()];
        boolean[] dead = new boolean[units.size()];
        for (int u = 0; u < order.length; u++) {
            order[u] = u;
            dead[u] = units.get(u).length > 0;
            for (int i : units.get(u)) dead[u] &= !w.alive(i);
        }
        java.util.Arrays.sort(order, (a, b) -> {
            if (dead[a] != dead[b]) return dead[a] ? -1 : 1;
            int cmp = Double.compare(scores[a], scores[b]);
            return cmp != 0 ? cmp : Integer.compare(a, b);
        });
        float[] mask = new float[w.size()];
        for (int i = 0; i < mask.length; i++) mask[i] = w.alive(i) ? 1f : 0f;
        int pruned = 0;
        for (int u : order) {
            if (!dead[u] && pruned >= target) break;
            for (int i : units.get(u)) mask[i] = 0f;
            pruned++;
        }
        return mask;
    }

    /** Weights that are multiples of 1/16 in [-4, 4]: float sums of them are exact. */
    public static float[] exactWeights(SplittableRandom r, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (r.nextInt(129) - 64) / 16f;
        return w;
    }
}
