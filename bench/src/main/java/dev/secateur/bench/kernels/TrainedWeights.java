package dev.secateur.bench.kernels;

import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.prune.scoring.PrunableLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trained weights for the SpMM benchmark's {@code mask=magnitude}: a layer of a shipped model
 * ({@code models/*.safetensors}, under {@code -Dsecateur.models=DIR}) as its M×K matrix (a
 * convolution as {@code outC × inC·kh·kw}), magnitude-pruned to the requested sparsity. A layer of
 * exactly the requested shape is used when one exists; otherwise the largest trained layer is
 * tiled over the shape, which keeps the trained magnitude distribution (and so the
 * row-to-row spread of kept counts) without claiming to be a real layer of that size.
 */
final class TrainedWeights {
    /** The weights and where they came from. */
    record Matrix(float[] w, String source) {}

    private TrainedWeights() {}

    static Matrix forShape(int m, int k) {
        List<float[]> all = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Path dir = Path.of(System.getProperty("secateur.models", "models"));
        for (String model : new String[] {"lenet300", "lenet5", "vgg"}) {
            Path file = dir.resolve(model + ".safetensors");
            if (!Files.isRegularFile(file)) continue;
            Model loaded;
            try {
                loaded = ModelFile.load(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (PrunableLayer l : PrunableLayer.findAll(loaded)) {
                float[] w = l.weight().value().data();
                int rows = l.weight().value().shape().dim(0);
                if (rows == m && l.size() == (long) m * k) return new Matrix(w.clone(), model + " " + l.name());
                all.add(w);
                names.add(model + " " + l.name());
            }
        }
        if (all.isEmpty()) throw new IllegalStateException("skipped: mask=magnitude needs trained weights under " + dir.toAbsolutePath());
        int best = 0;
        for (int i = 1; i < all.size(); i++) if (all.get(i).length > all.get(best).length) best = i;
        float[] src = all.get(best), w = new float[m * k];
        for (int i = 0; i < w.length; i++) w[i] = src[i % src.length];
        return new Matrix(w, names.get(best) + " tiled to " + m + "x" + k);
    }

    /** Keeps the {@code round((1 − sparsity)·n)} largest magnitudes (ties: the lower index). */
    static boolean[] magnitudeMask(float[] w, double sparsity) {
        int keep = (int) Math.round((1 - sparsity) * w.length);
        Integer[] order = new Integer[w.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(Math.abs(w[b]), Math.abs(w[a]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        boolean[] mask = new boolean[w.length];
        for (int i = 0; i < keep; i++) mask[order[i]] = true;
        return mask;
    }
}
