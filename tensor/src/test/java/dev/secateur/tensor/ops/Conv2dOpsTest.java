package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferenceConv;
import net.jqwik.api.Example;

import static dev.secateur.tensor.ops.OpsTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class Conv2dOpsTest {

    @Example
    void lenetFirstLayerMatchesReference() {
        checkForward(ConvGeometry.of(1, 12, 12, 6, 5, 1, 0), 2, Workers.single());
        checkForward(ConvGeometry.of(3, 9, 7, 5, 3, 2, 1), 3, Workers.single());
        checkForward(ConvGeometry.of(5, 6, 6, 4, 1, 1, 0), 3, Workers.single());
    }

    @Example
    void kernelLargerThanPaddedInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvGeometry.of(1, 3, 3, 1, 5, 1, 0));
        assertTrue(e.getMessage().contains("larger than the padded input"), e.getMessage());
    }

    static void checkForward(ConvGeometry g, int batch, Workers w) {
        float[] x = random(1, batch * g.inputSize()), wt = random(2, g.weightSize()), b = random(3, g.outC());
        float[] y = new float[batch * g.outputSize()];
        float[] ws = new float[Conv2dOps.workspaceSize(g, w.threads())];
        Conv2dOps.forward(w, g, batch, x, 0, wt, 0, b, y, 0, ws);
        double[] ref = ReferenceConv.forward(g, batch, x, wt, b);
        double[] scale = ReferenceConv.forwardAbs(g, batch, x, wt, b);
        assertClose("conv forward " + g, ref, scale, y, 0, (g.colRows() + 2) * EPS);
    }
}
