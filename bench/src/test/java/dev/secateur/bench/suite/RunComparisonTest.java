package dev.secateur.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.bench.suite.RunComparison.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunComparisonTest {
    private static Figure time(double v, double e) {
        return Synthetic.time("spmm", Synthetic.p("format", "csr"), v, e, "us/op");
    }

    private static Figure accuracy(double v, double e) {
        return new Figure("accuracy", "accuracy", Synthetic.p("model", "m"), v, e, "", false, false);
    }

    @Test
    void changeWithinBothErrorsIsUnchanged() {
        assertEquals(Verdict.UNCHANGED, RunComparison.verdict(time(100, 3), time(105, 2), 0));
        assertEquals(Verdict.UNCHANGED, RunComparison.verdict(time(100, 3), time(95.5, 2), 0));
    }

    @Test
    void longerTimeBeyondErrorsIsRegressionShorterIsImprovement() {
        assertEquals(Verdict.REGRESSION, RunComparison.verdict(time(100, 3), time(106, 2), 0));
        assertEquals(Verdict.IMPROVEMENT, RunComparison.verdict(time(100, 3), time(94, 2), 0));
    }

    @Test
    void higherIsBetterFiguresFlipTheDirection() {
        assertEquals(Verdict.REGRESSION, RunComparison.verdict(accuracy(0.90, 0.005), accuracy(0.88, 0.005), 0));
        assertEquals(Verdict.IMPROVEMENT, RunComparison.verdict(accuracy(0.88, 0.005), accuracy(0.90, 0.005), 0));
    }

    @Test
    void minimumChangeFloorsSignificantButSmallChanges() {
        assertEquals(Verdict.REGRESSION, RunComparison.verdict(time(100, 0.1), time(103, 0.1), 0));
        assertEquals(Verdict.UNCHANGED, RunComparison.verdict(time(100, 0.1), time(103, 0.1), 0.05));
    }

    @Test
    void figuresInAnotherUnitAreNotCompared() {
        Machine m = Synthetic.machine();
        SuiteResults a = new SuiteResults(m, "quick", "default", List.of(time(100, 1)), List.of());
        SuiteResults b = new SuiteResults(m, "quick", "default", List.of(Synthetic.time("spmm", Synthetic.p("format", "csr"), 0.1, 0.001, "ms/op")), List.of());
        RunComparison c = RunComparison.of(a, b, 0);
        assertTrue(c.rows().isEmpty());
        assertEquals(List.of("spmm/time[format=csr]"), c.onlyBefore());
        assertEquals(List.of("spmm/time[format=csr]"), c.onlyAfter());
        assertTrue(c.table().startsWith("first:  quick preset, width default, commit abc123"), c.table());
    }

    @Test
    void comparesMeasuredFiguresOnlyAndListsTheUnmatched() {
        SuiteResults a = Synthetic.results(1), b = Synthetic.results(1.5);
        List<Figure> extra = new ArrayList<>(b.figures());
        extra.add(Synthetic.time("conv", Synthetic.p("layer", "x"), 1, 0, "ms/op"));
        b = new SuiteResults(b.machine(), b.preset(), b.width(), extra, b.notes());
        RunComparison c = RunComparison.of(a, b, 0);
        assertEquals(Synthetic.measured(1).stream().filter(f -> !f.derived()).count(), c.rows().size());
        assertTrue(c.rows().stream().noneMatch(r -> r.before().derived()));
        assertEquals(2, c.count(Verdict.REGRESSION), "csr 80→120 and 20→30 us beyond ±1 each");
        RunComparison.Row row = c.rows().stream().filter(r -> r.verdict() == Verdict.REGRESSION && r.id().contains("sparsity=0.9")).findFirst().orElseThrow();
        assertEquals(1.5, row.ratio(), 1e-12);
        assertEquals(List.of("conv/time[layer=x]"), c.onlyAfter());
        assertTrue(c.table().contains("2 regressions, 0 improvements"), c.table());
    }
}
