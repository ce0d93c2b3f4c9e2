package dev.secateur.tensor.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Data cache sizes in bytes of one core, as the operating system reports them (Linux sysfs; where
 * a virtual machine hides sysfs's cache directories, what /proc/cpuinfo says), or safe defaults
 * where it does not: a kernel tuned for caches smaller than the real ones loses a little speed,
 * one tuned for larger caches thrashes.
 *
 * @param source where the sizes came from: {@code sysfs}, {@code cpuinfo} or {@code defaults}
 */
public record CacheSizes(long l1d, long l2, long l3, String source) {
    /** Conservative sizes of a common desktop core, used where the OS says nothing. */
    public static final CacheSizes DEFAULTS = new CacheSizes(32 << 10, 512 << 10, 8L << 20, "defaults");
    /** AMD's first family with a 48 KiB L1d (Zen 5); earlier Zen cores have 32 KiB. */
    static final int AMD_FAMILY_48K_L1D = 0x1A;

    private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** The sizes of cpu0's caches, each level falling back to its default when unreadable. */
    public static CacheSizes probe() {
        CacheSizes sysfs = fromSysfs();
        if (sysfs != null) return sysfs;
        CacheSizes cpuinfo = fromCpuinfo(read(CPUINFO));
        return cpuinfo != null ? cpuinfo : DEFAULTS;
    }

    private static CacheSizes fromSysfs() {
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
        return l1 > 0 || l2 > 0 || l3 > 0 ? withDefaults(l1, l2, l3, "sysfs") : null;
    }

    /**
     * The sizes /proc/cpuinfo implies for the first processor listed, or null when it implies none.
     * Its {@code cache size} line is the L2 of AMD cores and the L3 of Intel ones; the L1d follows
     * from AMD's family number. Other vendors' lines are not used.
     */
    static CacheSizes fromCpuinfo(String text) {
        if (text == null) return null;
        String vendor = null, family = null, cacheSize = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) break;   // the end of the first processor's block
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip(), value = line.substring(colon + 1).strip();
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = value;
                case "cache size" -> cacheSize = value;
                default -> { }
            }
        }
        long size = cacheSize == null ? -1 : parseSize(cacheSize.replace(" ", "").replace("KB", "K").replace("MB", "M"));
        if ("AuthenticAMD".equals(vendor)) {
            int fam = parseInt(family);
            long l1 = fam >= AMD_FAMILY_48K_L1D ? 48 << 10 : fam > 0 ? 32 << 10 : -1;
            return l1 > 0 || size > 0 ? withDefaults(l1, size, -1, "cpuinfo") : null;
        }
        if ("GenuineIntel".equals(vendor) && size > 0) return withDefaults(-1, -1, size, "cpuinfo");
        return null;
    }

    private static CacheSizes withDefaults(long l1, long l2, long l3, String source) {
        return new CacheSizes(l1 > 0 ? l1 : DEFAULTS.l1d, l2 > 0 ? l2 : DEFAULTS.l2, l3 > 0 ? l3 : DEFAULTS.l3, source);
    }

    private static int parseInt(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
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
        return "L1d " + (l1d >> 10) + " KiB, L2 " + (l2 >> 10) + " KiB, L3 " + (l3 >> 10) + " KiB (" + source + ")";
    }
}
