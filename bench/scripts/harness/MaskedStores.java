import jdk.incubator.vector.*;
/**
 * A plain vector copy against the same copy with a partial-mask store, a partial-mask load and an
 * all-true-mask store (run.sh MaskedStores), preferred width, ns per vector; the masked store is
 * microcoded on some CPUs.
 */
public class MaskedStores {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static void main(String[] a) {
        float[] src = new float[4096 + 64], dst = new float[4096 + 64];
        VectorMask<Float> part = S.indexInRange(0, 4), full = S.maskAll(true);
        for (int round = 0; round < 8; round++) {
            for (int which = 0; which < 4; which++) {
                long t0 = System.nanoTime();
                for (int rep = 0; rep < 20000; rep++) {
                    for (int o = 0; o < 4096; o += S.length()) {
                        switch (which) {
                            case 0 -> FloatVector.fromArray(S, src, o).intoArray(dst, o);
                            case 1 -> FloatVector.fromArray(S, src, o).intoArray(dst, o, part);
                            case 2 -> FloatVector.fromArray(S, src, o, part).intoArray(dst, o);
                            default -> FloatVector.fromArray(S, src, o).intoArray(dst, o, full);
                        }
                    }
                }
                double ns = (System.nanoTime() - t0) / (20000.0 * 4096 / S.length());
                if (round > 4) System.out.printf("%s %.2f ns/vector  ", new String[]{"plain","maskedStore","maskedLoad","allTrueMaskStore"}[which], ns);
            }
            if (round > 4) System.out.println();
        }
    }
}
