import dev.secateur.datasets.Dataset;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.optim.LearningRateSchedule;
import dev.secateur.nn.optim.Sgd;
import dev.secateur.nn.train.ProgressListener;
import dev.secateur.nn.train.Trainer;
import dev.secateur.nn.train.TrainingProgress;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Workers;
import java.lang.management.ManagementFactory;

/**
 * Heap bytes allocated per training step once the JIT has settled (run.sh TrainAlloc [MODEL=lenet5]
 * [THREADS=2] [ROUNDS=6]): each round trains 400 batches of 64 Fashion-MNIST images with the
 * Trainer and reports the bytes all threads allocated between its batches 100 and 400, per batch.
 * The first rounds include the vector code's warm-up (boxed vectors until C2 compiles a kernel).
 */
public class TrainAlloc {
    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "lenet5";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TrainTest data = FashionMnist.load((java.nio.file.Path) null);
        Dataset part = data.train().subset(0, 400 * 64);
        Model model = Models.byName(name, Models.FASHION_MNIST, 1);
        try (Workers workers = Workers.of(threads)) {
            for (int round = 1; round <= rounds; round++) {
                long[] at = new long[401]; // batches are counted from 1
                ProgressListener probe = new ProgressListener() {
                    @Override public void onBatch(TrainingProgress p) { at[p.batch()] = bean.getTotalThreadAllocatedBytes(); }
                };
                new Trainer(model, new Sgd(0.05, 0.9, 5e-4, true), LearningRateSchedule.constant(0.05), 1, 64, round)
                        .workers(workers).listener(probe).fit(part, null);
                System.out.printf("%s, %d threads, round %d: %,d bytes per batch (batches 101-400)%n",
                        name, threads, round, (at[400] - at[100]) / 300);
            }
        }
    }
}
