import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The batch-1 slot loop of the 16-lane windowed SELL ({@code wsell16}: 64-column windows, 16 rows
 * per slice, per slot 16 values and 16 byte positions) and variants of it, on synthetic slots,
 * alternating in one JVM (each variant on arrays of its own), median µs per product. 512-bit only.
 *   WindowSlots ROWS COLS WIDTH VARIANTS [CALLS]
 * WIDTH: slots per (slice, window); a negative -D gives each window the longest of 16 lanes of a
 * random mask of density D/1000 (-100: 90% sparsity, as a random 4096² matrix at 90%).
 * VARIANTS (comma list):
 *   0 the library's loop: positions widened byte→int, two two-register permutes and a blend
 *   1 one two-register permute (32-column windows)      2 no permute (positions added to x)
 *   3 values and FMA only (no positions, no permute)     5 the upper half's positions negative,
 *     picked by the sign                                  6 positions stored as ints
 *   7 positions and values in one int stream (4 slots of positions, then their values)
 *   8 variant 0 plus a scalar load of each stream -Dahead=32 slots ahead (software prefetch)
 * The cache or memory rate the slot loops compare with: {@code run.sh LoadWidths MIB}.
 */
public class WindowSlots {
    static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    static final VectorSpecies<Integer> I4 = IntVector.SPECIES_128;
    static final int AHEAD = Integer.getInteger("ahead", 32);
    static int[] slotPtr;
    static int touched;

    /** One method per variant, so that each compiles on its own as a kernel would. */
    static float run(int variant, float[] v, byte[] p, int[] pi, int[] packed, int slices, int nw, float[] x, float[] y) {
        return switch (variant) {
            case 0 -> v0(v, p, slices, nw, x, y);
            case 1 -> v1(v, p, slices, nw, x, y);
            case 2 -> v2(v, p, slices, nw, x, y);
            case 3 -> v3(v, slices, nw, x, y);
            case 5 -> v5(v, p, slices, nw, x, y);
            case 6 -> v6(v, pi, slices, nw, x, y);
            case 7 -> v7(packed, slices, nw, x, y);
            default -> v8(v, p, slices, nw, x, y);
        };
    }

