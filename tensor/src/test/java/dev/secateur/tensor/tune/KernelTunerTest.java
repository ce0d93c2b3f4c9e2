package dev.secateur.tensor.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The choice rule: a challenger must beat the baseline by more than the margin and the noise. */
class KernelTunerTest {
    /** The slow rounds of one candidate meet the fast rounds of the other: independent noise. */
    private static long[] reversed(long[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) { long t = a[i]; a[i] = a[j]; a[j] = t; }
        return a;
    }

    private static long[] around(long median, long halfSpread) {
        return new long[] {median - halfSpread, median - halfSpread / 2, median, median + halfSpread / 2, median + halfSpread};
    }

    @Test
    void aClearlyFasterQuietCandidateWins() {
        var r = KernelTuner.decide(List.of("dense", "csr"), new long[][] {around(1000, 10), around(500, 10)});
        assertEquals("csr", r.chosenName());
        assertEquals(500, r.chosenNanos());
        assertEquals(1000, r.baselineNanos());
    }

    @Test
    void aWinSmallerThanTheMarginKeepsTheBaseline() {
        var r = KernelTuner.decide(List.of("dense", "csr"), new long[][] {around(1000, 0), around(970, 0)});
        assertEquals("dense", r.chosenName());
    }

    @Test
    void aWinSmallerThanTheMeasuredNoiseKeepsTheBaseline() {
        // 20% faster by the median, but each timing spreads by about 30%, independently from round
        // to round (the challenger's slow rounds are the baseline's fast ones): not a trustworthy win.
        long[] challenger = reversed(around(800, 240));
        var r = KernelTuner.decide(List.of("dense", "csr"), new long[][] {around(1000, 300), challenger});
        assertEquals("dense", r.chosenName());
        assertTrue(r.spread()[0] > 0.2 && r.spread()[1] > 0.2);
    }

    @Test
    void aLeadTheNoiseHidIsTimedAgainButANearTieIsNot() {
        long[] challenger = reversed(around(800, 240));
        var hidden = KernelTuner.decide(List.of("dense", "csr"), new long[][] {around(1000, 300), challenger});
        assertEquals("dense", hidden.chosenName());
        assertTrue(KernelTuner.leadHiddenByNoise(hidden), "20% lower median, kept dense by the spreads: time again");
        var tie = KernelTuner.decide(List.of("dense", "csr"), new long[][] {around(1000, 300), around(950, 300)});
        assertFalse(KernelTuner.leadHiddenByNoise(tie), "5% is within twice the margin");
        var won = KernelTuner.decide(List.of("dense", "csr"), new long[][] {around(1000, 10), around(500, 10)});
        assertFalse(KernelTuner.leadHiddenByNoise(won), "a challenger chosen: nothing hidden");
    }

    @Test
    void aWinThatHoldsInEveryRoundOfALoadedMachineIsKept() {
        // Load swings both timings of a round alike: each spreads by 60%, more than the 2x win by
        // the medians, but the challenger takes half the baseline's time in every round.
        long[] base = {1000, 1800, 1200, 2600, 1500, 1000, 2200}, fast = new long[base.length];
        for (int i = 0; i < base.length; i++) fast[i] = base[i] / 2 + (i % 2 == 0 ? 20 : -20);
        var r = KernelTuner.decide(List.of("dense", "wsell8"), new long[][] {base, fast});
        assertTrue(r.spread()[0] + r.spread()[1] > 1.0, "the medians alone would keep the baseline");
        assertEquals("wsell8", r.chosenName());
        assertTrue(r.medianNanos()[1] < r.medianNanos()[0], "the chosen time stays below the baseline's: " + java.util.Arrays.toString(r.medianNanos()));
    }

