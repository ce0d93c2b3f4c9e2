package dev.secateur.prune.report;

import java.util.Locale;

/**
 * A latency measured over many calls: the median and the spread (first to third quartile).
 *
 * @param medianMs median milliseconds per call
 * @param q1Ms     first quartile
 * @param q3Ms     third quartile
 * @param calls    timed calls
 */
public record Latency(double medianMs, double q1Ms, double q3Ms, int calls) {
    /** Not measured. */
    public static final Latency NONE = new Latency(Double.NaN, Double.NaN, Double.NaN, 0);

    public boolean measured() { return calls > 0 && Double.isFinite(medianMs); }

    /** "0.023 ms (quartiles 0.021-0.025, 412 calls)", or "-" when not measured. */
    public String describe() {
        if (!measured()) return "-";
        return String.format(Locale.ROOT, "%.3f ms (quartiles %.3f-%.3f, %d calls)", medianMs, q1Ms, q3Ms, calls);
    }
}
