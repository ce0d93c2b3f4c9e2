package dev.secateur.datasets;

import java.util.Objects;

/**
 * A data file is malformed: wrong magic number, impossible dimensions, truncated or trailing
 * data, a label out of range. The message names the file, the byte offset at fault and what was
 * expected there.
 *
 * <p>It extends {@link IllegalArgumentException} (not {@link java.io.IOException}) because the
 * file was read successfully but its contents are bad input, like any other invalid argument;
 * genuine I/O failures (missing file, permission denied) stay {@code IOException}s.
 */
public final class DatasetFormatException extends IllegalArgumentException {
    private final String file;
    private final long offset;

    /**
     * @param file   the file (or resource) name
     * @param offset the byte offset at fault (for compressed files: in the decompressed stream)
     * @param problem what was expected and what was found there
     */
    public DatasetFormatException(String file, long offset, String problem) {
        super(file + ": at byte offset " + offset + ": " + problem);
        this.file = Objects.requireNonNull(file);
        this.offset = offset;
    }

    /** Like {@link #DatasetFormatException(String, long, String)}, keeping the low-level cause. */
    public DatasetFormatException(String file, long offset, String problem, Throwable cause) {
        this(file, offset, problem);
        initCause(cause);
    }

    /** The file or resource at fault. */
    public String file() { return file; }

    /** Byte offset of the problem (in the decompressed stream for {@code .gz} files). */
    public long offset() { return offset; }
}
