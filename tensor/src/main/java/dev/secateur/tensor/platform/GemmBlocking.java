package dev.secateur.tensor.platform;

/**
 * The register tile and cache blocks of the packed SGEMM for one platform (the five BLIS loops:
 * NC columns of B in L3, KC deep, MC rows of A in L2, an MR×NR tile of C in registers).
 *
 * @param mr         rows of the C tile (register file): 8 with 32 vector registers (16 accumulators
 *                   beside 2 B vectors and the broadcasts); 4 with 16 (8 accumulators, 2 B vectors
 *                   and 4 broadcasts: C2 loads a k step's broadcasts together). A 3-row tile of
 *                   three vectors (9 accumulators) is the other 16-register shape, chosen with
 *                   {@code -Dsecateur.gemm.tile=3x3}
 * @param nr         columns of the C tile (register file): two vectors, three for the 3 × 3 tile
 * @param kc         depth of a packed block: as deep as {@link #KC_MAX} while an A block of at least
 *                   {@link #MC_MIN_STRIPS} MR-row strips fits its share of L2. Each K block is one
 *                   read-modify-write pass over C, so a deeper block saves C traffic; the A and B
 *                   micro-panels a tile reads stream from L2 far below its bandwidth (an A or B
 *                   vector feeds 8 or more multiply-adds), so L1 does not bound the depth
 * @param mc         rows of a packed A block (L2): MC×KC floats take their share of L2. Row walk:
 *                   three eighths, beside the block of B micro-panels streamed from the other half.
 *                   Column walk: a sixteenth, so the block stays there beside the B micro-panels and
 *                   C tiles passing through, also when another core shares it
 * @param nc         columns of a packed B block (L3): KC×NC floats take at most an eighth of L3
 * @param cBlockBytes bytes of the m×nc block of C kept in L3 between its K passes (a quarter of L3)
 * @param rowWalkBytes 0: the macro-kernel walks down the columns of C, one B micro-panel serving
 *                   the column's tiles; otherwise it walks along the rows of C (each MR-row strip a
 *                   few sequential streams that the prefetchers fetch ahead of the tiles'
 *                   read-modify-write of C), two strips at a time over blocks of B micro-panels of
 *                   at most this many bytes (half of L2) streamed from L2. Only for the 8-row
 *                   tile: a B vector loaded from L2 then feeds 8 multiply-adds; the 3-row tile
 *                   would need more L2 bandwidth per multiply-add than the prefetched C saves.
 */
public record GemmBlocking(int mr, int nr, int kc, int mc, int nc, long cBlockBytes, long rowWalkBytes) {
    /** Fewest columns per B block: each one re-packs A. */
    public static final int NC_MIN = 512;
    /** MR-row strips that walk along C together, sharing each B micro-panel. */
    public static final int ROW_WALK_STRIPS = 2;
    /** Deepest K block. */
    public static final int KC_MAX = 1024;
    /** Fewest MR-row strips in a packed A block. */
    public static final int MC_MIN_STRIPS = 4;

    public GemmBlocking {
        if (mr <= 0 || nr <= 0 || kc <= 0 || mc < mr || mc % mr != 0 || nc <= 0 || cBlockBytes <= 0 || rowWalkBytes < 0) {
            throw new IllegalArgumentException("invalid GEMM blocking: mr " + mr + ", nr " + nr + ", kc " + kc + ", mc " + mc
                    + " (a multiple of mr), nc " + nc + ", C block " + cBlockBytes + ", row-walk block " + rowWalkBytes);
        }
    }

    /**
     * The blocking for {@code lanes}-float vectors, {@code registers} vector registers and these
     * caches. System properties {@code secateur.gemm.kc}, {@code .mc} and {@code .nc} replace the
     * computed cache blocks (for tuning on a new machine; mc is rounded to a multiple of mr), and
     * {@code secateur.gemm.tile} the register tile: {@code 8x2}, {@code 4x2} or {@code 3x3} (rows ×
     * vectors; 8x2 only with 32 registers, 3x3 only with FMA; other values are ignored).
     */
    public static GemmBlocking of(int lanes, int registers, CacheSizes caches) {
        // Called while VectorPlatform initialises; FMA is set before GEMM there.
        return of(lanes, registers, VectorPlatform.FMA, caches);
    }

    /** {@link #of(int, int, CacheSizes)} with the FMA capability given. */
    public static GemmBlocking of(int lanes, int registers, boolean fma, CacheSizes caches) {
        String tile = tile(System.getProperty("secateur.gemm.tile"), registers, fma);
        int mr = tile.charAt(0) - '0';
        int nr = (tile.charAt(2) - '0') * lanes;
        boolean rowWalk = mr >= 8;
        long aBlockBytes = rowWalk ? caches.l2() * 3 / 8 : caches.l2() / 16;
        long kcFit = aBlockBytes / ((long) MC_MIN_STRIPS * mr * Float.BYTES);
        int kc = clamp(roundDown(kcFit, 16), 128, KC_MAX);
        long mcFit = aBlockBytes / ((long) kc * Float.BYTES);
        int mc = clamp(roundDown(mcFit, mr), MC_MIN_STRIPS * mr, roundDown(960, mr));
        long ncFit = caches.l3() / 8 / ((long) kc * Float.BYTES);
        int nc = clamp(roundDown(ncFit, nr), NC_MIN, 4096);
        long cBlock = Math.max(1L << 20, Math.min(caches.l3() / 4, 8L << 20));
        kc = override("secateur.gemm.kc", kc);
        mc = roundDown(Math.max(mr, override("secateur.gemm.mc", mc)), mr);
        nc = override("secateur.gemm.nc", nc);
        return new GemmBlocking(mr, nr, kc, mc, nc, cBlock, rowWalk ? caches.l2() / 2 : 0);
    }

    /**
     * The register tile as "rows x vectors": 8x2 with 32 registers; with 16, 4x2 (faster than 3x3
     * on a native AVX2 CPU, and its panels cover batches of 16, 32, 64 without edge tiles;
     * docs/bench/gemm.md). {@code requested} replaces it when it fits this register file.
     */
    static String tile(String requested, int registers, boolean fma) {
        String computed = registers >= 32 ? "8x2" : "4x2";
        if (requested == null) return computed;
        return switch (requested.strip()) {
            case "8x2" -> registers >= 32 ? "8x2" : computed;
            case "4x2" -> "4x2";
            case "3x3" -> fma ? "3x3" : computed;
            default -> computed;
        };
    }

    private static int override(String property, int computed) {
        String v = System.getProperty(property);
        if (v == null) return computed;
        try {
            int parsed = Integer.parseInt(v.strip());
            return parsed > 0 ? parsed : computed;
        } catch (NumberFormatException e) {
            return computed;
        }
    }

    private static int roundDown(long v, int multiple) { return (int) Math.min(Integer.MAX_VALUE, v / multiple * multiple); }

    private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }

    @Override public String toString() {
        return "tile " + mr + "x" + nr + ", KC " + kc + ", MC " + mc + ", NC " + nc + ", C block " + (cBlockBytes >> 20) + " MiB"
                + (rowWalkBytes > 0 ? ", tiles along C's rows (B blocks of " + (rowWalkBytes >> 10) + " KiB)" : ", tiles down C's columns");
    }
}
