package dev.secateur.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DerivedTest {
    private static Figure find(List<Figure> fs, String group, String name, String key, String value, String key2, String value2) {
        return fs.stream().filter(f -> f.group().equals(group) && f.name().equals(name) && f.param(key).equals(value) && f.param(key2).equals(value2))
                .findFirst().orElseThrow();
    }

    @Test
    void gflopsOfSquareGemmWithRelativeError() {
        List<Figure> d = Derived.of(Synthetic.measured(1));
        Figure g = find(d, "gemm", "gflops", "impl", "secateur", "size", "1024");
        assertEquals(2.0 * 1024 * 1024 * 1024 / 0.020 / 1e9, g.value(), 1e-9);
        assertEquals(g.value() * 1 / 20.0, g.error(), 1e-9);
        assertTrue(g.derived());
        assertEquals("GFLOPS", g.unit());
    }

    @Test
    void speedupOverDenseWithPropagatedError() {
        List<Figure> d = Derived.of(Synthetic.measured(1));
        Figure s = find(d, "spmm", "speedup", "format", "csr", "sparsity", "0.9");
        assertEquals(5.0, s.value(), 1e-12);
        assertEquals(5.0 * Math.hypot(4 / 100.0, 1 / 20.0), s.error(), 1e-12);
        assertEquals(2, d.stream().filter(f -> f.name().equals("speedup")).count(), "no speed-up of dense over itself");
    }
}
