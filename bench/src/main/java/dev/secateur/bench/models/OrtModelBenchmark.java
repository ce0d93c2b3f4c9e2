package dev.secateur.bench.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.secateur.bench.onnx.OnnxExporter;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Secateur's compiled model against ONNX Runtime on identical weights (the model exported by
 * {@link OnnxExporter}): the shipped LeNet-300-100, LeNet-5 and small VGG, dense, pruned and
 * filter-pruned ({@link BenchModels}), batch 1 and 64, one thread each (ORT: intra-op threads 1).
 * The ORT input tensor is created once and reused. ONNX Runtime is a compile-only dependency, not
 * in the jar: the launcher puts its jar on the class path when the local Maven repository has it
 * (the suite's {@code model-ort} step); {@code OrtModelBenchmarkRun} runs it from the tests
 * (docs/onnx.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsecateur.kernel.cache=off"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OrtModelBenchmark {
    @Param({"lenet300", "lenet5", "vgg"})
    public String model;

    @Param({"secateur", "onnxruntime"})
    public String impl;

    @Param({"1", "64"})
    public int batch;

    /**
     * {@code dense}; {@code pruned}: unstructured magnitude pruning ({@link BenchModels#prepare});
     * {@code blocked}: magnitude pruning of whole 16×1 blocks ({@link BenchModels#prepareBlockPruned});
     * {@code filtered}: filter-pruned ({@link BenchModels#prepareFilterPruned}) — Secateur runs the
     * compacted model, ONNX Runtime the masked full-size one (what it would run without compaction).
     */
    @Param({"dense", "pruned", "blocked", "filtered"})
    public String weights;

    private CompiledModel compiled;
    private float[] x, y;
    private OrtEnvironment env;
    private OrtSession session;
    private OnnxTensor input;
    private Map<String, OnnxTensor> feed;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Model net;
        if (weights.equals("filtered")) {
            BenchModels.FilterPruned f = BenchModels.prepareFilterPruned(model);
            System.out.println(f.description());
            net = impl.equals("secateur") ? f.compacted() : f.masked();
        } else if (weights.equals("blocked")) {
            net = BenchModels.prepareBlockPruned(model).model();
        } else {
            net = BenchModels.prepare(model, weights.equals("pruned")).model();
        }
        net.useWorkers(Workers.single());
        x = Tensor.randomUniform(1, 0, 1, batch * net.inputShape().size()).toArray();
        y = new float[batch * net.outputShape().size()];
        if (impl.equals("secateur")) {
            compiled = SingleThreadEngines.compile(net, batch);
        } else {
            env = OrtEnvironment.getEnvironment();
            session = SingleThreadEngines.ortSession(env, net);
            input = SingleThreadEngines.ortInput(env, net, x, batch);
            feed = Map.of(OnnxExporter.INPUT, input);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (input != null) input.close();
        if (session != null) session.close();
    }

    @Benchmark
    public float infer() throws Exception {
        if (compiled != null) {
            compiled.predict(x, 0, batch, y, 0);
            return y[0];
        }
        try (OrtSession.Result r = session.run(feed)) {
            return ((float[][]) r.get(0).getValue())[0][0];
        }
    }
}
