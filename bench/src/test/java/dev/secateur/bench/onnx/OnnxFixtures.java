package dev.secateur.bench.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.secateur.nn.Model;
import dev.secateur.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The committed fixtures (written by {@code bench/scripts/onnx_fixtures.py}): 16 Fashion-MNIST
 * test images, their labels, and the PyTorch logits of each fixture model; plus ONNX Runtime.
 */
final class OnnxFixtures {
    static final int IMAGES = 16, CLASSES = 10;
    static final float MEAN = 0.2860f, STD = 0.3530f;

    private OnnxFixtures() {}

    static Path dir() {
        try {
            return Path.of(OnnxFixtures.class.getResource("/onnx/images.bin").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path file(String name) { return dir().resolve(name); }

    /** The images as raw [0, 1] values, [16, 1, 28, 28]. */
    static float[] rawImages() {
        byte[] px = bytes("images.bin");
        float[] x = new float[px.length];
        for (int i = 0; i < px.length; i++) x[i] = (px[i] & 0xff) / 255f;
        return x;
    }

    /** The images normalized as the fixture models (and Secateur's Fashion-MNIST models) expect. */
    static Tensor normalizedImages() {
        float[] x = rawImages();
        for (int i = 0; i < x.length; i++) x[i] = (x[i] - MEAN) / STD;
        return Tensor.wrap(x, IMAGES, 1, 28, 28);
    }

    static float[] expectedLogits(String model) {
        ByteBuffer b = ByteBuffer.wrap(bytes(model + ".logits.bin")).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[IMAGES * CLASSES];
        b.asFloatBuffer().get(v);
        return v;
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] secateur(Model m, Tensor x) {
        return m.predict(x).toArray();
    }

    /** Runs an ONNX model in ONNX Runtime (one thread) on {@code x}. */
    static float[] onnxRuntime(byte[] model, Tensor x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, o);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toArray()), toLong(x.shape().toArray()));
                 OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), in))) {
                float[][] y = (float[][]) r.get(0).getValue();
                float[] flat = new float[y.length * y[0].length];
                for (int i = 0; i < y.length; i++) System.arraycopy(y[i], 0, flat, i * y[0].length, y[0].length);
                return flat;
            }
        }
    }

    static long[] toLong(int[] d) {
        long[] l = new long[d.length];
        for (int i = 0; i < d.length; i++) l[i] = d[i];
        return l;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError(a.length + " vs " + b.length + " values");
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static int[] top1(float[] logits, int classes) {
        int[] out = new int[logits.length / classes];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int j = 1; j < classes; j++) if (logits[i * classes + j] > logits[i * classes + best]) best = j;
            out[i] = best;
        }
        return out;
    }
}
