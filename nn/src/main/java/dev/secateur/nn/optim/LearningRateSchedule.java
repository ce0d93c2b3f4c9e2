package dev.secateur.nn.optim;

/**
 * Learning rate as a function of training progress. {@code step} counts optimizer steps from 0;
 * {@code stepsPerEpoch} lets epoch-based schedules convert.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    double rate(long step, int stepsPerEpoch);

    /** The same rate throughout. */
    static LearningRateSchedule constant(double lr) {
        return (step, spe) -> lr;
    }

    /** {@code base · gamma^floor(epoch / everyEpochs)}. */
    static LearningRateSchedule step(double base, int everyEpochs, double gamma) {
        if (everyEpochs <= 0) throw new IllegalArgumentException("step schedule needs everyEpochs > 0, got " + everyEpochs);
        return (step, spe) -> base * Math.pow(gamma, Math.floor((double) step / Math.max(spe, 1) / everyEpochs));
    }

    /**
     * Linear warmup from 0 over {@code warmupEpochs}, then cosine decay from {@code base} to
     * {@code floor} at the end of {@code totalEpochs}; evaluated per step.
     */
    static LearningRateSchedule cosine(double base, double floor, int totalEpochs, double warmupEpochs) {
        if (totalEpochs <= 0) throw new IllegalArgumentException("cosine schedule needs totalEpochs > 0, got " + totalEpochs);
        return (step, spe) -> {
            double epoch = (double) step / Math.max(spe, 1);
            if (epoch < warmupEpochs) return base * (epoch + 1.0 / Math.max(spe, 1)) / warmupEpochs;
            double span = Math.max(totalEpochs - warmupEpochs, 1e-9);
            double progress = Math.min(1.0, (epoch - warmupEpochs) / span);
            return floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}
