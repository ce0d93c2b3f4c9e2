// Scratch harness (bench/scripts/harness/run.sh VectorFallbacks [MODEL[:dense|:blocked] [BATCH [SECONDS]]]): a
// compiled model (as in the ONNX Runtime comparison) run under a JFR execution-sample recording
// after its compile and two seconds of calls; prints where the samples fall: the top frame (with line, and whether it ran
// inlined, as its own compiled method or interpreted) and the nearest Secateur method below it.
// Vector API methods left as calls (boxed vectors) and interpreted frames are marked FALLBACK;
// library code that C2 compiled but did not turn into vector instructions (a mask built lane by
// lane, say) shows as a JDK top frame, with its line, under a kernel. Run it with the flags of
// the JVM in question, e.g. JAVA_FLAGS="-Xss4m -XX:+UseParallelGC".
import dev.secateur.bench.models.BenchModels;
import dev.secateur.bench.models.SingleThreadEngines;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

public class VectorFallbacks {
    public static void main(String[] a) throws Exception {
        String spec = a.length > 0 ? a[0] : "lenet5";
        int batch = a.length > 1 ? Integer.parseInt(a[1]) : 64, seconds = a.length > 2 ? Integer.parseInt(a[2]) : 5;
        String name = spec.split(":")[0], kind = spec.contains(":") ? spec.split(":")[1] : "pruned";
        var model = switch (kind) {
            case "dense" -> BenchModels.prepare(name, false).model();
            case "blocked" -> BenchModels.prepareBlockPruned(name).model();
            default -> BenchModels.prepare(name, true).model();
        };
        model.useWorkers(Workers.single());
        var compiled = SingleThreadEngines.compile(model, batch);
        System.out.println("kernels: " + compiled.choices().stream().map(c -> c.layer() + "=" + c.kernel()).toList());
        float[] x = Tensor.randomUniform(1, 0, 1, batch * model.inputShape().size()).toArray();
        float[] y = new float[batch * model.outputShape().size()];
        // Layers with a single candidate (all of a dense model's) are not timed by the compile, so
        // their code meets the JIT only now: run two seconds first, or the samples show warm-up.
        for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; ) compiled.predict(x, 0, batch, y, 0);
        Path file = Files.createTempFile("fallbacks", ".jfr");
        long calls = 0;
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5));
            r.start();
            long end = System.nanoTime() + seconds * 1_000_000_000L, t0 = System.nanoTime();
            while (System.nanoTime() < end) { compiled.predict(x, 0, batch, y, 0); calls++; }
            System.out.printf("%.1f us per call over %d calls%n", (System.nanoTime() - t0) / 1e3 / calls, calls);
            r.stop();
            r.dump(file);
        }
        int total = 0, flagged = 0;
        Map<String, Integer> where = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) continue;
            total++;
            RecordedFrame top = frames.get(0);
            String caller = "(no Secateur frame)";
            boolean fallback = false;
            for (RecordedFrame f : frames) {
                String cls = f.getMethod().getType().getName();
                if (cls.startsWith("dev.secateur.")) {
                    caller = name(f);
                    fallback |= f.getType().equals("Interpreted");
                    break;
                }
                boolean vectorApi = cls.startsWith("jdk.incubator.vector.") || cls.startsWith("jdk.internal.vm.vector.");
                fallback |= vectorApi && !f.getType().equals("Inlined");
            }
            if (fallback) flagged++;
            where.merge((fallback ? "FALLBACK " : "") + name(top) + " [" + top.getType() + "]  <-  " + caller, 1, Integer::sum);
        }
        Files.deleteIfExists(file);
        System.out.printf("%d of %d samples (%.1f%%) in Vector API methods left as calls, or interpreted%n", flagged, total, 100.0 * flagged / Math.max(1, total));
        System.out.println("samples  top frame [how it ran]  <-  nearest Secateur method");
        where.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(en -> System.out.printf("%6d  %s%n", en.getValue(), en.getKey()));
    }

    private static String name(RecordedFrame f) {
        String cls = f.getMethod().getType().getName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }
}
