package dev.secateur.prune.pipeline;

/**
 * Progress callbacks of a {@link CompressionPipeline} run. Every method has a no-op default, so
 * an application overrides only what it shows.
 */
public interface PipelineListener {
    /** Says nothing. */
    PipelineListener SILENT = new PipelineListener() { };

    /** A new phase begins ("pre-check", "prune", "quantize", ...). */
    default void phase(String name) { }

    /** One line of what happened (a step's result, a note). */
    default void log(String line) { }

    /** A long task advanced: {@code done} of {@code total} units ({@code done == total}: finished). */
    default void progress(String task, long done, long total) { }
}
