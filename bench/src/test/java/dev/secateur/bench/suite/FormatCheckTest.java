package dev.secateur.bench.suite;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.bench.suite.example.CooFormat;
import dev.secateur.bench.suite.example.CooMatrix;
import dev.secateur.tensor.sparse.SparseFormat;
import dev.secateur.tensor.sparse.SparseFormats;
import dev.secateur.tensor.sparse.SparseMatrix;
import org.junit.jupiter.api.Test;

class FormatCheckTest {
    @Test
    void theWorkedExampleFormatPasses() {
        assertNull(FormatCheck.check(new CooFormat()));
    }

    @Test
    void everyBuiltInFormatThatRunsHerePasses() {
        for (SparseFormat f : SparseFormats.all()) {
            if (!f.runsHere() || f.name().startsWith("nm")) continue; // N:M formats hold N:M masks only
            assertNull(FormatCheck.check(f), f.name());
        }
    }

    /** COO that forgets the bias: every product is off by it. */
    @Test
    void aWrongProductIsRefusedWithOneLineNamingTheCase() {
        SparseFormat broken = new SparseFormat() {
            @Override public String name() { return "broken"; }

            @Override public int lanes() { return 0; }

            @Override public SparseMatrix build(float[] dense, int rows, int cols, boolean[] mask) {
                CooMatrix m = CooMatrix.from(dense, rows, cols, mask);
                return new SparseMatrix() {
                    @Override public int rows() { return m.rows(); }
                    @Override public int cols() { return m.cols(); }
                    @Override public long nonZeros() { return m.nonZeros(); }
                    @Override public long byteSize() { return m.byteSize(); }
                    @Override public String format() { return "broken"; }
                    @Override public float[] toDense() { return m.toDense(); }
                    @Override public void multiplyVector(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu) {
                        m.multiplyVector(x, xOff, y, yOff, null, relu);
                    }
                    @Override public void multiplyBatch(dev.secateur.tensor.Workers w, float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu) {
                        m.multiplyBatch(w, x, xOff, batch, y, yOff, null, relu);
                    }
                };
            }
        };
        String problem = FormatCheck.check(broken);
        assertNotNull(problem);
        assertTrue(problem.startsWith("format broken, ") && problem.contains("reference") && !problem.contains("\n"), problem);
    }
}
