package dev.secateur.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.secateur.tensor.kernels.Transposes;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import org.junit.jupiter.api.Test;

/**
 * No kernel helper hands a vector, mask or shuffle back to its caller, except the few listed here
 * with the reason each is harmless: C2 inlines such a helper in most JVMs, but a JVM whose compile
 * of the caller leaves it out of line boxes every vector it returns, and runs the kernel many times
 * slower for as long as that code lives (docs/ARCHITECTURE.md, "JIT tiers").
 */
class VectorReturnsTest {
    private static final Map<String, String> ALLOWED = Map.ofEntries(
            Map.entry("kernels.Transpose8x16.selection", "builds a constant once, at class initialisation"),
            Map.entry("kernels.Transposes.pairing", "builds a constant once, at class initialisation"),
            Map.entry("ops.Lanes.rotation", "builds a constant once, at class initialisation"),
            Map.entry("ops.Im2col.lanes", "a mask from a bit pattern, once per row"),
            Map.entry("ops.Pool2x2.lanes", "a mask from a bit pattern, once per plane or row tail"),
            Map.entry("ops.RowDots.tail", "a mask from a bit pattern, once per row tail"),
            Map.entry("platform.VectorMax.relu", "the path of CPUs without a float max instruction, a few lane operations"),
            Map.entry("platform.VectorMax.max", "the path of CPUs without a float max instruction, a few lane operations"),
            Map.entry("platform.VectorMax.whereXPositive", "the path of CPUs without a float max instruction, a few lane operations"),
            Map.entry("platform.VectorMax.ordered", "the path of CPUs without a float max instruction, a few lane operations"));

    @Test
    void onlyListedMethodsReturnVectors() throws Exception {
        Path classes = Path.of(Transposes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path root = classes.resolve("dev/secateur/tensor");
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                for (Method m : c.getDeclaredMethods()) {
                    Class<?> r = m.getReturnType();
                    boolean vectorish = Vector.class.isAssignableFrom(r) || VectorMask.class.isAssignableFrom(r) || VectorShuffle.class.isAssignableFrom(r);
                    if (vectorish && !m.isSynthetic()) found.add(name.substring("dev.secateur.tensor.".length()).replaceAll("\\$.*$", "") + "." + m.getName());
                }
            }
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), found,
                "methods returning a vector, mask or shuffle: write the operation out in the kernel instead of calling a helper");
    }
}
