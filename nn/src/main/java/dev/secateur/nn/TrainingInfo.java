package dev.secateur.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a saved model was trained, stored in the model file's metadata as JSON under
 * {@code "training"}: the data used, the recipe, the resulting test accuracy and the command.
 * Unknown or absent fields read back as empty / NaN / 0.
 */
public record TrainingInfo(String dataset, int epochs, int batchSize, long seed, String optimizer,
                           double testAccuracy, double testLoss, double seconds, String command) {

    /** No training record (e.g. a model built in code and saved untrained). */
    public static final TrainingInfo NONE = new TrainingInfo("", 0, 0, 0, "", Double.NaN, Double.NaN, 0, "");

    public Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("seed", seed);
        m.put("optimizer", optimizer);
        if (!Double.isNaN(testAccuracy)) m.put("test_accuracy", testAccuracy);
        if (!Double.isNaN(testLoss)) m.put("test_loss", testLoss);
        m.put("seconds", seconds);
        m.put("command", command);
        return m;
    }

    public static TrainingInfo fromTree(Map<String, Object> m) {
        return new TrainingInfo(str(m, "dataset"), (int) num(m, "epochs", 0), (int) num(m, "batch_size", 0), (long) num(m, "seed", 0),
                str(m, "optimizer"), num(m, "test_accuracy", Double.NaN), num(m, "test_loss", Double.NaN), num(m, "seconds", 0),
                str(m, "command"));
    }

    private static String str(Map<String, Object> m, String k) {
        return m.get(k) instanceof String s ? s : "";
    }

    private static double num(Map<String, Object> m, String k, double dflt) {
        return m.get(k) instanceof Number n ? n.doubleValue() : dflt;
    }
}
