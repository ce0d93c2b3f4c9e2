package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

/** A ReLU that could not be fused into a preceding kernel. */
final class ReluOp extends Op {
    private final int perSample;

    ReluOp(int in, int out, int perSample) {
        super(in, out);
        this.perSample = perSample;
    }

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        float[] x = ws.bufs[in], y = ws.bufs[out];
        int xo = ws.offs[in], size = perSample * n;
        // Scalar loop: C2 vectorizes it, and it never allocates, even before it is compiled.
        for (int i = 0; i < size; i++) y[i] = Math.max(x[xo + i], 0f);
    }

    @Override String describe() { return "relu"; }
}
