package dev.secateur.bench.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhaseTickerTest {

    @Test void drawsTheBarWithAnEtaAndClearsItForLines() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream(), out = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), true);
        try (PhaseTicker t = new PhaseTicker(bar, "timing", 4000)) {
            Thread.sleep(1500); // the bar shows once a task has run for a second
            t.print(new PrintStream(out, true, StandardCharsets.UTF_8), "row\n");
        }
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("timing") && e.contains("ETA"), e);
        assertTrue(e.endsWith("\r\033[2K"), "the bar is cleared at the end: " + e);
        assertEquals("row\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test void anOverrunPlanGrowsInsteadOfEnding() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), true);
        try (PhaseTicker t = new PhaseTicker(bar, "compile", 300)) {
            Thread.sleep(1500);
        }
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("compile"), "still drawn after the plan ran out: " + e);
    }

    @Test void quietOffATerminal() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream(), out = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), false);
        try (PhaseTicker t = new PhaseTicker(bar, "timing", 100)) {
            Thread.sleep(300);
            t.print(new PrintStream(out, true, StandardCharsets.UTF_8), "row\n");
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals("row\n", out.toString(StandardCharsets.UTF_8));
    }
}
