package dev.secateur.nn.compiled;

import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.compiled.TestNets.Pruning;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Dropout;
import dev.secateur.nn.layers.Flatten;
import dev.secateur.nn.layers.ReLU;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.SparseFormats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompiledModelTest {
    private static final Shape SMALL_IMAGE = Shape.of(1, 16, 16);

    private static final double RTOL = 1e-4;

    private static CompileOptions quick(Workers w, int... batches) {
        return CompileOptions.defaults().withWorkers(w).withBatchSizes(batches).withCalibrationBudget(Duration.ZERO)
                .withJitWarmup(Duration.ZERO);
    }

    private static Model zoo(String name, Pruning p, long seed) {
        // Small inputs keep the suite fast (the first calls of every kernel run interpreted).
        Shape in = name.equals("lenet300") || name.equals("vgg") ? Shape.of(1, 12, 12)
                : name.equals("resnet8") ? Shape.of(1, 10, 10) : SMALL_IMAGE;
        Model m = Models.byName(name, in, seed);
        TestNets.randomizeBatchNorms(m, seed + 1);
        TestNets.prune(m, p, p == Pruning.NM24 ? 0.5 : 0.9, seed + 2);
        m.useWorkers(Workers.single());
        return m;
    }

    private static void checkAgainstModel(Model m, CompiledModel cm, int n, long seed, String what) {
        Tensor x = Tensor.randomUniform(seed, -1, 1, batchDims(n, m.inputShape()));
        Tensor expected = m.predict(x).copy();
        TestNets.assertClose(expected, cm.predict(x), RTOL, what + " batch " + n);
        if (n == 1) {
            float[] one = cm.predict(x.toArray());
            TestNets.assertClose(expected, Tensor.wrap(one, 1, one.length), RTOL, what + " predict(float[])");
        }
    }

    private static int[] batchDims(int n, Shape sample) {
        int[] d = new int[sample.rank() + 1];
        d[0] = n;
        for (int i = 0; i < sample.rank(); i++) d[i + 1] = sample.dim(i);
        return d;
    }

    @Test void zooModelsMatchTheUncompiledModel() {
        for (Pruning p : List.of(Pruning.NONE, Pruning.UNSTRUCTURED)) {
            for (String name : List.of("lenet300", "lenet5", "resnet8")) {
                Model m = zoo(name, p, 11);
                // Unpruned: folding and fusion with dense kernels. Pruned: the calibrated choice among all
                // kernels (every kernel is also forced in everyKernelGivesTheModelsResult).
                CompileOptions o = quick(Workers.single(), 1, 4);
                CompiledModel cm = CompiledModel.compile(m, p == Pruning.NONE ? o.withAllowedKernels(Set.of()) : o);
                for (int n : new int[] {1, 3, 4, 9}) checkAgainstModel(m, cm, n, 100 + n, name + " " + p);
            }
        }
    }

    @Test void vggWithBatchNormAndDropoutMatches() {
        for (Pruning p : List.of(Pruning.UNSTRUCTURED, Pruning.FILTER_AND_CHANNEL)) {
            Model m = zoo("vgg", p, 5);
            CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 2));
            for (int n : new int[] {1, 3}) checkAgainstModel(m, cm, n, 7 + n, "vgg " + p);
            assertTrue(cm.describe().lines().noneMatch(l -> l.contains("batchnorm")), "every BatchNorm of vgg folds: " + cm.describe());
        }
    }

    /** Forces every applicable kernel on every layer through stored choices, so each code path is checked. */
    @ParameterizedTest
    @EnumSource(Pruning.class)
    void everyKernelGivesTheModelsResult(Pruning p) {
        for (String name : List.of("lenet300", "lenet5", "resnet8")) {
            Model m = zoo(name, p, 21);
            CompiledModel calibrated = CompiledModel.compile(m, quick(Workers.single(), 1, 3));
            Set<String> applied = new HashSet<>();
            for (String kernel : Kernels.ALL) {
                String json = forcedChoices(calibrated, kernel, 1);
                // Where the kernel does not apply, only dense is calibrated (quickly) instead.
                CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 1, 3).withCachedChoices(json)
                        .withAllowedKernels(Set.of(kernel)).withCalibrationBudget(Duration.ZERO));
                for (KernelChoice c : cm.choices()) if (c.cached()) applied.add(c.kernel());
                for (int n : new int[] {1, 3, 5}) checkAgainstModel(m, cm, n, 31 + n, name + " " + p + " kernel " + kernel);
            }
            assertTrue(applied.containsAll(runningHere(Kernels.DENSE, Kernels.CSR, Kernels.BITMAP)), name + " " + p + ": " + applied);
            if (p == Pruning.UNSTRUCTURED && name.equals("lenet300")) assertTrue(applied.contains(Kernels.PCSR), "wide sparse layers can use pcsr: " + applied);
            if (p != Pruning.NONE) {
                assertTrue(applied.containsAll(runningHere(Kernels.SELL, Kernels.WSELL)), name + " " + p + ": " + applied);
                assertTrue(runningHere(Kernels.WSELL, Kernels.WSELL8, Kernels.WSELL4).stream().anyMatch(applied::contains),
                        "a windowed SELL at some lane count runs here: " + applied);
            }
            if (p == Pruning.NM24) assertTrue(applied.containsAll(runningHere(Kernels.NM24)), "2:4 masks use nm2:4: " + applied);
            if (p == Pruning.QUANTIZED) assertTrue(applied.contains(Kernels.INT8_CSR), "quantized weights use int8: " + applied);
            if (p == Pruning.FILTER_AND_CHANNEL) assertTrue(applied.contains(Kernels.COMPACT), "structured pruning compacts: " + applied);
            if (p == Pruning.BLOCK4) assertTrue(applied.containsAll(runningHere(Kernels.BSR4)), "4x1 blocks use bsr4x1: " + applied);
            if (name.equals("resnet8") && p == Pruning.NONE) assertTrue(applied.contains(Kernels.WINOGRAD), "3x3 stride-1 convolutions can run winograd: " + applied);
            if (p == Pruning.UNSTRUCTURED && !name.equals("lenet300")) {
                assertTrue(applied.contains(Kernels.DIRECT), "stride-1 sparse convolutions can run direct: " + applied);
            }
        }
    }

    /** A dense VGG (3×3 stride-1 convolutions) with Winograd forced on every convolution predicts like the uncompiled model, on 1 and 2 threads. */
    @Test void winogradConvolutionsGiveTheModelsResult() {
        Model m = zoo("vgg", Pruning.NONE, 13);
        try (Workers two = Workers.of(2)) {
            for (Workers w : List.of(Workers.single(), two)) {
                CompiledModel calibrated = CompiledModel.compile(m, quick(w, 1, 3).withAllowedKernels(Set.of()));
                CompiledModel cm = CompiledModel.compile(m, quick(w, 1, 3).withCachedChoices(forcedChoices(calibrated, Kernels.WINOGRAD, w.threads()))
                        .withAllowedKernels(Set.of(Kernels.WINOGRAD)).withCalibrationBudget(Duration.ZERO));
                long forced = cm.choices().stream().filter(c -> c.cached() && c.kernel().equals(Kernels.WINOGRAD)).count();
                assertTrue(forced >= 2 * 3, "every convolution at both batch sizes runs winograd: " + cm.describe());
                for (int n : new int[] {1, 3, 5}) checkAgainstModel(m, cm, n, 41 + n, "vgg winograd, threads " + w.threads());
            }
        }
    }

    private static String forcedChoices(CompiledModel cm, String kernel, int threads) {
        StringBuilder sb = new StringBuilder("{\"version\":1,\"threads\":" + threads + ",\"choices\":[");
        String sep = "";
        for (KernelChoice c : cm.choices()) {
            sb.append(sep).append("{\"layer\":\"").append(c.layer()).append("\",\"batch\":").append(c.batch())
                    .append(",\"kernel\":\"").append(kernel).append("\",\"nanos\":1,\"dense_nanos\":2}");
            sep = ",";
        }
        return sb.append("]}").toString();
    }

    @Test void multiThreadedPoolGivesTheSameLogits() {
        try (Workers two = Workers.of(2)) {
            for (String name : List.of("lenet300", "lenet5", "resnet8")) {
                Model m = zoo(name, Pruning.UNSTRUCTURED, 3);
                CompiledModel cm = CompiledModel.compile(m, quick(two, 1, 8));
                for (int n : new int[] {1, 2, 8, 11}) checkAgainstModel(m, cm, n, 40 + n, name + " 2 threads");
            }
        }
    }

    /** Convolutions grouped into one product, and one image per product split over threads, agree with the model. */
    @Test void groupedAndPerImageConvolutionsAgree() {
        Model m = zoo("resnet8", Pruning.UNSTRUCTURED, 17);
        int n = 5;
        Tensor x = Tensor.randomUniform(5, -1, 1, batchDims(n, m.inputShape()));
        Tensor expected = m.predict(x).copy();
        try (Workers two = Workers.of(2)) {
            for (int groupFloats : new int[] {0, ConvOp.GROUP_FLOATS}) {
                for (String kernel : runningHere(Kernels.DENSE, Kernels.CSR, Kernels.BITMAP)) {
                    Planner.Plan plan = Planner.plan(m, 1, groupFloats);
                    Workspace ws = new Workspace(plan.perSample(), two.threads());
                    ws.ensure(n);
                    ws.bindInput(x.toArray(), 0);
                    for (Op op : plan.ops()) {
                        if (op instanceof LinearOp l) l.kernels[0] = l.factory.build(kernel);
                        op.run(ws, n, 0, two);
                    }
                    float[] y = java.util.Arrays.copyOf(ws.bufs[plan.output()], expected.size());
                    TestNets.assertClose(expected, Tensor.wrap(y, n, 10), RTOL, kernel + " groupFloats " + groupFloats);
                }
            }
        }
    }

    @Test void unfoldableBatchNormAndLoneReluRun() {
        // BatchNorm after a ReLU cannot fold (it runs as a per-feature affine in the feature-major layout).
        Model m = new Model("mlp-bn", Shape.of(20), List.of(new Flatten("f"), new Dense("fc1", 20, 33), new ReLU("r1"),
                new BatchNorm("bn", 33), new Dropout("d", 0.5), new Dense("fc2", 33, 7), new ReLU("r2"), new ReLU("r3")));
        m.initialize(4);
        TestNets.randomizeBatchNorms(m, 5);
        m.useWorkers(Workers.single());
        CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 1, 5));
        for (int n : new int[] {1, 5, 70, 130}) checkAgainstModel(m, cm, n, n, "mlp-bn");
    }

    @Test void storedChoicesSkipCalibrationAndSurviveAModelFile(@TempDir Path dir) throws Exception {
        Model m = zoo("lenet5", Pruning.UNSTRUCTURED, 8);
        CompiledModel first = CompiledModel.compile(m, quick(Workers.single(), 1, 4));
        assertTrue(first.choices().stream().noneMatch(KernelChoice::cached));
        Path file = dir.resolve("m.safetensors");
        ModelFile.save(m, file, TrainingInfo.NONE, first.choicesMetadata());
        ModelFile.Loaded loaded = ModelFile.read(file);
        CompiledModel second = CompiledModel.compile(loaded.model(), quick(Workers.single(), 1, 4)
                .withCachedChoices(loaded.metadata().get(CompiledModel.KERNEL_CHOICE_KEY)));
        assertEquals(first.choices().size(), second.choices().size());
        for (int i = 0; i < first.choices().size(); i++) {
            KernelChoice a = first.choices().get(i), b = second.choices().get(i);
            assertTrue(b.cached());
            assertEquals(a.layer(), b.layer());
            assertEquals(a.kernel(), b.kernel());
            assertEquals(a.nanos(), b.nanos());
        }
        checkAgainstModel(loaded.model(), second, 4, 9, "cached");
        // Another thread count ignores the stored choices; another batch size calibrates that size.
        try (Workers two = Workers.of(2)) {
            CompiledModel other = CompiledModel.compile(m, quick(two, 1).withCachedChoices(first.choicesJson()));
            assertTrue(other.choices().stream().noneMatch(KernelChoice::cached));
        }
        CompiledModel more = CompiledModel.compile(m, quick(Workers.single(), 1, 16).withCachedChoices(first.choicesJson()));
        for (KernelChoice c : more.choices()) assertEquals(c.batch() == 1, c.cached(), c.toString());
    }

    /**
     * A layer whose weight has no zeros never gets a sparse format: only dense, and Winograd for a
     * convolution (im2col + GEMM and the sparse direct convolution are not timed either).
     */
    @Test void denseWeightsOnlyRunDenseKernels() {
        for (String name : List.of("lenet300", "lenet5")) {
            Model m = zoo(name, Pruning.NONE, 4);
            CompiledModel cm = CompiledModel.compile(m, CompileOptions.defaults().withWorkers(Workers.single())
                    .withCalibrationBudget(Duration.ofMillis(2)));
            assertEquals(List.of(1, 64), cm.choices().stream().map(KernelChoice::batch).distinct().toList(), "compile() tunes batch 1 and 64");
            for (KernelChoice c : cm.choices()) {
                assertTrue(Set.of(Kernels.DENSE, Kernels.WINOGRAD).containsAll(c.candidates().keySet()), name + ": " + c);
            }
        }
    }

    /**
     * A pruned layer times only the few formats estimated close to the best (each first has to be
     * JIT-compiled), and a pruned convolution no kernel over im2col patches.
     */
    @Test void prunedLayersTimeOnlyLikelyWinners() {
        Model m = zoo("lenet5", Pruning.UNSTRUCTURED, 14);
        CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 1, 8));
        Set<String> convolutionKernels = Set.of(Kernels.DENSE, Kernels.DIRECT, Kernels.WINOGRAD, Kernels.COMPACT, Kernels.INT8_CSR);
        for (KernelChoice c : cm.choices()) {
            assertTrue(c.candidates().containsKey(Kernels.DENSE), c.toString());
            if (c.layer().startsWith("conv")) assertTrue(convolutionKernels.containsAll(c.candidates().keySet()), c.toString());
            long sparse = c.candidates().keySet().stream().filter(k -> !convolutionKernels.contains(k)).count();
            assertTrue(sparse <= 4, "at most three estimated formats and one without an estimate: " + c);
            if (!c.layer().startsWith("conv")) assertTrue(sparse >= 2, "the two best estimated formats are timed: " + c);
        }
    }

    /** A layer with a single candidate is not timed unless asked: nothing to choose, and the timing would wait for the JIT. */
    @Test void loneKernelsAreTimedOnlyWhenAsked() {
        Model m = zoo("lenet300", Pruning.NONE, 5);
        CompileOptions o = CompileOptions.defaults().withWorkers(Workers.single()).withCalibrationBudget(Duration.ofMillis(2));
        for (KernelChoice c : CompiledModel.compile(m, o).choices()) {
            assertEquals(Kernels.DENSE, c.kernel(), c.toString());
            assertEquals(0, c.nanos(), c.toString());
            assertEquals(1.0, c.speedup(), c.toString());
        }
        CompiledModel untimed = CompiledModel.compile(m, o);
        for (KernelChoice c : CompiledModel.compile(m, o.withEveryLayerTimed(true)).choices()) {
            assertTrue(c.nanos() > 0 && c.nanos() == c.denseNanos(), c.toString());
        }
        // Untimed choices stored with a model do not stand in for the times a report asks for.
        for (KernelChoice c : CompiledModel.compile(m, o.withEveryLayerTimed(true).withCachedChoices(untimed.choicesJson())).choices()) {
            assertTrue(c.nanos() > 0 && !c.cached(), c.toString());
        }
    }

    /** Compiling the same weights twice in one JVM gives the same kernels, hence bit-identical logits. */
    @Test void compilingTwiceGivesTheSameKernelsAndIdenticalLogits() {
        Model m = zoo("lenet5", Pruning.UNSTRUCTURED, 9);
        CompileOptions o = CompileOptions.defaults().withWorkers(Workers.single()).withCalibrationBudget(Duration.ofMillis(2));
        CompiledModel a = CompiledModel.compile(m, o), b = CompiledModel.compile(m, o);
        assertEquals(a.choices().stream().map(KernelChoice::kernel).toList(), b.choices().stream().map(KernelChoice::kernel).toList());
        Tensor x = Tensor.randomUniform(3, -1, 1, batchDims(16, m.inputShape()));
        assertArrayEquals(a.predict(x).toArray(), b.predict(x).toArray());
    }

    @Test void choicesReportEveryLinearLayerPerBatchSize() {
        Model m = zoo("resnet8", Pruning.UNSTRUCTURED, 2);
        CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 1, 2));
        long layers = TestNets.linearLayers(m).size();
        assertEquals(2 * layers, cm.choices().size());
        for (KernelChoice c : cm.choices()) {
            assertTrue(c.candidates().containsKey(Kernels.DENSE));
            assertTrue(c.nanos() > 0 && c.denseNanos() > 0, c.toString());
            assertTrue(c.nanos() <= c.denseNanos(), c.toString());
            assertTrue(c.density() > 0.05 && c.density() < 0.15, c.toString());
        }
    }

    @Test void allowedKernelsRestrictTheChoice() {
        Model m = zoo("lenet300", Pruning.UNSTRUCTURED, 6);
        CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 1).withAllowedKernels(Set.of(Kernels.CSR)));
        for (KernelChoice c : cm.choices()) {
            assertTrue(Set.of(Kernels.DENSE, Kernels.CSR).containsAll(c.candidates().keySet()), c.toString());
        }
    }

    @Test void concurrentCallersGetTheSingleThreadResult() throws Exception {
        Model m = zoo("lenet5", Pruning.UNSTRUCTURED, 12);
        CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 1, 4));
        List<Tensor> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Tensor x = Tensor.randomUniform(i, -1, 1, batchDims(1 + i % 5, m.inputShape()));
            inputs.add(x);
            expected.add(cm.predict(x).toArray());
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> fs = new ArrayList<>();
            for (int rep = 0; rep < 6; rep++) {
                for (int i = 0; i < inputs.size(); i++) {
                    int k = i;
                    fs.add(pool.submit(() -> java.util.Arrays.equals(expected.get(k), cm.predict(inputs.get(k)).toArray())));
                }
            }
            for (var f : fs) assertTrue(f.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The compiled steps around the kernels (transposes, im2col, pooling, residual adds, unfused
     * ReLU/BatchNorm, workspace handling) allocate nothing once warm. (The matrix kernels of
     * tensor.sparse / Gemm are checked by their own module.)
     */
    @Test void warmStepsAllocateNothing() {
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        Model mlp = new Model("mlp-bn", Shape.of(20), List.of(new Flatten("f"), new Dense("fc1", 20, 33), new ReLU("r1"),
                new BatchNorm("bn", 33), new Dense("fc2", 33, 7), new ReLU("r2"), new ReLU("r3")));
        for (Model m : List.of(zoo("lenet5", Pruning.UNSTRUCTURED, 13), zoo("resnet8", Pruning.UNSTRUCTURED, 13), mlp.initialize(1))) {
            Planner.Plan plan = Planner.plan(m, 1);
            Workspace ws = new Workspace(plan.perSample(), 1);
            ws.ensure(4);
            ws.bindInput(Tensor.randomUniform(1, -1, 1, 4 * m.inputShape().size()).toArray(), 0);
            for (Op op : plan.ops()) {
                if (op instanceof LinearOp) {
                    ((LinearOp) op).kernels[0] = ((LinearOp) op).factory.build(Kernels.DENSE);
                    op.run(ws, 4, 0, Workers.single());
                    continue;
                }
                long bytes = Long.MAX_VALUE;
                // Interpreted code may allocate until compiled: warm up in rounds until a round is clean.
                for (int round = 0; round < 40 && bytes > 0; round++) {
                    long before = bean.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < 200; i++) op.run(ws, 1 + i % 4, 0, Workers.single());
                    bytes = bean.getThreadAllocatedBytes(tid) - before;
                }
                assertEquals(0, bytes, m.architecture() + " " + op.describe() + ": 200 warm calls allocated " + bytes + " bytes");
            }
        }
    }

    @Test void badInputIsRejectedWithAMessage() {
        Model m = zoo("lenet300", Pruning.NONE, 1);
        CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 1));
        var e = assertThrows(IllegalArgumentException.class, () -> cm.predict(new float[143]));
        assertTrue(e.getMessage().contains("144"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cm.predict(Tensor.zeros(2, 1, 12, 11)));
        assertThrows(IllegalArgumentException.class, () -> cm.predict(new float[144], 0, 2, new float[20], 0));
        assertThrows(IllegalArgumentException.class, () -> cm.predict(new float[2 * 144], 0, 2, new float[19], 0));
        assertThrows(IllegalArgumentException.class, () -> CompileOptions.defaults().withAllowedKernels(Set.of("magic")));
        assertThrows(IllegalArgumentException.class, () -> CompileOptions.defaults().withBatchSizes(0));
        for (String bad : List.of("{", "{\"version\":2,\"threads\":1,\"choices\":[]}", "{\"version\":1,\"threads\":1}",
                "{\"version\":1,\"threads\":1,\"choices\":[{\"layer\":\"fc1\"}]}",
                "{\"version\":1,\"threads\":1,\"choices\":[{\"layer\":\"fc1\",\"batch\":1,\"kernel\":\"x\",\"nanos\":1,\"dense_nanos\":1}]}")) {
            assertThrows(IllegalArgumentException.class, () -> CompiledModel.compile(m, quick(Workers.single(), 1).withCachedChoices(bad)), bad);
        }
        assertEquals(0, cm.predict(Tensor.zeros(0, 1, 12, 12)).size());
    }

    @Test void compiledModelIgnoresLaterChangesToTheModel() {
        Model m = zoo("lenet300", Pruning.UNSTRUCTURED, 14);
        CompiledModel cm = CompiledModel.compile(m, quick(Workers.single(), 1));
        Tensor x = Tensor.randomUniform(3, -1, 1, 2, 1, 12, 12);
        float[] before = cm.predict(x).toArray();
        for (var p : m.parameters()) p.value().fill(0.5f);
        assertTrue(java.util.Arrays.equals(before, cm.predict(x).toArray()));
    }

    /** The named kernels whose operations are SIMD instructions at this JVM's vector width (16-lane formats are not at 8 or 4 lanes). */
    private static List<String> runningHere(String... kernels) {
        return java.util.Arrays.stream(kernels)
                .filter(k -> !SparseFormats.names().contains(k) || SparseFormats.named(k).runsHere()).toList();
    }
}
