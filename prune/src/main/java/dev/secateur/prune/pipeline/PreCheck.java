package dev.secateur.prune.pipeline;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.scoring.PrunableLayer;
import dev.secateur.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The seed's step 2 on a loaded model: was it already compressed (recorded history, zeros,
 * int8 weights)? If not, which parameters can be pruned, and what magnitude threshold would a
 * one-shot global cut to the target density use (the seed's example threshold is 0.01).
 *
 * @param compressed      the model carries a pruning/quantization history, masks or int8 weights
 * @param meetsTarget     its density already meets the target (then it is not compressed again)
 * @param density         kept fraction of prunable weights
 * @param threshold       |w| below which weights fall in a one-shot global cut to the target
 * @param lines           human-readable result
 */
public record PreCheck(boolean compressed, boolean meetsTarget, double density, double threshold, List<String> lines) {

    /** Analyses {@code model} for a target density. */
    public static PreCheck of(String file, Model model, CompressionHistory history, boolean int8, double target) {
        double density = ModelPruner.density(model);
        boolean compressed = !history.isEmpty() || int8 || density < 1.0 - 1e-9;
        boolean meets = density <= target + 1e-4;
        List<String> lines = new ArrayList<>();
        if (!compressed) {
            lines.add(String.format("pre-check: %s is not compressed (no compression history, float32 weights, %.2f%% non-zero) -> prune to %.1fx",
                    file, 100 * density, 1 / target));
        } else {
            lines.add(String.format("pre-check: %s is already compressed (%d recorded step(s)%s, density %.2f%% = %.1fx)%s", file,
                    history.steps().size(), int8 ? ", int8 weights" : "", 100 * density, 1 / Math.max(density, 1e-12),
                    meets ? "; it meets the target " + String.format("%.1fx", 1 / target) + ", so it is not compressed again"
                            : "; continuing from the recorded state"));
        }
        List<PrunableLayer> layers = PrunableLayer.findAll(model);
        StringBuilder sb = new StringBuilder("prunable weights:");
        long total = 0;
        for (PrunableLayer l : layers) {
            sb.append(String.format(" %s %,d", l.name(), l.size()));
            total += l.size();
        }
        lines.add(sb.append(String.format(" (total %,d)", total)).toString());
        double threshold = oneShotThreshold(layers, target);
        if (!meets) {
            lines.add(String.format("one-shot global cut to %.1fx would prune |w| < %.4g (the seed's example threshold: 0.01); "
                    + "the iterative loop gets there in steps with fine-tuning", 1 / target, threshold));
        }
        return new PreCheck(compressed, meets, density, threshold, List.copyOf(lines));
    }

    /** The smallest |w| kept when keeping round(target·n) of all prunable weights by magnitude. */
    static double oneShotThreshold(List<PrunableLayer> layers, double target) {
        int n = 0;
        for (PrunableLayer l : layers) n += l.size();
        if (n == 0) return Double.NaN;
        float[] mags = new float[n];
        int k = 0;
        for (PrunableLayer l : layers) {
            Tensor t = l.weight().value();
            float[] d = t.data();
            for (int i = 0; i < l.size(); i++) mags[k++] = Math.abs(d[t.offset() + i]);
        }
        Arrays.sort(mags);
        int keep = (int) Math.round(target * n);
        return keep <= 0 ? Double.POSITIVE_INFINITY : mags[n - keep];
    }
}
