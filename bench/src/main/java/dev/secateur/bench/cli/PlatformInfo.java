package dev.secateur.bench.cli;

import dev.secateur.tensor.platform.VectorPlatform;
import dev.secateur.tensor.sparse.SparseFormats;

/** The kernel configuration this JVM runs with, for {@code bench --info}, reports and benchmark logs. */
public final class PlatformInfo {
    private static final java.util.concurrent.atomic.AtomicBoolean LOGGED = new java.util.concurrent.atomic.AtomicBoolean();

    private PlatformInfo() {}

    /** Prints {@link #describe()} once per JVM (each JMH fork logs the configuration it measured). */
    public static void logOnce() {
        if (LOGGED.compareAndSet(false, true)) System.out.println("# " + describe().replace("\n", "\n# "));
    }

    /** Vector width, FMA, registers, caches, GEMM tile and blocking, and which sparse formats run here. */
    public static String describe() {
        return VectorPlatform.describe() + "\nsparse formats:\n" + SparseFormats.describe().stripTrailing();
    }
}
