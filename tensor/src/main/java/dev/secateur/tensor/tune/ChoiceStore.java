package dev.secateur.tensor.tune;

import dev.secateur.tensor.platform.VectorPlatform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tuning results kept on disk per machine, so that a model compiled again in another process on
 * the same machine gets the same kernels (and the same bits) without timing anything. One
 * append-only text file per platform configuration (vector width, FMA, registers, caches: another
 * JVM flag or CPU gets another file) and build of the kernels (another Secateur jar times its own
 * kernels afresh), one line per result: key, candidate names, chosen index, medians. Later lines win; the file is compacted to the newest {@value #KEEP} results when it
 * grows past {@value #COMPACT_BYTES} bytes.
 *
 * <p>Location: {@code -Dsecateur.kernel.cache=DIR}, else {@code $XDG_CACHE_HOME/secateur}, else
 * {@code ~/.cache/secateur}; {@code -Dsecateur.kernel.cache=off} keeps results in memory only. A
 * store that cannot be read or written is ignored: it only saves time, it never decides a result.
 */
final class ChoiceStore {
    static final int KEEP = 2000;
    static final long COMPACT_BYTES = 1 << 20;
    /** Other stores (other builds, flags or CPUs) untouched this long are removed when a new one starts. */
    static final Duration STALE = Duration.ofDays(30);
    private static final String PREFIX = "kernel-choices-", SUFFIX = ".tsv";

    private final Path file;
    private Map<String, KernelTuner.Result> entries;

    private ChoiceStore(Path file) {
        this.file = file;
    }

    /** The store the system properties and environment name, or null when it is off. */
    static ChoiceStore fromEnvironment() {
        String configured = System.getProperty("secateur.kernel.cache");
        if ("off".equals(configured)) return null;
        Path dir;
        if (configured != null && !configured.isBlank()) {
            dir = Path.of(configured);
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            dir = xdg != null && !xdg.isBlank() ? Path.of(xdg, "secateur") : Path.of(System.getProperty("user.home", "."), ".cache", "secateur");
        }
        return in(dir);
    }

    /** A store in {@code dir} for this platform. */
    static ChoiceStore in(Path dir) {
        String platform = Integer.toHexString((VectorPlatform.describe() + build()).hashCode());
        return new ChoiceStore(dir.resolve(PREFIX + platform + SUFFIX));
    }

    /**
     * The build of the kernels: the size and time of the jar this class was loaded from, so that
     * timings of one build's kernels never decide for another's; empty when loaded from a class
     * directory (a development build).
     */
    static String build() {
        try {
            var source = ChoiceStore.class.getProtectionDomain().getCodeSource();
            return source == null ? "" : build(Path.of(source.getLocation().toURI()));
        } catch (Exception e) {
            return "";
        }
    }

    /** {@link #build()} for classes loaded from {@code codeSource}. */
    static String build(Path codeSource) throws IOException {
        if (!Files.isRegularFile(codeSource)) return "";
        return " build " + Files.size(codeSource) + "@" + Files.getLastModifiedTime(codeSource).toMillis();
    }

    Path file() { return file; }

    /** The stored result for {@code key}, or null. */
    synchronized KernelTuner.Result get(String key) {
        if (entries == null) entries = read();
        return entries.get(key);
    }

    /** Remembers {@code r} under {@code key}, in memory and on disk (best effort). */
    synchronized void put(String key, KernelTuner.Result r) {
        if (entries == null) entries = read();
        entries.put(key, r);
        String line = format(key, r);
        if (line == null) return;
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) removeStale(file.getParent(), Instant.now());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (Files.size(file) > COMPACT_BYTES) compact();
        } catch (IOException | SecurityException e) {
            // A cache that cannot be written only costs the next process a tuning.
        }
    }

    /**
     * Removes the stores in {@code dir} last written more than {@link #STALE} before {@code now}:
     * every new build of the jar starts its own store, so old ones would otherwise pile up.
     */
    static void removeStale(Path dir, Instant now) throws IOException {
        try (var files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path f : files) {
                if (Files.getLastModifiedTime(f).toInstant().isBefore(now.minus(STALE))) Files.deleteIfExists(f);
            }
        }
    }

    private Map<String, KernelTuner.Result> read() {
        Map<String, KernelTuner.Result> m = new LinkedHashMap<>();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 16 * COMPACT_BYTES) return m;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                KernelTuner.Result r = parse(f);
                if (r != null) {
                    m.remove(f[0]);
                    m.put(f[0], r);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>();
        }
        return m;
    }

    /** Rewrites the file with the newest {@link #KEEP} results (temp file + rename). */
    private void compact() throws IOException {
        List<String> lines = new ArrayList<>();
        int skip = Math.max(0, entries.size() - KEEP), i = 0;
        for (var e : entries.entrySet()) {
            if (i++ < skip) continue;
            String line = format(e.getKey(), e.getValue());
            if (line != null) lines.add(line.stripTrailing());
        }
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String format(String key, KernelTuner.Result r) {
        if (key.contains("\t") || key.contains("\n") || r.names().stream().anyMatch(n -> n.contains(",") || n.contains("\t"))) return null;
        StringBuilder sb = new StringBuilder(key).append('\t').append(String.join(",", r.names())).append('\t').append(r.chosen()).append('\t');
        for (int i = 0; i < r.medianNanos().length; i++) sb.append(i == 0 ? "" : ",").append(r.medianNanos()[i]);
        return sb.append('\n').toString();
    }

    /** A result from its fields, or null when the line is malformed (a torn write, an older format). */
    private static KernelTuner.Result parse(String[] f) {
        if (f.length != 4) return null;
        List<String> names = List.of(f[1].split(","));
        String[] m = f[3].split(",");
        int chosen = Integer.parseInt(f[2]);
        if (m.length != names.size() || chosen < 0 || chosen >= names.size()) return null;
        long[] medians = Arrays.stream(m).mapToLong(Long::parseLong).toArray();
        return new KernelTuner.Result(names, medians, new double[names.size()], chosen, true);
    }
}
