package dev.secateur.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides where a data set is read from, in this order: an explicit directory (a command's
 * {@code --data}), then {@code $SECATEUR_DATA}, then a system directory (the Debian package
 * {@code dataset-fashion-mnist} installs {@code /usr/share/datasets/fashion-mnist/}), then the
 * bundled sample where there is one.
 *
 * <p>A place that is named but wrong (explicit path or {@code $SECATEUR_DATA} missing or
 * incomplete) is a {@link DataNotFoundException}, not a reason to fall back. A directory may hold
 * the files directly or in a subdirectory named after the set ({@code fashion-mnist/},
 * {@code cifar-10-batches-bin/}), so {@code $SECATEUR_DATA} can point at a root of several
 * sets. The environment and system directory are injectable for tests.
 */
public final class DataLocator {
    /** The environment variable naming a data directory. */
    public static final String ENV_VAR = "SECATEUR_DATA";
    /** Where the Debian package {@code dataset-fashion-mnist} puts Fashion-MNIST. */
    public static final Path FASHION_MNIST_SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Where the data was found. */
    public enum Origin { EXPLICIT, ENVIRONMENT, SYSTEM, SAMPLE }

    /**
     * The outcome: the origin, the directory holding the files ({@code null} for the sample) and
     * a human-readable description of why this place was chosen.
     */
    public record Location(Origin origin, Path directory, String description) {
        public boolean isSample() { return origin == Origin.SAMPLE; }
    }

    private final String setName;
    private final List<String> requiredFiles;
    private final List<String> subdirs;
    private final Map<String, String> env;
    private final Path systemDir;
    private final boolean hasSample;

    private DataLocator(String setName, List<String> requiredFiles, List<String> subdirs, Map<String, String> env, Path systemDir,
                        boolean hasSample) {
        this.setName = setName;
        this.requiredFiles = List.copyOf(requiredFiles);
        this.subdirs = List.copyOf(subdirs);
        this.env = Map.copyOf(env);
        this.systemDir = systemDir;
        this.hasSample = hasSample;
    }

    /** Fashion-MNIST with the real environment and the Debian package directory. */
    public static DataLocator fashionMnist() {
        return fashionMnist(System.getenv(), FASHION_MNIST_SYSTEM_DIR);
    }

    /** Fashion-MNIST with an injected environment and system directory ({@code null}: none). */
    public static DataLocator fashionMnist(Map<String, String> env, Path systemDir) {
        return new DataLocator("Fashion-MNIST", FashionMnist.FILES, List.of("fashion-mnist", "fashion_mnist", "FashionMNIST"), env,
                systemDir, true);
    }

    /** MNIST with the real environment: explicit path or {@code $SECATEUR_DATA} only (same file names as Fashion-MNIST). */
    public static DataLocator mnist() {
        return new DataLocator("MNIST", FashionMnist.FILES, List.of("mnist", "MNIST"), System.getenv(), null, false);
    }

    /** CIFAR-10 (binary version) with the real environment: explicit path or {@code $SECATEUR_DATA} only. */
    public static DataLocator cifar10() {
        return cifar10(System.getenv());
    }

    /** CIFAR-10 with an injected environment. */
    public static DataLocator cifar10(Map<String, String> env) {
        return new DataLocator("CIFAR-10", Cifar10.FILES, List.of("cifar-10-batches-bin", "cifar-10", "cifar10"), env, null, false);
    }

    /**
     * Where to read from. {@code explicit} ({@code null} when not given) wins and must hold the
     * data.
     *
     * @throws DataNotFoundException when a named place lacks the data, or nothing is found and
     *                               this set has no bundled sample
     */
    public Location locate(Path explicit) {
        if (explicit != null) {
            return new Location(Origin.EXPLICIT, requireData(explicit, "the given data directory"), "given explicitly");
        }
        String envValue = env.get(ENV_VAR);
        if (envValue != null && !envValue.isBlank()) {
            Path dir = requireData(Path.of(envValue), "$" + ENV_VAR);
            return new Location(Origin.ENVIRONMENT, dir, "from $" + ENV_VAR);
        }
        if (systemDir != null) {
            Path dir = findData(systemDir);
            if (dir != null) return new Location(Origin.SYSTEM, dir, "system package directory");
        }
        String looked = "no data directory given, $" + ENV_VAR + " unset"
                + (systemDir == null ? "" : ", " + systemDir + " " + (Files.isDirectory(systemDir) ? "incomplete" : "absent"));
        if (!hasSample) {
            throw new DataNotFoundException(setName + " not found (" + looked + "); download it and pass its directory or set $" + ENV_VAR);
        }
        return new Location(Origin.SAMPLE, null, looked);
    }

    /** The file {@code base} in {@code dir}: raw if present, otherwise {@code base.gz}; null if neither. */
    static Path dataFile(Path dir, String base) {
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = dir.resolve(base + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private Path requireData(Path dir, String what) {
        Objects.requireNonNull(dir);
        if (!Files.isDirectory(dir)) {
            throw new DataNotFoundException(what + " " + dir + " is not a directory; expected one holding the " + setName + " files "
                    + requiredFiles + " (raw or .gz)");
        }
        Path found = findData(dir);
        if (found != null) return found;
        throw new DataNotFoundException(what + " " + dir + " lacks " + setName + " files " + missing(dir)
                + " (raw or .gz; also looked in subdirectories " + subdirs + ")");
    }

    private Path findData(Path dir) {
        if (complete(dir)) return dir;
        for (String sub : subdirs) {
            Path d = dir.resolve(sub);
            if (complete(d)) return d;
        }
        return null;
    }

    private boolean complete(Path dir) {
        return Files.isDirectory(dir) && missing(dir).isEmpty();
    }

    private List<String> missing(Path dir) {
        List<String> out = new ArrayList<>();
        for (String f : requiredFiles) if (dataFile(dir, f) == null) out.add(f);
        return out;
    }
}
