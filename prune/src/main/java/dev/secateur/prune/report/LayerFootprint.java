package dev.secateur.prune.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Size and cost of one dense or conv layer: parameter counts, FLOPs (2 × multiply-adds per
 * sample) dense and effective (only kept weights do work), and storage bytes as dense float32,
 * as sparse float32 and as sparse int8. Sparse bytes take the smaller of CSR with 16-bit column
 * indices (+ 32-bit row pointers) and a bitmap (1 bit per weight) + packed values, never more
 * than dense; int8 adds one float32 scale per output channel; the bias is always float32.
 *
 * @param name            layer name
 * @param type            layer type (dense, conv2d)
 * @param weights         weight count
 * @param biases          bias count
 * @param weightsNonZero  kept weights
 * @param flopsDense      FLOPs per sample of the dense layer
 * @param flopsEffective  FLOPs per sample counting kept weights only
 */
public record LayerFootprint(String name, String type, long weights, long biases, long weightsNonZero,
                             long flopsDense, long flopsEffective) {

    /** Weight density. */
    public double density() { return weights == 0 ? 1.0 : (double) weightsNonZero / weights; }

    public long bytesDense() { return 4 * (weights + biases); }

    public long bytesSparse() {
        return 4 * biases + Math.min(4 * weights, Math.min(csr(4), bitmap(4)));
    }

    public long bytesSparseInt8() {
        return 4 * biases + 4 * biases /* scales, one per output channel */ + Math.min(weights, Math.min(csr(1), bitmap(1)));
    }

    private long csr(int valueBytes) {
        return weightsNonZero * (valueBytes + 2L) + 4 * (biases + 1);
    }

    private long bitmap(int valueBytes) {
        return (weights + 7) / 8 + weightsNonZero * valueBytes;
    }

    public Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type);
        m.put("params_total", weights + biases);
        m.put("params_nonzero", weightsNonZero + biases);
        m.put("weights", weights);
        m.put("weights_nonzero", weightsNonZero);
        m.put("density", density());
        m.put("flops_dense", flopsDense);
        m.put("flops", flopsEffective);
        m.put("bytes_dense_fp32", bytesDense());
        m.put("bytes_sparse_fp32", bytesSparse());
        m.put("bytes_sparse_int8", bytesSparseInt8());
        return m;
    }
}