    @Test
    void aRoundByRoundWinnerIsNeverReportedSlowerThanTheBaseline() {
        // The challenger takes 0.80-0.85 of the baseline's time in all rounds but one, yet its plain
        // median (1400) lies above the baseline's (1000): the slow rounds fall differently.
        long[] base = {1000, 1000, 1000, 1000, 5000, 5000, 5000};
        long[] fast = {850, 850, 850, 1400, 4000, 4000, 4000};
        var r = KernelTuner.decide(List.of("dense", "direct"), new long[][] {base, fast});
        assertEquals("direct", r.chosenName());
        assertEquals(850, r.medianNanos()[1], "reported as the baseline's median times the paired ratio");
        assertTrue(r.medianNanos()[1] <= r.medianNanos()[0], java.util.Arrays.toString(r.medianNanos()));
    }

    @Test
    void aRoundByRoundWinSmallerThanTheMarginKeepsTheBaseline() {
        long[] base = {1000, 1800, 1200, 2600, 1500}, near = new long[base.length];
        for (int i = 0; i < base.length; i++) near[i] = base[i] * 97 / 100;
        assertFalse(KernelTuner.fasterRoundByRound(base, near));
        assertEquals("dense", KernelTuner.decide(List.of("dense", "csr"), new long[][] {base, near}).chosenName());
    }

    @Test
    void theFastestOfSeveralClearWinnersIsChosen() {
        var r = KernelTuner.decide(List.of("dense", "a", "b"), new long[][] {around(1000, 10), around(600, 10), around(300, 10)});
        assertEquals("b", r.chosenName());
    }

    @Test
    void theFastestClearWinnerIsChosenEvenWhenTheSpreadsAreWide() {
        // Both beat the baseline by far more than their noise; b is 25% faster than a, which a
        // rule holding b to the spreads of both challengers (30% each) would not see.
        var r = KernelTuner.decide(List.of("dense", "a", "b"), new long[][] {around(4000, 40), around(400, 120), around(300, 90)});
        assertEquals("b", r.chosenName());
    }

    @Test
    void aNearTieBetweenChallengersKeepsTheEarlierOne() {
        var r = KernelTuner.decide(List.of("dense", "a", "b"), new long[][] {around(1000, 0), around(500, 0), around(490, 0)});
        assertEquals("a", r.chosenName());
    }

    @Test
    void onlyACalmTuningIsKeptForLaterProcesses() {
        var quiet = KernelTuner.decide(List.of("dense", "csr"), new long[][] {around(1000, 40), around(500, 20)});
        assertTrue(KernelTuner.calm(quiet, 0.5));
        assertFalse(KernelTuner.calm(quiet, 2.5), "a busy machine: remembered for this JVM only");
        var noisy = KernelTuner.decide(List.of("dense", "csr"), new long[][] {around(1000, 300), around(500, 20)});
        assertFalse(KernelTuner.calm(noisy, 0.5), "a spread of 30%: measured again by the next process");
    }

