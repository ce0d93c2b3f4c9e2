package dev.secateur.bench.suite.example;

import dev.secateur.tensor.sparse.SparseFormat;
import dev.secateur.tensor.sparse.SparseMatrix;

/**
 * The registration half of the worked example: the name, the width its kernels need (none) and
 * how to build it. {@code automatic() == false} keeps compiled models from picking it while it
 * is being evaluated; the suite benchmarks it either way.
 */
public final class CooFormat implements SparseFormat {
    public static final String NAME = "coo";

    @Override public String name() { return NAME; }

    @Override public int lanes() { return 0; }

    @Override public boolean automatic() { return false; }

    @Override public SparseMatrix build(float[] dense, int rows, int cols, boolean[] mask) {
        return CooMatrix.from(dense, rows, cols, mask);
    }
}
