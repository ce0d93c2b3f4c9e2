// Scratch harness (bench/scripts/harness/run.sh MaskStats lenet300 | random N DENSITY): per dense layer
// of a pruned shipped model (or one random N×N mask), row and column length statistics and the
// slots a windowed SELL needs: sliding windows (as wsell8/wsell4 build them) and fixed windows (as
// wsell16), at 8 and 16 lanes and several window widths, with the rows in their order or sorted
// longest first. A simulation of the slot builders, not the formats themselves.
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
        }
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
