package dev.secateur.tensor.platform;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the JVM and CPU offer the kernels, probed once at class initialisation: the widest float
 * vector the JIT compiles to SIMD instructions, whether fused multiply-add is a hardware
 * instruction, how many vector registers a micro-kernel may fill, the cache sizes, and from
 * those the GEMM blocking. Kernels read the constants (the JIT folds them), never the CPU.
 *
 * <p>Species wider than {@link #BITS} are not intrinsic: C2 runs them as Java loops over heap
 * arrays, hundreds of times slower, so a kernel written for a fixed width asks
 * {@link #supportsLanes(int)} before it is offered. The same applies to FMA (see {@link Fma}).
 *
 * <p>Overrides for testing: {@code -Dsecateur.fma=false} forces the multiply-add fallback.
 */
public final class VectorPlatform {
    /** The preferred float species: 16 lanes with AVX-512, 8 with AVX2, 4 with SSE or NEON. */
    public static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED;
    /** Float lanes of {@link #FLOAT}. */
    public static final int LANES = FLOAT.length();
    /** Bits of the widest vector the JIT compiles to SIMD instructions. */
    public static final int BITS = FLOAT.vectorBitSize();
    /** Whether fused multiply-add is a hardware instruction the JIT uses. */
    public static final boolean FMA = probeFma();
    /**
     * Whether lane permutes (one- and two-vector {@code selectFrom}), per-lane variable shifts and
     * masked blends at {@link #BITS} compile to SIMD instructions: on AArch64 and on x86 with AVX2
     * or later. Plain SSE lacks variable shifts and two-source permutes, so C2 runs those as Java
     * loops there.
     */
    public static final boolean PERMUTES = probePermutes();
    /**
     * Whether masked vector loads and stores (array tails) are SIMD instructions: on x86 from AVX2
     * on, on AArch64 only with SVE. Without them a masked access runs as Java code and allocates,
     * so edge loops take a scalar path instead.
     */
    public static final boolean MASKED_MEMORY = probeMaskedMemory();
    /**
     * Whether float {@code max} (ReLU, max pooling) compiles to SIMD instructions: everywhere but
     * x86 without AVX, where C2 runs it (and float {@code compare} and {@code blend}) as Java code,
     * 50–80× slower than an add, and boxes the vectors around it. Where it is false the kernels'
     * epilogues use {@link VectorMax}'s integer-lane ReLU and max instead.
     */
    public static final boolean FLOAT_MAX = avxLevel() != 0;
    /** Whether indexed loads ({@code fromArray} with an index map) are SIMD gathers here (x86 AVX2 and later, ARM SVE). */
    public static final boolean GATHERS = probeGathers();
    /** Vector registers a kernel may use: 32 with AVX-512 (EVEX encoding) or on AArch64, else 16. */
    public static final int REGISTERS = probeRegisters();
    /** Data cache sizes of one core. */
    public static final CacheSizes CACHES = CacheSizes.probe();
    /** Tile and blocking of the packed SGEMM. */
    public static final GemmBlocking GEMM = GemmBlocking.of(LANES, REGISTERS, CACHES);

    private VectorPlatform() {}

    /** Whether a species of {@code lanes} floats runs as SIMD instructions here. */
    public static boolean supportsLanes(int lanes) {
        return lanes * Float.SIZE <= BITS;
    }

    /** One paragraph for logs, {@code bench --info} and benchmark results. */
    public static String describe() {
        return "vectors: " + BITS + "-bit (" + LANES + " float lanes), " + REGISTERS + " registers, FMA "
                + (FMA ? "yes" : "no (multiply + add)")
                + ", permutes " + (PERMUTES ? "yes" : "no") + ", masked loads " + (MASKED_MEMORY ? "yes" : "no")
                + ", gathers " + (GATHERS ? "yes" : "no") + ", float max " + (FLOAT_MAX ? "yes" : "no (integer lanes)") + "\n"
                + "caches: " + CACHES + "\n"
                + "gemm: " + GEMM + "\n"
                + "cpu: " + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " processors, "
                + "JVM " + System.getProperty("java.vm.version");
    }

    private static boolean probeFma() {
        String forced = System.getProperty("secateur.fma");
        if (forced != null) return Boolean.parseBoolean(forced);
        String flag = vmOption("UseFMA");
        if (flag != null) return Boolean.parseBoolean(flag);
        // Not HotSpot: AArch64 always has FMA; elsewhere assume the fallback is the safe side.
        return isAarch64();
    }

    private static boolean probePermutes() {
        return isAarch64() || avxLevel() >= 2;
    }

    private static boolean probeMaskedMemory() {
        if (isAarch64()) {
            String sve = vmOption("UseSVE");
            return sve != null && !sve.equals("0");
        }
        return avxLevel() >= 2;
    }

    private static boolean probeGathers() {
        return probeMaskedMemory(); // the same instruction sets: AVX2 and SVE have both, SSE and NEON neither
    }

    /** HotSpot's UseAVX level on x86 (0 = SSE only), or -1 where the JVM does not tell. */
    private static int avxLevel() {
        String avx = vmOption("UseAVX");
        if (avx == null) return -1;
        try {
            return Integer.parseInt(avx);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int probeRegisters() {
        if (isAarch64()) return 32;
        int avx = avxLevel();
        if (avx >= 0) return avx >= 3 ? 32 : 16;
        return BITS >= 512 ? 32 : 16;
    }

    private static boolean isAarch64() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("aarch64") || arch.equals("arm64");
    }

    /** A HotSpot flag's value, or null on a JVM without the diagnostic bean. */
    private static String vmOption(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? null : bean.getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
