import dev.secateur.bench.models.BenchModels;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompiledModel;

/**
 * Wall time of a pruned model's first compile in this JVM ({@code CompiledModel.compile} with the
 * default options). Run with {@code -Dsecateur.kernel.cache=off} so that no stored choice is
 * replayed. Args: MODEL (lenet300, lenet5, vgg).
 */
public class FirstCompile {
    public static void main(String[] a) throws Exception {
        Model m = BenchModels.prepare(a[0], true).model();
        long t0 = System.nanoTime();
        CompiledModel.compile(m);
        System.out.printf("%s pruned: first compile %.1f s%n", a[0], (System.nanoTime() - t0) / 1e9);
    }
}
