package dev.secateur.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Back-to-back multi-threaded SGEMM calls from several threads sharing one pool: products of many
 * stages (several K blocks and row chunks, so packing items of the next stage interleave with the
 * kernel items of the current one), each checked bit for bit against the single-threaded result.
 * A call that does not return within {@link #CALL_LIMIT_SECONDS} fails the test with every thread's
 * stack instead of hanging the build. Runs for {@code -Dsecateur.stress.seconds} (default 4).
 */
class SgemmStressTest {
    private static final double SECONDS = Double.parseDouble(System.getProperty("secateur.stress.seconds", "4"));
    private static final long CALL_LIMIT_SECONDS = 30;
    private static final int CALLERS = 2;
    /** m, n, k: 2100 rows span two row chunks, k = 600 three K blocks. */
    private static final int[][] SHAPES = {{2100, 300, 600}, {700, 530, 900}, {260, 1100, 600}};

    @Test
    void concurrentCallsOnOnePoolMatchTheSingleThreadedResult() throws Exception {
        List<float[][]> cases = new ArrayList<>();   // per shape and transposition: a, b, c0, expected
        for (int s = 0; s < SHAPES.length; s++) {
            for (int t = 0; t < 4; t++) {
                int m = SHAPES[s][0], n = SHAPES[s][1], k = SHAPES[s][2];
                float[] a = GemmTest.random(m * k, 100 + 4 * s + t), b = GemmTest.random(k * n, 200 + 4 * s + t);
                float[] c0 = GemmTest.random(m * n, 300 + 4 * s + t), expected = c0.clone();
                call(Workers.single(), s, t, a, b, expected);
                cases.add(new float[][] {a, b, c0, expected});
            }
        }
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS, r -> {
            Thread th = new Thread(r, "sgemm-stress-caller");
            th.setDaemon(true);   // a hung caller must not keep the test JVM alive
            return th;
        });
        long deadline = System.nanoTime() + (long) (SECONDS * 1e9);
        try (Workers pool = Workers.of(3)) {
            List<Future<Integer>> running = new ArrayList<>();
            for (int id = 0; id < CALLERS; id++) {
                SplittableRandom rnd = new SplittableRandom(id);
                running.add(callers.submit(() -> {
                    int calls = 0;
                    do {
                        int c = rnd.nextInt(cases.size());
                        float[][] f = cases.get(c);
                        float[] out = f[2].clone();
                        call(pool, c / 4, c % 4, f[0], f[1], out);
                        assertArrayEquals(f[3], out, "shape " + c / 4 + ", transposition " + c % 4 + ", call " + calls);
                        calls++;
                    } while (System.nanoTime() < deadline);
                    return calls;
                }));
            }
            long limit = (long) (SECONDS + CALL_LIMIT_SECONDS);
            for (Future<Integer> f : running) {
                try {
                    f.get(limit, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("an SGEMM call on a shared 3-thread pool has not returned\n" + threadDump());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AssertionError ae ? ae : new AssertionError(e.getCause());
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static void call(Workers w, int shape, int t, float[] a, float[] b, float[] c) {
        int m = SHAPES[shape][0], n = SHAPES[shape][1], k = SHAPES[shape][2];
        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
        Gemm.sgemm(w, ta, tb, m, n, k, 0.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.25f, c, 0, n);
    }

    private static String threadDump() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, frames) -> {
            sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement f : frames) sb.append("    at ").append(f).append('\n');
        });
        return sb.toString();
    }
}
