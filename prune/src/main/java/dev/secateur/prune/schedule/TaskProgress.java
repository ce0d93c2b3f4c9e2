package dev.secateur.prune.schedule;

/** Progress of a long task (fine-tuning, evaluation, calibration): {@code done} of {@code total} units. */
@FunctionalInterface
public interface TaskProgress {
    TaskProgress NONE = (task, done, total) -> { };

    /** Called as work completes; {@code done == total} ends the task. */
    void update(String task, long done, long total);
}
