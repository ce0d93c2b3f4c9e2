package dev.secateur.tensor.platform;

/**
 * The register tile and cache blocks of the packed SGEMM for one platform (the five BLIS loops:
 * NC columns of B in L3, KC deep, MC rows of A in L2, an MR×NR tile of C in registers).
 *
 * @param mr         rows of the C tile: 8 with 32 vector registers (16 accumulators), 6 with 16
 *                   (12 accumulators + 2 B vectors + 1 broadcast leave one spare register)
 * @param nr         columns of the C tile: two vectors
 * @param kc         depth of a packed block: a KC×NR micro-panel of B fills about 2/3 of L1d
 * @param mc         rows of a packed A block: MC×KC floats take about a fifth of L2, beside B panels and C
 * @param nc         columns of a packed B block: KC×NC floats take at most an eighth of L3
 * @param cBlockBytes bytes of the m×nc block of C kept in L3 between its K passes (a quarter of L3)
 */
public record GemmBlocking(int mr, int nr, int kc, int mc, int nc, long cBlockBytes) {
    /** Fewest columns per B block: each one re-packs A. */
    public static final int NC_MIN = 512;

    /** The blocking for {@code lanes}-float vectors, {@code registers} vector registers and these caches. */
    public static GemmBlocking of(int lanes, int registers, CacheSizes caches) {
        int mr = registers >= 32 ? 8 : 6;
        int nr = 2 * lanes;
        int kc = clamp(roundDown((int) Math.min(Integer.MAX_VALUE, caches.l1d() * 2 / 3 / (nr * Float.BYTES)), 16), 64, 512);
        int mc = clamp(roundDown((int) Math.min(Integer.MAX_VALUE, caches.l2() / 5 / ((long) kc * Float.BYTES)), mr), 4 * mr, 120 * mr);
        int nc = clamp(roundDown((int) Math.min(Integer.MAX_VALUE, caches.l3() / 8 / ((long) kc * Float.BYTES)), nr), NC_MIN, 4096);
        long cBlock = Math.max(1L << 20, Math.min(caches.l3() / 4, 8L << 20));
        return new GemmBlocking(mr, nr, kc, mc, nc, cBlock);
    }

    private static int roundDown(int v, int multiple) { return v / multiple * multiple; }

    private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }

    @Override public String toString() {
        return "tile " + mr + "x" + nr + ", KC " + kc + ", MC " + mc + ", NC " + nc + ", C block " + (cBlockBytes >> 20) + " MiB";
    }
}
