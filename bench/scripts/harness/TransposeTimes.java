// Scratch harness (bench/scripts/harness/run.sh TransposeTimes ROWSxCOLS ...): the layout transpose
// (kernels.Transposes.matrix: 16 × 16 blocks in registers where 16 lanes run) against the scalar
// 32 × 32-tile loop it replaced, alternating half-second passes in one JVM; µs per transpose.
import dev.secateur.tensor.kernels.Transposes;

public class TransposeTimes {
    public static void main(String[] a) {
        for (String shape : a) {
            String[] p = shape.split("x");
            int rows = Integer.parseInt(p[0]), cols = Integer.parseInt(p[1]);
            float[] x = new float[rows * cols], y = new float[rows * cols];
            for (int i = 0; i < x.length; i++) x[i] = i;
            double[] blocks = new double[6], tiles = new double[6];
            for (int pass = 0; pass < 6; pass++) {
                blocks[pass] = time(() -> Transposes.matrix(x, 0, rows, cols, y, 0));
                tiles[pass] = time(() -> tiles(x, rows, cols, y));
            }
            java.util.Arrays.sort(blocks);
            java.util.Arrays.sort(tiles);
            System.out.printf("%dx%d: blocks %.2f-%.2f us, scalar tiles %.2f-%.2f us (passes 2-6, fastest to slowest)%n",
                    rows, cols, blocks[0], blocks[4], tiles[0], tiles[4]);
        }
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime(), n = 0;
        while (System.nanoTime() - t0 < 500_000_000L) { r.run(); n++; }
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    /** The previous TransposeOp loop. */
    private static void tiles(float[] x, int rows, int cols, float[] y) {
        for (int r0 = 0; r0 < rows; r0 += 32) {
            int r1 = Math.min(rows, r0 + 32);
            for (int c0 = 0; c0 < cols; c0 += 32) {
                int c1 = Math.min(cols, c0 + 32);
                for (int r = r0; r < r1; r++) for (int c = c0, s = r * cols + c0; c < c1; c++, s++) y[c * rows + r] = x[s];
            }
        }
    }
}
