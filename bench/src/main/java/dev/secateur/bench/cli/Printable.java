package dev.secateur.bench.cli;

/**
 * Text that came from a file, made safe for a terminal: control characters (escape sequences,
 * carriage returns, bells...) are shown as Java-style unicode escapes (backslash, u, four hex digits)
 * instead of being sent to the terminal.
 */
final class Printable {
    private Printable() {}

    static String of(String s) {
        if (s == null) return null;
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (b != null) {
                if (control) b.append(String.format("\\u%04x", (int) c));
                else b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