    @Test
    void resultsSurviveTheProcessThroughTheStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ChoiceStore store = ChoiceStore.in(dir);
        KernelTuner.forget();
        KernelTuner.useStore(store);
        try {
            AtomicInteger calls = new AtomicInteger();
            List<KernelTuner.Candidate> two = List.of(KernelTuner.Candidate.of("dense", calls::incrementAndGet),
                    KernelTuner.Candidate.of("csr", calls::incrementAndGet));
            var first = KernelTuner.tune("layer-a", two, 1_000_000L, 0);
            assertTrue(java.nio.file.Files.readString(store.file()).startsWith("layer-a|dense,csr\tdense,csr\t"));
            // A new process: empty memory, a fresh store over the same file.
            KernelTuner.forget();
            KernelTuner.useStore(ChoiceStore.in(dir));
            int before = calls.get();
            var again = KernelTuner.tune("layer-a", two, 1_000_000L, 0);
            assertTrue(again.remembered());
            assertEquals(first.chosenName(), again.chosenName());
            assertEquals(before, calls.get(), "a stored result runs nothing");
            // A torn or foreign line is ignored, not an error.
            java.nio.file.Files.writeString(store.file(), "garbage\tx\n", java.nio.file.StandardOpenOption.APPEND);
            KernelTuner.forget();
            KernelTuner.useStore(ChoiceStore.in(dir));
            assertTrue(KernelTuner.tune("layer-a", two, 1_000_000L, 0).remembered());
        } finally {
            KernelTuner.useStore(null);
            KernelTuner.forget();
        }
    }

    @Test
    void anotherBuildOfTheKernelsKeepsItsOwnStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path jar = dir.resolve("secateur.jar");
        java.nio.file.Files.write(jar, new byte[100]);
        java.nio.file.Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        String one = ChoiceStore.build(jar);
        assertEquals(" build 100@1000000", one);
        java.nio.file.Files.write(jar, new byte[101]);
        assertNotEquals(one, ChoiceStore.build(jar), "a rebuilt jar");
        assertEquals("", ChoiceStore.build(dir), "classes from a directory");
    }

    @Test
    void storesUntouchedForAMonthAreRemovedWhenANewOneStarts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.time.Instant now = java.time.Instant.parse("2026-12-01T00:00:00Z");
        java.nio.file.Path old = dir.resolve("kernel-choices-1234abcd.tsv"), recent = dir.resolve("kernel-choices-5678ef01.tsv");
        java.nio.file.Path other = dir.resolve("notes.tsv");
        for (java.nio.file.Path f : List.of(old, recent, other)) {
            java.nio.file.Files.writeString(f, "x\n");
            java.nio.file.Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(now.minus(java.time.Duration.ofDays(40))));
        }
        java.nio.file.Files.setLastModifiedTime(recent, java.nio.file.attribute.FileTime.from(now.minus(java.time.Duration.ofDays(3))));
        ChoiceStore.removeStale(dir, now);
        assertFalse(java.nio.file.Files.exists(old), "a store untouched for 40 days");
        assertTrue(java.nio.file.Files.exists(recent), "a store written 3 days ago");
        assertTrue(java.nio.file.Files.exists(other), "a file that is not a store");
    }

    @Test
    void equalKeysAreRememberedAndOtherCandidateListsAreTunedAfresh() {
        KernelTuner.forget();
        AtomicInteger calls = new AtomicInteger();
        List<KernelTuner.Candidate> one = List.of(KernelTuner.Candidate.of("dense", calls::incrementAndGet),
                KernelTuner.Candidate.of("csr", calls::incrementAndGet));
        var first = KernelTuner.tune("k", one, 1_000_000L, 0);
        assertFalse(first.remembered());
        int after = calls.get();
        var again = KernelTuner.tune("k", one, 1_000_000L, 0);
        assertTrue(again.remembered());
        assertEquals(first.chosenName(), again.chosenName());
        assertEquals(after, calls.get(), "a remembered result runs nothing");
        var other = KernelTuner.tune("k", one.subList(0, 1), 1_000_000L, 0);
        assertFalse(other.remembered());
        assertEquals("dense", other.chosenName());
        assertThrows(IllegalArgumentException.class, () -> KernelTuner.tune("k", List.of(), 1, 0));
    }
    /** Spins for about {@code nanos}. */
    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    @Test
    void aCallFarSlowerThanItsWorkAllowsIsNotCompiledCode() {
        assertTrue(KernelTuner.plausible(1_000_000, 0), "unknown work: any time");
        assertTrue(KernelTuner.plausible(40_000, 1_000_000), "0.04 ns per multiply-add: compiled vector code");
        assertTrue(KernelTuner.plausible(4_000, 10), "small calls may cost the fixed overhead");
        assertFalse(KernelTuner.plausible(10_000_000, 1_000_000), "10 ns per multiply-add: interpreted or C1 vector code");
        assertThrows(IllegalArgumentException.class, () -> new KernelTuner.Candidate("dense", () -> {}, null, null, -1));
        assertThrows(IllegalArgumentException.class, () -> new KernelTuner.Candidate("dense", () -> {}, null, null, 1, -1));
    }

    @Test
    void aVectorKernelFarSlowerThanItsEstimateIsNotCompiledCode() {
        // A batched panel CSR call of 153,600 multiply-adds estimated at 10 µs: its boxed fallback
        // took 533 µs, within 4 ns per multiply-add, but 53 times the estimate.
        assertTrue(KernelTuner.plausible(533_000, 153_600), "the per-multiply-add bound alone admits it");
        assertFalse(KernelTuner.plausible(533_000, 153_600, 10_000), "53 times its estimate");
        assertTrue(KernelTuner.plausible(60_000, 153_600, 10_000), "6 times its estimate: a narrow or busy core");
        assertFalse(KernelTuner.plausible(1_000_000, 153_600, 100_000), "the per-multiply-add bound still holds");
        assertTrue(KernelTuner.plausible(1_000_000, 0, 100_000), "unknown work, estimate 100 µs: 1 ms is within 20 times");
        assertFalse(KernelTuner.plausible(3_000_000, 0, 100_000), "unknown work, estimate 100 µs: 3 ms is not");
        var c = new KernelTuner.Candidate("pcsr", () -> {}, null, null, 153_600, 10_000);
        assertEquals(0, KernelTuner.implausible(List.of(c), new long[][] {around(533_000, 1_000)}));
        assertEquals(-1, KernelTuner.implausible(List.of(c), new long[][] {around(6_000, 500)}));
    }

    @Test
    void aCandidateThatGotFasterDuringItsTimingIsStillWarming() {
        long[] steady = {100, 110, 95, 105, 100, 98}, compiledMidway = {900, 880, 910, 120, 100, 105};
        assertEquals(-1, KernelTuner.stillWarming(new long[][] {steady, steady}));
        assertEquals(1, KernelTuner.stillWarming(new long[][] {steady, compiledMidway}));
        long[] drift = {100, 115, 110, 95, 90, 92};
        assertEquals(-1, KernelTuner.stillWarming(new long[][] {drift}), "a shared host's drift is not a compile");
    }

    @Test
    void theWarmUpGoesOnWhileACandidateIsTooSlowForCompiledCode() {
        KernelTuner.forget();
        // Slow like uncompiled code (2 ms for 1,000 multiply-adds) for its first 40 calls, then fast:
        // a warm-up that stopped at the JIT's first quiet moment would time the slow calls.
        AtomicInteger calls = new AtomicInteger();
        Runnable warming = () -> spin(calls.incrementAndGet() <= 40 ? 2_000_000 : 20_000);
        var r = KernelTuner.tune(null, List.of(new KernelTuner.Candidate("dense", warming, null, null, 1_000)), 5_000_000L, 10_000_000_000L);
        assertTrue(calls.get() > 40);
        assertTrue(r.baselineNanos() < 1_000_000, "timed after it became fast: " + r.baselineNanos() + " ns");
    }

    @Test
    void aBaselineTooSlowForCompiledCodeIsNotBeatenByAChallenger() {
        KernelTuner.forget();
        // The warm-up limit ends before the baseline gets fast: its timing says nothing about its
        // compiled speed, so the challenger's apparent win does not count.
        var cold = new KernelTuner.Candidate("dense", () -> spin(1_000_000), null, null, 1_000);
        var fast = new KernelTuner.Candidate("csr", () -> spin(20_000), null, null, 1_000);
        var r = KernelTuner.tune(null, List.of(cold, fast), 2_000_000L, 20_000_000L);
        assertEquals("dense", r.chosenName());
        var known = new KernelTuner.Candidate("dense", () -> spin(1_000_000), null, null, 0);
        assertEquals("csr", KernelTuner.tune(null, List.of(known, fast), 2_000_000L, 20_000_000L).chosenName(),
                "without a known cost the timing counts");
    }

    @Test
    void aMedianTooSlowForCompiledCodeIsFound() {
        var c = new KernelTuner.Candidate("dense", () -> {}, null, null, 1_000);
        var unknown = new KernelTuner.Candidate("csr", () -> {}, null, null, 0);
        // 1,000 multiply-adds may take at most 5 µs + 4 µs when compiled.
        assertEquals(-1, KernelTuner.implausible(List.of(c, unknown), new long[][] {around(8_000, 500), around(50_000_000, 10)}));
        assertEquals(0, KernelTuner.implausible(List.of(c, unknown), new long[][] {{2_000, 20_000, 20_000}, around(100, 10)}),
                "a plausible best with a slow median was timed on uncompiled code");
    }
}
