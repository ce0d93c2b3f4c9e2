package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Workers;

/**
 * A weight matrix W with {@code rows()} outputs (M) and {@code cols()} inputs (K), stored in a
 * compressed form and multiplied from that form. Built once from a dense row-major {@code M×K}
 * weight and a mask (each format's static {@code from}), multiplied many times; immutable and
 * safe to share between threads.
 *
 * <h2>Activation layouts</h2>
 * <ul>
 *   <li>Batch 1: {@code x} is a vector of K floats at {@code xOff}, {@code y} a vector of M
 *       floats at {@code yOff}.</li>
 *   <li>Batch N: {@code X} is row-major {@code [K, batch]} (row k holds the batch values of input
 *       k, contiguous) and {@code Y} is row-major {@code [M, batch]}. The batch dimension is the
 *       contiguous one, so kernels vectorize along it. This is exactly the im2col layout of a
 *       convolution: {@code W[outC, inC·kh·kw] · col[inC·kh·kw, outH·outW]} with
 *       {@code batch = outH·outW}. For batch 1 both layouts coincide.</li>
 * </ul>
 * Every call computes {@code y = act(W·x + bias)} where {@code bias} (length ≥ M, may be null)
 * is added per output row and {@code act} is ReLU when {@code relu} is true, else identity.
 * The output is overwritten (never read). Calls do not allocate on the single-thread path.
 *
 * <p>Results are deterministic: each output element is summed by one thread in an order fixed
 * by the format, independent of the thread count.
 *
 * <p>Open to formats defined outside this package (see {@link SparseFormats}): a new format is a
 * class implementing this interface plus its {@link SparseFormat}.
 */
public interface SparseMatrix {

    /** Number of output rows M. */
    int rows();

    /** Number of input columns K. */
    int cols();

    /** Number of weights kept by the mask (explicitly kept zeros count; block padding does not). */
    long nonZeros();

    /**
     * Multiply-adds one product column costs at least: the kept weights, or every weight for a
     * format that multiplies them all (dense). A tuner takes a call far slower than this much work
     * can take in compiled code as a sign the JIT has not compiled the kernel yet.
     */
    default long multiplyAdds() {
        return nonZeros();
    }

    /** Bytes of the arrays this matrix stores (values, indices, pointers, scales). */
    long byteSize();

    /** Short name of the storage format, e.g. {@code "csr"}, {@code "bsr4x1"}, {@code "nm2:4"}. */
    String format();

    /**
     * The dense row-major M×K matrix this was built from, with every entry outside the mask set to
     * zero. Exact (bit for bit) for float formats; for int8 formats the dequantized values.
     */
    float[] toDense();

    /** {@code y[yOff..yOff+M) = act(W·x[xOff..xOff+K) + bias)} on the calling thread. */
    void multiplyVector(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu);

    /**
     * {@code Y = act(W·X + bias)} with X {@code [K, batch]} at {@code xOff} and Y {@code [M, batch]}
     * at {@code yOff} (see the class comment), split over output rows on {@code workers}.
     */
    void multiplyBatch(Workers workers, float[] x, int xOff, int batch, float[] y, int yOff,
                       float[] bias, boolean relu);

    /** Fraction of the M×K entries that are not stored as kept weights: {@code 1 - nonZeros/(M·K)}. */
    default double sparsity() {
        long n = (long) rows() * cols();
        return n == 0 ? 0 : 1.0 - (double) nonZeros() / n;
    }
}
