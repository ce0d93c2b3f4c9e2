package dev.secateur.bench.cli.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a model shipped in the repository's {@code models/} folder: relative to the working
 * directory first (running {@code ./secateur demo} from the repository root), then relative to
 * the code location ({@code bench/target/benchmarks.jar} or {@code bench/target/classes}), so
 * the launcher works from any directory of a clean clone.
 */
public final class ShippedModel {
    private ShippedModel() {}

    /** The first existing {@code models/<fileName>} among the candidate folders. */
    public static Path locate(String fileName) {
        List<Path> tried = candidates(fileName);
        for (Path p : tried) if (Files.isRegularFile(p)) return p;
        throw new IllegalArgumentException("shipped model " + fileName + " not found (looked at " + tried
                + "); give one with --model FILE");
    }

    static List<Path> candidates(String fileName) {
        List<Path> out = new ArrayList<>();
        out.add(Path.of("models", fileName));
        Path code = codeLocation();
        // bench/target/benchmarks.jar or bench/target/classes -> repository root is three levels up
        for (Path p = code; p != null; p = p.getParent()) {
            Path candidate = p.resolve("models").resolve(fileName);
            if (!out.contains(candidate)) out.add(candidate);
            if (out.size() >= 6) break;
        }
        return out;
    }

    private static Path codeLocation() {
        try {
            var src = ShippedModel.class.getProtectionDomain().getCodeSource();
            return src == null ? null : Path.of(src.getLocation().toURI()).toAbsolutePath().getParent();
        } catch (Exception e) {
            // no usable code location (custom class loader): the working directory is all we have
            return null;
        }
    }
}
