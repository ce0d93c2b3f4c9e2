package dev.secateur.bench.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.secateur.bench.onnx.OnnxExporter;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompileOptions;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.tensor.Workers;
import java.nio.FloatBuffer;
import java.time.Duration;

/**
 * Both engines of a Secateur-against-ONNX-Runtime comparison set up the same way everywhere (JMH,
 * the CPU-time run, the scratch harnesses): one thread each, the model compiled for one batch size
 * after a throw-away compile that warms the JIT, and an ORT session with its input tensor built
 * once (a new tensor per call would slow ORT down, an unfair baseline).
 */
public final class SingleThreadEngines {
    private SingleThreadEngines() {}

    /** {@code net} compiled for {@code batch} on one thread; {@code options} adjusts the defaults (e.g. allowed kernels). */
    public static CompiledModel compile(Model net, int batch, java.util.function.UnaryOperator<CompileOptions> options) {
        CompileOptions opts = options.apply(CompileOptions.defaults().withWorkers(Workers.single()).withBatchSizes(batch)
                .withCalibrationBudget(Duration.ofMillis(50)));
        CompiledModel.compile(net, opts.withCalibrationBudget(Duration.ofMillis(200))); // JIT warm-up before the kept calibration
        return CompiledModel.compile(net, opts);
    }

    /** {@link #compile(Model, int, java.util.function.UnaryOperator)} with the default options. */
    public static CompiledModel compile(Model net, int batch) {
        return compile(net, batch, o -> o);
    }

    /** An ORT session of {@code net} (exported by the project's ONNX writer) with one intra-op and one inter-op thread. */
    public static OrtSession ortSession(OrtEnvironment env, Model net) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        o.setInterOpNumThreads(1);
        return env.createSession(OnnxExporter.toBytes(net, null), o);
    }

    /** {@code x} as ORT's input tensor of {@code batch} samples of {@code net}'s input shape. */
    public static OnnxTensor ortInput(OrtEnvironment env, Model net, float[] x, int batch) throws OrtException {
        long[] dims = new long[net.inputShape().rank() + 1];
        dims[0] = batch;
        for (int i = 0; i < net.inputShape().rank(); i++) dims[i + 1] = net.inputShape().dim(i);
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
    }
}
