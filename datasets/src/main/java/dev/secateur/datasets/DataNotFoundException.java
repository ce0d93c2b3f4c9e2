package dev.secateur.datasets;

/**
 * Data was asked for at a place that does not hold it: an explicit directory or
 * {@code $SECATEUR_DATA} that is missing or lacks required files. The message names the place
 * and the missing files. Never answered by silently falling back to the bundled sample.
 */
public final class DataNotFoundException extends IllegalArgumentException {
    public DataNotFoundException(String message) {
        super(message);
    }
}
