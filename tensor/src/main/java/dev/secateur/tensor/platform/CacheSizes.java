package dev.secateur.tensor.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Data cache sizes in bytes of one core, as the operating system reports them (Linux sysfs), or
 * safe defaults where it does not: a kernel tuned for caches smaller than the real ones loses a
 * little speed, one tuned for larger caches thrashes.
 */
public record CacheSizes(long l1d, long l2, long l3, boolean probed) {
    /** Conservative sizes of a common desktop core, used where the OS says nothing. */
    public static final CacheSizes DEFAULTS = new CacheSizes(32 << 10, 512 << 10, 8L << 20, false);

    private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    /** The sizes of cpu0's caches, each level falling back to its default when unreadable. */
    public static CacheSizes probe() {
        long l1 = -1, l2 = -1, l3 = -1;
        for (int i = 0; i < 8; i++) {
            Path dir = SYSFS.resolve("index" + i);
            String type = read(dir.resolve("type")), level = read(dir.resolve("level")), size = read(dir.resolve("size"));
            if (type == null || level == null || size == null || type.equals("Instruction")) continue;
            long bytes = parseSize(size);
            if (bytes <= 0) continue;
            switch (level) {
                case "1" -> l1 = bytes;
                case "2" -> l2 = bytes;
                case "3" -> l3 = bytes;
                default -> { }
            }
        }
        boolean any = l1 > 0 || l2 > 0 || l3 > 0;
        return new CacheSizes(l1 > 0 ? l1 : DEFAULTS.l1d, l2 > 0 ? l2 : DEFAULTS.l2, l3 > 0 ? l3 : DEFAULTS.l3, any);
    }

    /** "48K", "2048K", "32M" or a plain byte count; -1 when malformed. */
    static long parseSize(String s) {
        try {
            char unit = Character.toUpperCase(s.charAt(s.length() - 1));
            return switch (unit) {
                case 'K' -> Long.parseLong(s.substring(0, s.length() - 1)) << 10;
                case 'M' -> Long.parseLong(s.substring(0, s.length() - 1)) << 20;
                case 'G' -> Long.parseLong(s.substring(0, s.length() - 1)) << 30;
                default -> Long.parseLong(s);
            };
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static String read(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.readString(p).strip() : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    @Override public String toString() {
        return "L1d " + (l1d >> 10) + " KiB, L2 " + (l2 >> 10) + " KiB, L3 " + (l3 >> 10) + " KiB" + (probed ? "" : " (defaults)");
    }
}
