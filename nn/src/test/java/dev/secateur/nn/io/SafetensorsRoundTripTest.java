package dev.secateur.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

    /** A random tensor of one dtype, produced from a seed so that it can be re-added in any order. */
    record Spec(String name, Dtype dtype, int[] shape, long seed) {
        int count() { return Shape.of(shape).size(); }

        void addTo(SafetensorsWriter w) {
            Random r = new Random(seed);
            int n = count();
            switch (dtype) {
                case F32 -> {
                    float[] a = new float[n];
                    for (int i = 0; i < n; i++) a[i] = i % 7 == 3 ? Float.intBitsToFloat(r.nextInt()) : (float) r.nextGaussian();
                    w.putF32(name, shape, a);
                }
                case F16 -> {
                    float[] a = new float[n];
                    for (int i = 0; i < n; i++) a[i] = Float.float16ToFloat((short) r.nextInt());
                    w.putF16(name, shape, a);
                }
                case I8, U8 -> {
                    byte[] a = new byte[n];
                    r.nextBytes(a);
                    if (dtype == Dtype.I8) w.putI8(name, shape, a); else w.putU8(name, shape, a);
                }
                case I16 -> {
                    short[] a = new short[n];
                    for (int i = 0; i < n; i++) a[i] = (short) r.nextInt();
                    w.putI16(name, shape, a);
                }
                case I32 -> w.putI32(name, shape, r.ints(n).toArray());
                case I64 -> w.putI64(name, shape, r.longs(n).toArray());
                default -> throw new AssertionError(dtype);
            }
        }

        /** Checks the file's copy against a fresh writer-side regeneration. */
        void check(SafetensorsFile f) {
            TensorInfo info = f.info(name);
            assertEquals(dtype, info.dtype());
            assertArrayEquals(shape, info.shape());
            assertEquals((long) count() * dtype.bytes(), info.byteLength());
            SafetensorsWriter single = new SafetensorsWriter();
            addTo(single);
            SafetensorsFile expected = SafetensorsFile.parse(single.toBytes(), "expected");
            assertArrayEquals(expected.rawBytes(name), f.rawBytes(name));
            switch (dtype) {
                case F32 -> assertArrayEquals(expected.f32(name), f.f32(name));
                case F16 -> assertArrayEquals(expected.f16(name), f.f16(name));
                case I8 -> assertArrayEquals(expected.i8(name), f.i8(name));
                case U8 -> assertArrayEquals(expected.u8(name), f.u8(name));
                case I16 -> assertArrayEquals(expected.i16(name), f.i16(name));
                case I32 -> assertArrayEquals(expected.i32(name), f.i32(name));
                case I64 -> assertArrayEquals(expected.i64(name), f.i64(name));
                default -> throw new AssertionError(dtype);
            }
        }
    }

    @Property(tries = 80)
    void randomTensorsOfEveryDtypeRoundTripWithMetadata(@ForAll("specs") List<Spec> specs,
                                                       @ForAll("metadata") Map<String, String> metadata) {
        SafetensorsWriter w = new SafetensorsWriter().metadata(metadata);
        specs.forEach(s -> s.addTo(w));
        SafetensorsFile f = SafetensorsFile.parse(w.toBytes(), "mem");
        assertEquals(specs.size(), f.names().size());
        specs.forEach(s -> s.check(f));
        assertEquals(new TreeMap<>(metadata), new TreeMap<>(f.metadata()));
    }

    @Property(tries = 60)
    void bytesDependOnContentNotOnInsertionOrder(@ForAll("specs") List<Spec> specs, @ForAll long shuffleSeed) {
        SafetensorsWriter a = new SafetensorsWriter().putMetadata("k", "v").putMetadata("a", "b");
        specs.forEach(s -> s.addTo(a));
        List<Spec> shuffled = new ArrayList<>(specs);
        Collections.shuffle(shuffled, new Random(shuffleSeed));
        SafetensorsWriter b = new SafetensorsWriter().putMetadata("a", "b");
        shuffled.forEach(s -> s.addTo(b));
        b.putMetadata("k", "v");
        assertArrayEquals(a.toBytes(), b.toBytes());
    }

    @Property(tries = 60)
    void headerIsPaddedTo8BytesAndEveryTensorIsAlignedToItsElementSize(@ForAll("specs") List<Spec> specs) {
        SafetensorsWriter w = new SafetensorsWriter();
        specs.forEach(s -> s.addTo(w));
        byte[] bytes = w.toBytes();
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.matches("(?s)\\{.*\\} *"), "padding is trailing spaces only: " + header);
        for (TensorInfo t : SafetensorsFile.parse(bytes, "mem").tensors()) {
            assertEquals(0, (8 + n + t.begin()) % t.dtype().bytes(), t.toString());
        }
    }

    @Test
    void emptyScalarAndEmptyFileCases() {
        SafetensorsWriter w = new SafetensorsWriter()
                .putF32("scalar", new int[0], new float[] {2.5f})
                .putF32("empty", new int[] {0, 3}, new float[0])
                .putI32("empty_idx", new int[] {0}, new int[0])
                .putU8("mask", new int[] {3}, new byte[] {0, 1, (byte) 255});
        SafetensorsFile f = SafetensorsFile.parse(w.toBytes(), "mem");
        assertArrayEquals(new float[] {2.5f}, f.f32("scalar"));
        assertArrayEquals(new int[0], f.info("scalar").shape());
        assertEquals(0, f.f32("empty").length);
        assertArrayEquals(new int[] {0, 3}, f.info("empty").shape());
        assertEquals(0, f.i32("empty_idx").length);
        assertEquals(255, f.u8("mask")[2] & 0xFF);

        SafetensorsFile none = SafetensorsFile.parse(new SafetensorsWriter().toBytes(), "mem");
        assertEquals(List.of(), none.names());
        assertEquals(Map.of(), none.metadata());
    }

    @Test
    void tensorViewsAreSavedAsTheirOwnWindowAndReadBackAsTensors(@TempDir Path dir) throws Exception {
        Tensor big = Tensor.randomUniform(7, -1, 1, 4, 3);
        Tensor rows = big.slice(1, 3);
        Path file = dir.resolve("m.safetensors");
        new SafetensorsWriter().put("w", rows).putMetadata("arch", "{\"layers\":[]}").write(file);
        SafetensorsFile f = SafetensorsFile.read(file);
        Tensor back = f.tensor("w");
        assertEquals(rows.shape(), back.shape());
        assertArrayEquals(rows.toArray(), back.toArray());
        assertEquals("{\"layers\":[]}", f.metadata("arch"));
        assertEquals(file.toString(), f.source());
    }

    @Test
    void streamsAndByteArraysReadLikeFiles(@TempDir Path dir) throws Exception {
        SafetensorsWriter w = new SafetensorsWriter().putI32("i", new int[] {2}, new int[] {-1, 7}).putMetadata("k", "v");
        byte[] bytes = w.toBytes();
        SafetensorsFile fromStream = SafetensorsFile.read(new java.io.ByteArrayInputStream(bytes), "resource:m");
        assertArrayEquals(new int[] {-1, 7}, fromStream.i32("i"));
        assertEquals("resource:m", fromStream.source());
        SafetensorsFile fromArray = SafetensorsFile.parse(bytes, "array");
        java.util.Arrays.fill(bytes, (byte) 0);
        assertArrayEquals(new int[] {-1, 7}, fromArray.i32("i"), "parse keeps its own copy");
        assertEquals(Map.of("k", "v"), fromArray.metadata());
    }

    @Test
    void writerCopiesDataAtPutTime() {
        float[] a = {1, 2, 3};
        SafetensorsWriter w = new SafetensorsWriter().putF32("a", new int[] {3}, a);
        a[0] = 99;
        assertArrayEquals(new float[] {1, 2, 3}, SafetensorsFile.parse(w.toBytes(), "mem").f32("a"));
    }

    @Test
    void knownLayoutMatchesTheSpecificationByteForByte() {
        byte[] bytes = new SafetensorsWriter().putF32("a", new int[] {2}, new float[] {1f, -2f}).putI8("b", new int[] {1}, new byte[] {-1})
                .putMetadata("format", "pt").toBytes();
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[8,9]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer expected = ByteBuffer.allocate(8 + padded + 9).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(padded).put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.US_ASCII));
        expected.putFloat(1f).putFloat(-2f).put((byte) -1);
        assertArrayEquals(expected.array(), bytes);
    }

    @Test
    void sameContentWrittenTwiceGivesIdenticalFiles(@TempDir Path dir) throws Exception {
        SafetensorsWriter w = new SafetensorsWriter().putF32("x", new int[] {2, 2}, new float[] {1, 2, 3, 4}).putMetadata("m", "1");
        w.write(dir.resolve("a.safetensors"));
        w.write(dir.resolve("b.safetensors"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.safetensors")), Files.readAllBytes(dir.resolve("b.safetensors")));
        assertTrue(Files.size(dir.resolve("a.safetensors")) > 16);
    }

    @Provide
    Arbitrary<List<Spec>> specs() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 5).array(int[].class).ofMaxSize(3);
        Arbitrary<Dtype> dtypes = Arbitraries.of(Dtype.F32, Dtype.F16, Dtype.I8, Dtype.U8, Dtype.I16, Dtype.I32, Dtype.I64);
        Arbitrary<Spec> one = net.jqwik.api.Combinators.combine(dtypes, shapes, Arbitraries.longs())
                .as((d, s, seed) -> new Spec("", d, s, seed));
        return one.list().ofMaxSize(6).map(list -> {
            List<Spec> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Spec s = list.get(i);
                named.add(new Spec("layer" + i + ".t\u00e9\"" + s.dtype(), s.dtype(), s.shape(), s.seed()));
            }
            return named;
        });
    }

    @Provide
    Arbitrary<Map<String, String>> metadata() {
        return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(8), Arbitraries.strings().ofMaxLength(20))
                .ofMaxSize(4);
    }
}
