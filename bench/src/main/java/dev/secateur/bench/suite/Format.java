package dev.secateur.bench.suite;

import java.util.Locale;

/** Number formatting shared by the report and the comparison: three significant digits. */
final class Format {
    private Format() {}

    /** {@code 12.3 ± 0.4 us/op}. */
    static String valueWithError(Figure f) {
        return number(f.value()) + " ± " + number(f.error()) + (f.unit().isEmpty() ? "" : " " + f.unit());
    }

    /** Three significant digits, plain notation between 0.001 and 10^6. */
    static String number(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        double a = Math.abs(v);
        if (a == 0) return "0";
        if (a >= 1e6 || a < 1e-3) return String.format(Locale.ROOT, "%.3g", v);
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(a)));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
