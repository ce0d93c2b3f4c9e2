package dev.secateur.bench.suite;

import dev.secateur.tensor.platform.CacheSizes;
import dev.secateur.tensor.platform.VectorPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine and software a suite ran on: what a reader needs to judge whether two runs are
 * comparable at all.
 *
 * @param vectorBits the vector width the kernels ran with (the forks' width, see {@code jvmFlags})
 * @param jvmFlags   flags every benchmark JVM ran with, including the width flags of the run
 * @param load       the 1-minute load average when the run started and ended: a busy machine
 *                   makes every timing slower and noisier
 * @param openblasCoretype {@code OPENBLAS_CORETYPE} of the run ({@code "auto"} when unset: OpenBLAS
 *                   then picks the kernel for this CPU), the reference kernel the SGEMM rows compare against
 */
public record Machine(String cpu, int cores, int vectorBits, long l1d, long l2, long l3, String os, String jdk,
                      List<String> jvmFlags, String gitCommit, String date, String load, String openblasCoretype) {
    public Machine {
        jvmFlags = List.copyOf(jvmFlags);
    }

    /**
     * This machine; {@code vectorBits} is the width the benchmark forks run with (the suite's
     * width option), {@code extraFlags} the flags it appends to them.
     */
    public static Machine probe(int vectorBits, List<String> extraFlags, String load) {
        CacheSizes c = VectorPlatform.CACHES;
        List<String> flags = new ArrayList<>(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        flags.addAll(extraFlags);
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), vectorBits, c.l1d(), c.l2(), c.l3(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + Runtime.version(), flags, probeGitCommit(), Instant.now().toString(), load,
                probeOpenblasCoretype());
    }

    /** {@code OPENBLAS_CORETYPE}, or {@code "auto"} when unset. */
    static String probeOpenblasCoretype() {
        String v = System.getenv("OPENBLAS_CORETYPE");
        return v == null || v.isBlank() ? "auto" : v;
    }

    /** The 1-minute load average (/proc/loadavg), or {@code "unknown"}. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The {@code model name} line of /proc/cpuinfo, else the architecture. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back below
        }
        return System.getProperty("os.arch");
    }

    /** {@code git rev-parse HEAD} of the working directory (+{@code -dirty}), else {@code unknown}. */
    static String probeGitCommit() {
        try {
            String head = run("git", "rev-parse", "HEAD");
            if (head.isEmpty()) return "unknown";
            return run("git", "status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "-dirty";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroy();
            return "";
        }
        return p.exitValue() == 0 ? out : "";
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpu);
        m.put("cores", cores);
        m.put("vectorBits", vectorBits);
        m.put("cacheL1d", l1d);
        m.put("cacheL2", l2);
        m.put("cacheL3", l3);
        m.put("os", os);
        m.put("jdk", jdk);
        m.put("jvmFlags", jvmFlags);
        m.put("gitCommit", gitCommit);
        m.put("date", date);
        m.put("load", load);
        m.put("openblasCoretype", openblasCoretype);
        return m;
    }

    static Machine fromJson(Map<?, ?> m) {
        List<String> flags = new ArrayList<>();
        if (m.get("jvmFlags") instanceof List<?> l) for (Object o : l) flags.add(String.valueOf(o));
        return new Machine(str(m, "cpu"), (int) num(m, "cores"), (int) num(m, "vectorBits"), (long) num(m, "cacheL1d"),
                (long) num(m, "cacheL2"), (long) num(m, "cacheL3"), str(m, "os"), str(m, "jdk"), flags, str(m, "gitCommit"), str(m, "date"), str(m, "load"),
                m.get("openblasCoretype") == null ? "auto" : str(m, "openblasCoretype"));
    }

    private static String str(Map<?, ?> m, String k) {
        Object v = m.get(k);
        return v == null ? "unknown" : String.valueOf(v);
    }

    private static double num(Map<?, ?> m, String k) {
        return m.get(k) instanceof Number n ? n.doubleValue() : 0;
    }

    /** One line for reports: CPU, cores, width, caches. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%s, %d cores, %d-bit vectors, L1d %d KiB / L2 %d KiB / L3 %d KiB",
                cpu, cores, vectorBits, l1d >> 10, l2 >> 10, l3 >> 10);
    }
}
