/**
 * Sparse weight matrices and their SIMD kernels: {@code y = act(W·x + b)} (batch 1) and
 * {@code Y = act(W·X + b)} with X laid out {@code [K, batch]} (the im2col layout), all through
 * {@link dev.secateur.tensor.sparse.SparseMatrix}. Formats are found by name in
 * {@link dev.secateur.tensor.sparse.SparseFormats}, which other jars can extend (docs/formats.md).
 *
 * <p>Formats, each built once from a dense weight and a mask, with an exact {@code toDense()}:
 * <ul>
 *   <li>{@link dev.secateur.tensor.sparse.CsrMatrix} — rows of (value, 16-bit delta); the compact
 *       general format, any shape.</li>
 *   <li>{@link dev.secateur.tensor.sparse.Int8CsrMatrix} — CSR with int8 values and per-row scales.</li>
 *   <li>{@link dev.secateur.tensor.sparse.BsrMatrix} — R×1 blocks (R = 4, 8): block-pruned weights, and
 *       batched products even on unstructured masks.</li>
 *   <li>{@link dev.secateur.tensor.sparse.BitmapMatrix} — 16-row groups with a 16-bit row mask per
 *       column and {@code expand}: batch 1 at moderate sparsity.</li>
 *   <li>{@link dev.secateur.tensor.sparse.SellMatrix} — SELL-16 with a gather: batch 1 at high sparsity.</li>
 *   <li>{@link dev.secateur.tensor.sparse.WindowedSellMatrix} — SELL-16 over 64-column windows, inputs
 *       picked by in-register permutes, its rows regrouped per window inside 64-row bands; {@link dev.secateur.tensor.sparse.WindowedSell8Matrix} and
 *       {@link dev.secateur.tensor.sparse.WindowedSell4Matrix} the same at 8 and 4 lanes with a sliding
 *       window per slot. All three order the rows longest first.</li>
 *   <li>{@link dev.secateur.tensor.sparse.NmMatrix} — N:M (2:4, 1:4, …) with in-register permutes.</li>
 *   <li>{@link dev.secateur.tensor.sparse.DenseMatrix} — the dense weight behind the same interface.</li>
 * </ul>
 * {@link dev.secateur.tensor.sparse.SparseSelector} times the candidates on the real matrix and
 * keeps the fastest. Measurements: {@code docs/bench/sparse.md}.
 */
package dev.secateur.tensor.sparse;
