package dev.secateur.nn.optim;

import dev.secateur.nn.Parameter;

import java.util.List;

/**
 * Updates parameters from their gradients. Every implementation honours masks: the gradient is
 * masked before use, the value is masked after the update, and per-parameter state (momentum,
 * Adam moments) is zeroed at masked positions, so a pruned weight stays exactly zero.
 */
public interface Optimizer {
    /** One update of every parameter from its current gradient. */
    void step(List<Parameter> parameters);

    double learningRate();

    /** Sets the learning rate for the following steps (schedules call this). */
    void setLearningRate(double lr);

    /** Forgets per-parameter state (momentum, moments). */
    void reset();
}
