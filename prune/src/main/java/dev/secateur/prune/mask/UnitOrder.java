package dev.secateur.prune.mask;

import dev.secateur.prune.scoring.LayerWeights;
import dev.secateur.prune.scoring.UnitLayout;

import java.util.Arrays;

/**
 * Deterministic pruning order: already-pruned units first, then ascending score, ties broken by
 * ascending position. Keys pack (score bits, position) into one long so a primitive sort does
 * the work: a non-negative float's bit pattern orders like its value.
 */
final class UnitOrder {
    private UnitOrder() {}

    /** The sort key of a unit; {@code position} must be in [0, 2^32). */
    static long key(float score, boolean alreadyPruned, long position) {
        long rank = alreadyPruned ? 0L : (long) Float.floatToRawIntBits(score) + 1L;
        return (rank << 32) | position;
    }

    /** The position encoded in a key. */
    static long position(long key) {
        return key & 0xFFFF_FFFFL;
    }

    /** Unit indices of one layer in pruning order. */
    static int[] order(float[] scores, boolean[] alreadyPruned) {
        long[] keys = new long[scores.length];
        for (int u = 0; u < scores.length; u++) keys[u] = key(scores[u], alreadyPruned[u], u);
        Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) order[i] = (int) position(keys[i]);
        return order;
    }

    /** Whether every weight of each unit is already masked out. */
    static boolean[] alreadyPruned(LayerWeights w, UnitLayout layout) {
        boolean[] pruned = new boolean[layout.units()];
        if (w.mask() == null) return pruned;
        float[] mask = w.mask();
        for (int u = 0; u < pruned.length; u++) {
            boolean[] dead = {layout.unitSize(u) > 0};
            layout.forEachRun(u, (start, len) -> {
                for (int i = start; i < start + len && dead[0]; i++) dead[0] = mask[i] == 0f;
            });
            pruned[u] = dead[0];
        }
        return pruned;
    }
}
