package dev.secateur.prune.scoring;

/**
 * Maps pruning units to weight indices for one layer and one granularity. A unit is a set of
 * "runs" (contiguous index ranges) of the row-major weights seen as [out, in·taps]:
 * a weight is one run of length 1, a filter one run of length in·taps, an input channel one
 * run of length taps per filter, a block one run per covered row.
 */
public final class UnitLayout {
    /** Receives one contiguous run of weight indices. */
    public interface RunVisitor {
        void run(int start, int length);
    }

    private final Granularity granularity;
    private final int rows;      // output filters / neurons
    private final int cols;      // in · taps
    private final int taps;
    private final int inputs;
    private final int blockRows;
    private final int blockCols;
    private final int blocksPerRow;
    private final int units;

    public UnitLayout(LayerWeights w, Granularity g) {
        this.granularity = g;
        this.rows = w.outputs();
        this.inputs = w.inputs();
        this.cols = rows == 0 ? 0 : w.size() / rows;
        this.taps = w.taps();
        if (g instanceof Granularity.Block b) {
            blockRows = b.rows();
            blockCols = b.cols();
        } else {
            blockRows = 1;
            blockCols = 1;
        }
        this.blocksPerRow = ceilDiv(cols, blockCols);
        this.units = switch (g) {
            case Granularity.Unstructured u -> w.size();
            case Granularity.NOfM nm -> w.size();
            case Granularity.Filter f -> rows;
            case Granularity.Channel c -> inputs;
            case Granularity.Block b -> ceilDiv(rows, blockRows) * blocksPerRow;
        };
    }

    public int units() { return units; }

    int rows() { return rows; }

    int cols() { return cols; }

    /** Weights in unit {@code u}. */
    public int unitSize(int u) {
        return switch (granularity) {
            case Granularity.Unstructured x -> 1;
            case Granularity.NOfM x -> 1;
            case Granularity.Filter x -> cols;
            case Granularity.Channel x -> rows * taps;
            case Granularity.Block x -> blockHeight(u) * blockWidth(u);
        };
    }

    /** Visits the runs of unit {@code u} in increasing index order. */
    public void forEachRun(int u, RunVisitor v) {
        switch (granularity) {
            case Granularity.Unstructured x -> v.run(u, 1);
            case Granularity.NOfM x -> v.run(u, 1);
            case Granularity.Filter x -> v.run(u * cols, cols);
            case Granularity.Channel x -> {
                for (int f = 0; f < rows; f++) v.run(f * cols + u * taps, taps);
            }
            case Granularity.Block x -> {
                int r0 = (u / blocksPerRow) * blockRows;
                int c0 = (u % blocksPerRow) * blockCols;
                int h = blockHeight(u);
                int wdt = blockWidth(u);
                for (int r = r0; r < r0 + h; r++) v.run(r * cols + c0, wdt);
            }
        }
    }

    /** First output row covered by unit {@code u}; -1 when the unit spans every row (a channel). */
    int firstRow(int u) {
        return switch (granularity) {
            case Granularity.Unstructured x -> u / cols;
            case Granularity.NOfM x -> u / cols;
            case Granularity.Filter x -> u;
            case Granularity.Channel x -> -1;
            case Granularity.Block x -> (u / blocksPerRow) * blockRows;
        };
    }

    /** Number of output rows covered by unit {@code u} (0 for a channel: no bias term). */
    int rowCount(int u) {
        return switch (granularity) {
            case Granularity.Channel x -> 0;
            case Granularity.Block x -> blockHeight(u);
            default -> 1;
        };
    }

    private int blockHeight(int u) {
        int r0 = (u / blocksPerRow) * blockRows;
        return Math.min(blockRows, rows - r0);
    }

    private int blockWidth(int u) {
        int c0 = (u % blocksPerRow) * blockCols;
        return Math.min(blockCols, cols - c0);
    }

    private static int ceilDiv(int a, int b) {
        return b == 0 ? 0 : (a + b - 1) / b;
    }
}
