package dev.secateur.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks our files against an independent reader of the published format
 * ({@code src/test/python/read_safetensors.py}: standard library, plus numpy or torch to decode
 * when present). Skipped where no {@code python3} is available.
 */
class PythonReaderTest {
    private static final String READER = PythonProcess.script("read_safetensors.py");

    @TempDir
    Path dir;

    /** A file with every dtype the writer offers, edge values, an empty tensor, a scalar and metadata. */
    static SafetensorsWriter sample() {
        Random r = new Random(11);
        float[] w = new float[37 * 5];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * (i % 3 == 0 ? 1e-20f : 3f);
        float[] half = new float[9];
        for (int i = 0; i < half.length; i++) half[i] = Float.float16ToFloat(Float.floatToFloat16((float) r.nextGaussian()));
        byte[] q = new byte[17];
        r.nextBytes(q);
        byte[] mask = new byte[31];
        for (int i = 0; i < mask.length; i++) mask[i] = (byte) (r.nextBoolean() ? 1 : 0);
        mask[0] = (byte) 255;
        short[] s = new short[6];
        for (int i = 0; i < s.length; i++) s[i] = (short) r.nextInt();
        return new SafetensorsWriter()
                .putF32("fc1.weight", new int[] {37, 5}, w)
                .putF32("fc1.bias", new int[] {5}, new float[] {0.5f, -1f, Float.MIN_VALUE, 3e38f, -0f})
                .putF32("scalar", new int[0], new float[] {42f})
                .putF32("empty", new int[] {0, 4}, new float[0])
                .putF16("half", new int[] {3, 3}, half)
                .putI8("q", new int[] {17}, q)
                .putU8("mask", new int[] {31}, mask)
                .putI16("s", new int[] {2, 3}, s)
                .putI32("csr.indices", new int[] {7}, r.ints(7).toArray())
                .putI64("big", new int[] {3}, new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 12345678901234L})
                .putMetadata("architecture", "{\"layers\":[\"dense\",\"relu\"]}")
                .putMetadata("note \u00e9", "line\nbreak");
    }

    /** The lines the Python scripts print for {@code f} (sorted by name), computed in Java. */
    static List<String> expectedLines(SafetensorsFile f) throws Exception {
        List<String> lines = new ArrayList<>();
        TreeMap<String, TensorInfo> byName = new TreeMap<>();
        f.tensors().forEach(t -> byName.put(t.name(), t));
        for (TensorInfo t : byName.values()) {
            byte[] raw = f.rawBytes(t.name());
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
            lines.add(t.name() + "\t" + t.dtype() + "\t" + Json.write(t.shape()) + "\t" + sha + "\t" + exactSum(f, t));
        }
        return lines;
    }

    /** The correctly rounded sum of the elements as doubles (what Python's math.fsum returns). */
    private static double exactSum(SafetensorsFile f, TensorInfo t) {
        BigDecimal sum = BigDecimal.ZERO;
        String n = t.name();
        switch (t.dtype()) {
            case F32 -> { for (float v : f.f32(n)) sum = sum.add(new BigDecimal(v)); }
            case F16 -> { for (float v : f.f16(n)) sum = sum.add(new BigDecimal(v)); }
            case I8 -> { for (byte v : f.i8(n)) sum = sum.add(BigDecimal.valueOf(v)); }
            case U8 -> { for (byte v : f.u8(n)) sum = sum.add(BigDecimal.valueOf(v & 0xFF)); }
            case I16 -> { for (short v : f.i16(n)) sum = sum.add(BigDecimal.valueOf(v)); }
            case I32 -> { for (int v : f.i32(n)) sum = sum.add(BigDecimal.valueOf(v)); }
            case I64 -> { for (long v : f.i64(n)) sum = sum.add(new BigDecimal((double) v)); }
            default -> throw new AssertionError(t.dtype());
        }
        return sum.doubleValue();
    }

    /** Compares a script's output with {@link #expectedLines} of the file as Java reads it. */
    static void assertSameListing(SafetensorsFile f, PythonProcess.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> got = new ArrayList<>(r.stdout().lines().toList());
        String metaLine = got.removeLast();
        List<String> want = expectedLines(f);
        assertEquals(want.size(), got.size(), r.stdout());
        for (int i = 0; i < want.size(); i++) {
            String[] w = want.get(i).split("\t");
            String[] g = got.get(i).split("\t");
            assertEquals(List.of(w).subList(0, 4), List.of(g).subList(0, 4), "name, dtype, shape, sha256");
            assertEquals(Double.parseDouble(w[4]), Double.parseDouble(g[4]), 0.0, "exact sum of " + w[0]);
        }
        assertTrue(metaLine.startsWith("__metadata__\t"), metaLine);
        assertEquals(f.metadata(), Json.parse(metaLine.substring("__metadata__\t".length())));
    }

    private void checkWith(String decoder, String... modules) throws Exception {
        Optional<String> python = PythonProcess.interpreterWith(modules);
        assumeTrue(python.isPresent(), "no python3 with " + List.of(modules));
        Path file = dir.resolve("sample.safetensors");
        sample().write(file);
        PythonProcess.Result r = PythonProcess.run(python.get(), READER, file.toString(), "--decoder", decoder);
        assertTrue(r.stderr().contains("decoder: " + decoder), r.stderr());
        assertSameListing(SafetensorsFile.read(file), r);
    }

    @Test
    void independentStdlibReaderAgreesOnEveryTensor() throws Exception {
        checkWith("struct");
    }

    @Test
    void independentNumpyReaderAgreesWhenNumpyIsInstalled() throws Exception {
        checkWith("numpy", "numpy");
    }

    @Test
    void torchFrombufferAgreesWhenTorchIsInstalled() throws Exception {
        checkWith("torch", "torch", "numpy");
    }

    @Test
    void independentReaderAlsoRejectsWhatWeReject() throws Exception {
        Optional<String> python = PythonProcess.interpreterWith();
        assumeTrue(python.isPresent(), "no python3");
        for (byte[] bytes : MalformedSamples.all()) {
            Path file = dir.resolve("bad.safetensors");
            Files.write(file, bytes);
            PythonProcess.Result r = PythonProcess.run(python.get(), READER, file.toString(), "--decoder", "struct");
            assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
            assertTrue(r.stderr().startsWith("invalid:"), r.stderr());
            assertThrows(ModelFormatException.class, () -> SafetensorsFile.read(file));
        }
    }
}
