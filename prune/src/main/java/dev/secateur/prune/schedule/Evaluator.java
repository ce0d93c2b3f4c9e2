package dev.secateur.prune.schedule;

import dev.secateur.nn.Model;

/** Test accuracy of a model, a fraction in [0, 1]. */
@FunctionalInterface
public interface Evaluator {
    double accuracy(Model model);
}
