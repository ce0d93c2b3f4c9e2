import dev.secateur.datasets.Dataset;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.optim.LearningRateSchedule;
import dev.secateur.nn.optim.Sgd;
import dev.secateur.nn.train.Trainer;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Workers;

/**
 * Seconds per LeNet-5 training epoch with the Trainer (same recipe as `secateur train --model
 * lenet5`), timing BATCHES batches after a warm-up pass and extrapolating to 60,000 images, the
 * same method as `lenet5_torch.py --max-batches BATCHES` (BATCHES >= 938 times whole epochs). Also
 * prints the CPU seconds of the whole process (all threads, JIT and GC included), which a loaded
 * machine distorts less than wall time.
 *
 * Usage: java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *            bench/scripts/Lenet5Timing.java [BATCHES=150] [THREADS=2] [REPEATS=3] [MODEL=lenet5]
 * (MODEL: any zoo name for Fashion-MNIST's input, e.g. vgg or resnet8.)
 */
public class Lenet5Timing {
    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        TrainTest tt = FashionMnist.load((java.nio.file.Path) null);
        System.out.println("data: " + tt.source());
        Dataset part = (long) batches * 64 >= tt.train().size() ? tt.train() : tt.train().subset(0, batches * 64);
        int timed = (part.size() + 63) / 64;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Model m = Models.byName(args.length > 3 ? args[3] : "lenet5", Models.FASHION_MNIST, 1);
        try (Workers w = Workers.of(threads)) {
            new Trainer(m, new Sgd(0.05, 0.9, 5e-4, true), LearningRateSchedule.constant(0.05), 1, 64, 1).workers(w)
                    .fit(tt.train().subset(0, 20 * 64), null); // warm-up (JIT)
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
                new Trainer(m, new Sgd(0.05, 0.9, 5e-4, true), LearningRateSchedule.constant(0.05), 1, 64, r).workers(w).fit(part, null);
                double s = (System.nanoTime() - t0) / 1e9, cpu = (os.getProcessCpuTime() - c0) / 1e9;
                System.out.printf("repeat %d: %.3f s for %d batches -> %.2f s/epoch, %.2f CPU s/epoch (extrapolated to 938 batches), %d threads%n",
                        r + 1, s, timed, s * 938 / timed, cpu * 938 / timed, threads);
            }
        }
    }
}
