package dev.secateur.nn.io;

import java.util.Objects;

/**
 * A model (safetensors) file is malformed or does not hold what was asked for: bad header
 * length, invalid JSON header, unknown dtype, shape that does not match its byte range,
 * overlapping or out-of-bounds offsets, truncated data, a missing tensor or one of another dtype.
 * The message names the file, the byte offset at fault (when there is one) and the problem.
 *
 * <p>It extends {@link IllegalArgumentException}, like the datasets module's format exception:
 * the file was read but its contents are bad input. Genuine I/O failures (missing file,
 * permission denied) stay {@link java.io.IOException}s.
 */
public final class ModelFormatException extends IllegalArgumentException {
    private final String file;
    private final long offset;

    /**
     * @param file    the file or resource name
     * @param offset  the byte offset in the file at fault, or -1 when the problem has no single offset
     * @param problem what was expected and what was found
     */
    public ModelFormatException(String file, long offset, String problem) {
        super(file + (offset >= 0 ? ": at byte offset " + offset + ": " : ": ") + problem);
        this.file = Objects.requireNonNull(file);
        this.offset = offset;
    }

    /** Like {@link #ModelFormatException(String, long, String)}, keeping the low-level cause. */
    public ModelFormatException(String file, long offset, String problem, Throwable cause) {
        this(file, offset, problem);
        initCause(cause);
    }

    /** The file or resource at fault. */
    public String file() { return file; }

    /** Byte offset in the file of the problem, or -1 when it has none. */
    public long offset() { return offset; }
}
