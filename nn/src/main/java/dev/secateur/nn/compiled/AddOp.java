package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

/** The residual add {@code y = a + b}, with the block's following ReLU fused. */
final class AddOp extends Op {
    private final int other, perSample;
    private final boolean relu;

    AddOp(int a, int b, int out, int perSample, boolean relu) {
        super(a, out);
        this.other = b;
        this.perSample = perSample;
        this.relu = relu;
    }

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        add(ws.bufs[in], ws.offs[in], ws.bufs[other], ws.offs[other], ws.bufs[out], perSample * n, relu);
    }

    /** Scalar loop (C2 vectorizes it); allocation-free even before it is compiled. */
    static void add(float[] a, int ao, float[] b, int bo, float[] y, int size, boolean relu) {
        if (relu) {
            for (int i = 0; i < size; i++) y[i] = Math.max(a[ao + i] + b[bo + i], 0f);
        } else {
            for (int i = 0; i < size; i++) y[i] = a[ao + i] + b[bo + i];
        }
    }

    @Override String describe() { return relu ? "add+relu" : "add"; }
}
