package dev.secateur.bench.onnx;

import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Broken ONNX files made from the committed fixtures (bit flips, overwritten varints, truncation,
 * inserted bytes): each either imports and predicts, or is refused with a {@link ModelFormatException}
 * — never another exception, an out-of-memory error or a hang.
 */
class OnnxMutationTest {
    private static final String[] FIXTURES = {"lenet5.onnx", "resnet.onnx"};

    record Mutation(int fixture, int kind, long seed) {}

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, FIXTURES.length - 1), Arbitraries.integers().between(0, 3),
                Arbitraries.longs()).as(Mutation::new);
    }

    @Property(tries = 300)
    void everyMutatedFileImportsOrIsRefusedCleanly(@ForAll("mutations") Mutation m) throws Exception {
        Path file = fixture(FIXTURES[m.fixture()]);
        byte[] bytes = mutate(Files.readAllBytes(file), m.kind(), new Random(m.seed()));
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            try {
                OnnxImporter.Imported imported = OnnxImporter.convert(OnnxFile.parse(bytes, "mutated.onnx", file.getParent()));
                int[] sample = imported.model().inputShape().toArray();
                int[] dims = new int[sample.length + 1];
                dims[0] = 1;
                System.arraycopy(sample, 0, dims, 1, sample.length);
                Tensor x = Tensor.zeros(dims);
                Random r = new Random(m.seed());
                for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextGaussian();
                imported.model().predict(x);
            } catch (ModelFormatException expected) {
                // the documented refusal
            }
        });
    }

    private static byte[] mutate(byte[] b, int kind, Random r) {
        switch (kind) {
            case 0 -> { // flip a few bits, mostly in the graph structure near the start
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    int at = r.nextBoolean() ? r.nextInt(Math.min(b.length, 4096)) : r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 1 -> { // overwrite a byte with a large varint continuation (huge lengths and counts)
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) b[r.nextInt(b.length)] = (byte) (0x80 | r.nextInt(128));
                return b;
            }
            case 2 -> { // truncate
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            default -> { // insert random bytes
                int at = r.nextInt(b.length), n = 1 + r.nextInt(16);
                byte[] out = new byte[b.length + n];
                System.arraycopy(b, 0, out, 0, at);
                for (int i = 0; i < n; i++) out[at + i] = (byte) r.nextInt(256);
                System.arraycopy(b, at, out, at + n, b.length - at);
                return out;
            }
        }
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(OnnxMutationTest.class.getResource("/onnx/" + name).toURI());
    }
}