    static float v0(float[] v, byte[] p, int slices, int nw, float[] x, float[] y) {
        for (int s = 0; s < slices; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = slotPtr[s * nw + w], e = slotPtr[s * nw + w + 1];
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
        return y[0];
    }

    static float v1(float[] v, byte[] p, int slices, int nw, float[] x, float[] y) {
        for (int s = 0; s < slices; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = slotPtr[s * nw + w], e = slotPtr[s * nw + w + 1];
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(idx.selectFrom(x0, x1).reinterpretAsFloats(), a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
        return y[0];
    }

    static float v2(float[] v, byte[] p, int slices, int nw, float[] x, float[] y) {
        for (int s = 0; s < slices; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = slotPtr[s * nw + w], e = slotPtr[s * nw + w + 1];
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(idx.add(x0).reinterpretAsFloats(), a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
        return y[0];
    }

    static float v3(float[] v, int slices, int nw, float[] x, float[] y) {
        for (int s = 0; s < slices; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = slotPtr[s * nw + w], e = slotPtr[s * nw + w + 1];
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(x0.reinterpretAsFloats(), a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
        return y[0];
    }

    static float v5(float[] v, byte[] p, int slices, int nw, float[] x, float[] y) {
        for (int s = 0; s < slices; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = slotPtr[s * nw + w], e = slotPtr[s * nw + w + 1];
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.LT, 0)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
        return y[0];
    }

    static float v6(float[] v, int[] pi, int slices, int nw, float[] x, float[] y) {
        for (int s = 0; s < slices; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = slotPtr[s * nw + w], e = slotPtr[s * nw + w + 1];
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    IntVector idx = IntVector.fromArray(I16, pi, t * 16);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.LT, 0)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
        return y[0];
    }

    static float v7(int[] packed, int slices, int nw, float[] x, float[] y) {
        for (int s = 0; s < slices; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = slotPtr[s * nw + w], e = slotPtr[s * nw + w + 1];
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    int g = (t >> 2) * 80, j = t & 3;
                    IntVector idx = (IntVector) IntVector.fromArray(I4, packed, g + 4 * j).reinterpretAsBytes().convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = IntVector.fromArray(I16, packed, g + 16 + 16 * j).reinterpretAsFloats().fma(in, a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
        return y[0];
    }

    static float v8(float[] v, byte[] p, int slices, int nw, float[] x, float[] y) {
        for (int s = 0; s < slices; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = slotPtr[s * nw + w], e = slotPtr[s * nw + w + 1];
                int c = w * 64;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                for (; t < e; t++) {
                    touched += Float.floatToRawIntBits(v[(t + AHEAD) * 16]) + p[(t + AHEAD) * 16];
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * 16).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector next = FloatVector.fromArray(S16, v, t * 16).fma(in, a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            a0.add(a1).intoArray(y, s * 16);
        }
        return y[0];
    }

    public static void main(String[] a) {
        int rows = Integer.parseInt(a[0]), cols = Integer.parseInt(a[1]), width = Integer.parseInt(a[2]);
        int[] variants = Arrays.stream(a[3].split(",")).mapToInt(Integer::parseInt).toArray();
        int calls = a.length > 4 ? Integer.parseInt(a[4]) : 10;
        int slices = rows / 16, nw = cols / 64;
        Random r = new Random(1);
        slotPtr = new int[slices * nw + 1];
        for (int i = 0; i < slices * nw; i++) {
            int m = width;
            if (width < 0) {
                m = 0;
                for (int lane = 0; lane < 16; lane++) {
                    int n = 0;
                    for (int c = 0; c < 64; c++) if (r.nextInt(1000) < -width) n++;
                    m = Math.max(m, n);
                }
            }
            slotPtr[i + 1] = slotPtr[i] + m;
        }
        int slots = slotPtr[slices * nw], pad = 16 * (AHEAD + 1);
        float[][] vs = new float[variants.length][slots * 16 + pad];
        byte[][] ps = new byte[variants.length][slots * 16 + pad];
        int[][] pis = new int[variants.length][];
        int[][] packed = new int[variants.length][];
        for (int i = 0; i < variants.length; i++) {
            for (int j = 0; j < vs[i].length; j++) vs[i][j] = r.nextFloat();
            for (int j = 0; j < ps[i].length; j++) ps[i][j] = (byte) r.nextInt(64);
            if (variants[i] == 5 || variants[i] == 6) {
                for (int j = 0; j < ps[i].length; j++) if (ps[i][j] >= 32) ps[i][j] -= 64;
                pis[i] = new int[ps[i].length];
                for (int j = 0; j < ps[i].length; j++) pis[i][j] = ps[i][j];
            }
            if (variants[i] == 7) {
                packed[i] = new int[(slots / 4 + 1) * 80];
                for (int t = 0; t < slots; t++) {
                    int g = (t >> 2) * 80, j = t & 3;
                    for (int l = 0; l < 16; l++) packed[i][g + 16 + 16 * j + l] = Float.floatToRawIntBits(vs[i][t * 16 + l]);
                    for (int q = 0; q < 4; q++) {
                        int word = 0;
                        for (int b = 3; b >= 0; b--) word = (word << 8) | (ps[i][t * 16 + 4 * q + b] & 255);
                        packed[i][g + 4 * j + q] = word;
                    }
                }
            }
        }
        float[] x = new float[cols];
        for (int j = 0; j < cols; j++) x[j] = r.nextFloat();
        float[] y = new float[rows];
        System.out.printf("%d slots, %.1f MB of values and positions%n", slots, slots * 80 / 1e6);
        int rounds = 60;
        double[][] t = new double[variants.length][rounds];
        float sink = 0;
        for (int round = -20; round < rounds; round++) {
            for (int i = 0; i < variants.length; i++) {
                for (int k = 0; k < 3; k++) sink += run(variants[i], vs[i], ps[i], pis[i], packed[i], slices, nw, x, y);
                long t0 = System.nanoTime();
                for (int k = 0; k < calls; k++) sink += run(variants[i], vs[i], ps[i], pis[i], packed[i], slices, nw, x, y);
                if (round >= 0) t[i][round] = (System.nanoTime() - t0) / (double) calls;
            }
        }
        for (int i = 0; i < variants.length; i++) {
            double[] s = t[i].clone();
            Arrays.sort(s);
            System.out.printf("variant %d: median %.1f us (best %.1f), %.3f ns per slot%n", variants[i], s[rounds / 2] / 1e3, s[0] / 1e3, s[rounds / 2] / slots);
        }
        if (sink == 42 || touched == 42) System.out.println();
    }
}
