package dev.secateur.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds an unusable output path before any work is done, rather than after it. */
final class OutputCheck {
    private OutputCheck() {}

    /**
     * Checks that {@code file} (given with {@code option}) can be written: a non-empty name, not
     * a directory, and a parent folder that exists (or can be created) and is writable.
     * Null means the option was not given.
     */
    static void writable(Path file, String option) {
        if (file == null) return;
        if (file.toString().isBlank()) throw new IllegalArgumentException(option + " is empty: give a file name");
        if (Files.isDirectory(file)) throw new IllegalArgumentException(option + " " + file + " is a directory: give a file name");
        if (Files.exists(file) && !Files.isWritable(file)) throw new IllegalArgumentException(option + " " + file + " exists and is not writable");
        Path parent = file.toAbsolutePath().getParent();
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) throw new IllegalArgumentException(option + " " + file + ": its folder cannot be created");
        try { // a real write finds read-only folders and file systems alike
            Files.delete(Files.createTempFile(existing, ".secateur-write-check", ".tmp"));
        } catch (java.io.IOException | SecurityException e) {
            throw new IllegalArgumentException(option + " " + file + ": folder " + existing + " is not writable (" + e.getMessage() + ")");
        }
    }
}
