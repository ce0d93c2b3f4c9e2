import dev.secateur.tensor.Workers;

/**
 * How soon a two-thread pool's worker joins a call (run.sh WorkerPickup GAP_US TASK_US): 3,000 calls
 * of two tasks that each busy-wait TASK_US, the caller busy for GAP_US between calls (an idle worker
 * spins for 50 µs, then parks). Prints the call time and, for the calls the worker took part in,
 * how long after the call began its task started (percentiles).
 */
public class WorkerPickup {
    static void busy(long ns) {
        long end = System.nanoTime() + ns;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    public static void main(String[] args) {
        long gap = Long.parseLong(args[0]) * 1000, work = Long.parseLong(args[1]) * 1000;
        int calls = 3000;
        long[] pickup = new long[calls], call = new long[calls];
        try (Workers workers = Workers.of(2)) {
            for (int c = 0; c < calls; c++) {
                busy(gap);
                Thread caller = Thread.currentThread();
                long t0 = System.nanoTime();
                long[] start = {-1};
                workers.forEach(2, t -> {
                    if (Thread.currentThread() != caller) start[0] = System.nanoTime() - t0;
                    busy(work);
                });
                call[c] = System.nanoTime() - t0;
                pickup[c] = start[0];
            }
        }
        java.util.Arrays.sort(call);
        long[] p = java.util.Arrays.stream(pickup).filter(v -> v >= 0).sorted().toArray();
        System.out.printf("gap %d us, tasks %d us: call p10/p50/p90 %.1f / %.1f / %.1f us; worker took part in %d%% of calls, "
                        + "starting after p10/p50/p90 %.1f / %.1f / %.1f us%n",
                gap / 1000, work / 1000, call[calls / 10] / 1e3, call[calls / 2] / 1e3, call[calls * 9 / 10] / 1e3,
                p.length * 100 / calls, at(p, 0.1), at(p, 0.5), at(p, 0.9));
    }

    private static double at(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[(int) (sorted.length * q)] / 1e3;
    }
}
