// Scratch harness (bench/scripts/harness/run.sh MaskStats lenet300 | random N DENSITY): per dense layer
// of a pruned shipped model (or one random N×N mask), row and column length statistics and the
// slots a windowed SELL needs: sliding windows (as wsell8/wsell4 build them) and fixed windows (as
// wsell16 built before bands), at 8 and 16 lanes and several window widths, with the rows in their
// order or sorted longest first; and wsell16's 64-column windows with the rows (sorted longest first)
// regrouped per window in bands of 32, 64 (the library's) and 128 rows, or only within each lane
// column of four slices, as slots × 16 / kept weights. A simulation of the slot builders, not the
// formats themselves.
import java.util.*;
public class MaskStats {
    public static void main(String[] a) throws Exception {
        if (a[0].startsWith("random")) {
            int m = Integer.parseInt(a[1]), k = m; double dens = Double.parseDouble(a[2]);
            float[] w = new float[m*k]; var rnd = new java.util.SplittableRandom(1);
            for (int i = 0; i < w.length; i++) if (rnd.nextDouble() < dens) w[i] = 1;
            report("random", m, k, w); return;
        }
        var model = dev.secateur.bench.models.BenchModels.prepare(a[0]).model();
        for (var l : model.layers()) {
            if (!(l instanceof dev.secateur.nn.layers.Dense d)) continue;
            report(d.name(), d.outFeatures(), d.inFeatures(), d.weight().value().data());
        }
    }
    static void report(String name, int m, int k, float[] w) {
        {
            int[] rn = new int[m], cn = new int[k]; int nnz = 0;
            for (int r = 0; r < m; r++) for (int c = 0; c < k; c++) if (w[r*k+c] != 0) { rn[r]++; cn[c]++; nnz++; }
            int er = 0, ec = 0; for (int v : rn) if (v == 0) er++; for (int v : cn) if (v == 0) ec++;
            int[] rs = rn.clone(); Arrays.sort(rs); int[] cs = cn.clone(); Arrays.sort(cs);
            System.out.printf("%s %dx%d nnz %d emptyRows %d emptyCols %d rowNnz p10 %d p50 %d p90 %d max %d colNnz p50 %d p90 %d max %d%n",
                name, m, k, nnz, er, ec, rs[m/10], rs[m/2], rs[9*m/10], rs[m-1], cs[k/2], cs[9*k/10], cs[k-1]);
            for (int lanes : new int[]{8, 16}) for (int window : new int[]{8, 16, 32, 64, 128}) {
                System.out.printf("   lanes %d window %d natural %d sorted %d ideal %d fixed %d fixedSorted %d%n", lanes, window, slots(w, m, k, lanes, window, false), slots(w, m, k, lanes, window, true), (nnz + lanes - 1) / lanes, fixed(w,m,k,lanes,window,false), fixed(w,m,k,lanes,window,true));
            }
            int[] rnk = rn;
            Integer[] order = new Integer[m]; for (int i = 0; i < m; i++) order[i] = i;
            Arrays.sort(order, (p, q) -> rnk[q] - rnk[p]);
            System.out.printf("   wsell16 padding: slices %.3f, bands of 32 %.3f, 64 %.3f, 128 %.3f, lane columns of 4 slices %.3f%n",
                16.0 * fixed(w, m, k, 16, 64, true) / nnz, 16.0 * banded(w, m, k, order, 32, false) / nnz,
                16.0 * banded(w, m, k, order, 64, false) / nnz, 16.0 * banded(w, m, k, order, 128, false) / nnz,
                16.0 * banded(w, m, k, order, 64, true) / nnz);
        }
    }
    /** Slots of 16 lanes over 64-column windows, a band's rows regrouped per window by their count there (or, lanewise, only within each lane column). */
    static long banded(float[] w, int m, int k, Integer[] order, int band, boolean lanewise) {
        long total = 0;
        for (int b0 = 0; b0 < m; b0 += band) for (int c0 = 0; c0 < k; c0 += 64) {
            int[] n = new int[band];
            for (int i = 0; i < band && b0 + i < m; i++) { int r = order[b0 + i]; for (int c = c0; c < Math.min(k, c0 + 64); c++) if (w[r*k+c] != 0) n[i]++; }
            if (lanewise) {
                for (int lane = 0; lane < 16; lane++) {
                    int[] col = new int[band / 16]; for (int g = 0; g < col.length; g++) col[g] = n[16 * g + lane];
                    Arrays.sort(col); for (int g = 0; g < col.length; g++) n[16 * g + lane] = col[col.length - 1 - g];
                }
                for (int g = 0; g < band / 16; g++) { int mx = 0; for (int lane = 0; lane < 16; lane++) mx = Math.max(mx, n[16 * g + lane]); total += mx; }
            } else {
                Arrays.sort(n);
                for (int g = 0; g < band / 16; g++) total += n[band - 1 - 16 * g];
            }
        }
        return total;
    }
    static int fixed(float[] w, int m, int k, int lanes, int window, boolean sort) {
        Integer[] order = new Integer[m]; for (int i = 0; i < m; i++) order[i] = i;
        int[] rn = new int[m]; for (int r = 0; r < m; r++) for (int c = 0; c < k; c++) if (w[r*k+c] != 0) rn[r]++;
        if (sort) Arrays.sort(order, (p, q) -> rn[q] - rn[p]);
        int total = 0;
        for (int s = 0; s * lanes < m; s++) for (int b = 0; b < k; b += window) {
            int mx = 0;
            for (int ln = 0; ln < lanes && s*lanes+ln < m; ln++) { int r = order[s*lanes+ln]; int n = 0; for (int c = b; c < Math.min(k, b+window); c++) if (w[r*k+c] != 0) n++; mx = Math.max(mx, n); }
            total += mx;
        }
        return total;
    }
    static int slots(float[] w, int m, int k, int lanes, int window, boolean sort) {
        Integer[] order = new Integer[m]; for (int i = 0; i < m; i++) order[i] = i;
        int[] rn = new int[m]; for (int r = 0; r < m; r++) for (int c = 0; c < k; c++) if (w[r*k+c] != 0) rn[r]++;
        if (sort) Arrays.sort(order, (p, q) -> rn[q] - rn[p]);
        int total = 0;
        for (int s = 0; s * lanes < m; s++) {
            int[][] cols = new int[lanes][]; int[] next = new int[lanes];
            for (int ln = 0; ln < lanes; ln++) {
                int i = s * lanes + ln; if (i >= m) { cols[ln] = new int[0]; continue; }
                int r = order[i]; int n = 0; int[] cc = new int[k];
                for (int c = 0; c < k; c++) if (w[r*k+c] != 0) cc[n++] = c;
                cols[ln] = Arrays.copyOf(cc, n);
            }
            while (true) {
                int b = Integer.MAX_VALUE;
                for (int ln = 0; ln < lanes; ln++) if (next[ln] < cols[ln].length) b = Math.min(b, cols[ln][next[ln]]);
                if (b == Integer.MAX_VALUE) break;
                b = Math.max(0, Math.min(b, k - window));
                for (int ln = 0; ln < lanes; ln++) if (next[ln] < cols[ln].length && cols[ln][next[ln]] < b + window) next[ln]++;
                total++;
            }
        }
        return total;
    }
}
