// Scratch harness (JAVA_FLAGS="-Xss4m -XX:+UseParallelGC -Dsecateur.kernel.cache=off -Dsecateur.tune.trace=true"
// bench/scripts/harness/run.sh PanelFault [MODEL]): the order of the ONNX Runtime comparison without ONNX Runtime
// (dense batch 1 and 64, pruned batch 1 and 64, each compiled and run ~1.5 s), then the pruned model
// at batch 64 with only panel CSR allowed, timed; when its time per call is far above the tuned
// one, a JFR sample of it prints where the time goes (top frame <- nearest Secateur frame).
import dev.secateur.bench.models.BenchModels;
import dev.secateur.bench.models.SingleThreadEngines;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

public class PanelFault {
    public static void main(String[] a) throws Exception {
        String name = a.length > 0 ? a[0] : "lenet300";
        System.setProperty("secateur.models", System.getProperty("secateur.models", "models"));
        Model dense = BenchModels.prepare(name, false).model(), pruned = BenchModels.prepare(name, true).model();
        dense.useWorkers(Workers.single());
        pruned.useWorkers(Workers.single());
        run(dense, 1);
        run(dense, 64);
        run(pruned, 1);
        run(pruned, 64);
        CompiledModel forced = SingleThreadEngines.compile(pruned, 64, o -> o.withAllowedKernels(Set.of("pcsr")));
        System.out.println("forced: " + forced.choices().stream().map(c -> c.layer() + "=" + c.kernel() + ":" + c.nanos() / 1000 + "us").toList());
        float[] x = Tensor.randomUniform(1, 0, 1, 64 * pruned.inputShape().size()).toArray();
        float[] y = new float[64 * pruned.outputShape().size()];
        for (int i = 0; i < 3; i++) System.out.printf("forced pcsr model: %.1f us per call%n", perCall(forced, x, y, 64, 500_000_000L));
        Path file = Files.createTempFile("panel", ".jfr");
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
            r.start();
            perCall(forced, x, y, 64, 2_000_000_000L);
            r.stop();
            r.dump(file);
        }
        Map<String, Integer> where = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
            var frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) continue;
            total++;
            String caller = "";
            for (RecordedFrame f : frames) if (f.getMethod().getType().getName().startsWith("dev.secateur.")) { caller = frame(f); break; }
            where.merge(frame(frames.get(0)) + "  <-  " + caller, 1, Integer::sum);
        }
        Files.deleteIfExists(file);
        System.out.println(total + " samples");
        where.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
                .forEach(en -> System.out.printf("%6d  %s%n", en.getValue(), en.getKey()));
    }

    private static String frame(RecordedFrame f) {
        String cls = f.getMethod().getType().getName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber() + " [" + f.getType() + "]";
    }

    private static void run(Model m, int batch) {
        CompiledModel c = SingleThreadEngines.compile(m, batch);
        float[] x = Tensor.randomUniform(1, 0, 1, batch * m.inputShape().size()).toArray();
        float[] y = new float[batch * m.outputShape().size()];
        double us = perCall(c, x, y, batch, 1_500_000_000L);
        System.out.printf("batch %d: %s  %.1f us per call%n", batch, c.choices().stream().map(k -> k.layer() + "=" + k.kernel()).toList(), us);
    }

    private static double perCall(CompiledModel c, float[] x, float[] y, int batch, long nanos) {
        long t0 = System.nanoTime(), calls = 0;
        while (System.nanoTime() - t0 < nanos) { c.predict(x, 0, batch, y, 0); calls++; }
        return (System.nanoTime() - t0) / 1e3 / calls;
    }
}
