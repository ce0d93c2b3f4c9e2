package dev.secateur.nn.io;

/**
 * Text is not valid JSON (or exceeds a parser limit), or a value cannot be written as JSON.
 * For parse errors the message names the character offset and what was expected there.
 */
public final class JsonException extends IllegalArgumentException {
    private final long offset;

    /** A parse error at character {@code offset} of the input. */
    public JsonException(long offset, String problem) {
        super("JSON error at offset " + offset + ": " + problem);
        this.offset = offset;
    }

    /** An error with no input position (for example a value that cannot be written). */
    public JsonException(String problem) {
        super(problem);
        this.offset = -1;
    }

    /** Character offset in the parsed text at fault, or -1 when there is none. */
    public long offset() { return offset; }
}
