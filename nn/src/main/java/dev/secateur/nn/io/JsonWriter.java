package dev.secateur.nn.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;

/** Serializer behind {@link Json#write} and {@link Json#writePretty}. */
final class JsonWriter {
    /** Guards against cyclic structures, which would otherwise recurse until the stack overflows. */
    private static final int MAX_DEPTH = 1000;

    private final StringBuilder out;
    private final boolean pretty;
    private int depth;

    JsonWriter(StringBuilder out, boolean pretty) {
        this.out = out;
        this.pretty = pretty;
    }

    void value(Object v) {
        switch (v) {
            case null -> out.append("null");
            case CharSequence cs -> string(cs);
            case Boolean b -> out.append(b.booleanValue());
            case Double d -> finite(d, Double.toString(d));
            case Float f -> finite(f, Float.toString(f));
            case Long l -> out.append(l.longValue());
            case Integer i -> out.append(i.intValue());
            case Short sh -> out.append(sh.shortValue());
            case Byte b -> out.append(b.byteValue());
            case BigInteger bi -> out.append(bi);
            case BigDecimal bd -> out.append(bd);
            case Number n -> finite(n.doubleValue(), Double.toString(n.doubleValue()));
            case Map<?, ?> m -> object(m);
            case Iterable<?> it -> array(it.iterator());
            case Object[] a -> array(java.util.Arrays.asList(a).iterator());
            case int[] a -> array(java.util.Arrays.stream(a).boxed().iterator());
            case long[] a -> array(java.util.Arrays.stream(a).boxed().iterator());
            case double[] a -> array(java.util.Arrays.stream(a).boxed().iterator());
            case float[] a -> {
                Float[] boxed = new Float[a.length];
                for (int i = 0; i < a.length; i++) boxed[i] = a[i];
                array(java.util.Arrays.asList(boxed).iterator());
            }
            case boolean[] a -> {
                Boolean[] boxed = new Boolean[a.length];
                for (int i = 0; i < a.length; i++) boxed[i] = a[i];
                array(java.util.Arrays.asList(boxed).iterator());
            }
            default -> throw new JsonException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private void finite(double d, String text) {
        if (!Double.isFinite(d)) throw new JsonException("cannot write non-finite number " + d + " as JSON");
        out.append(text);
    }

    private void object(Map<?, ?> m) {
        enter();
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new JsonException("JSON object keys must be strings, found " + e.getKey());
            }
            if (!first) out.append(',');
            first = false;
            newline();
            string(key);
            out.append(pretty ? ": " : ":");
            value(e.getValue());
        }
        leave(first, '}');
    }

    private void array(Iterator<?> it) {
        enter();
        out.append('[');
        boolean first = true;
        while (it.hasNext()) {
            if (!first) out.append(',');
            first = false;
            newline();
            value(it.next());
        }
        leave(first, ']');
    }

    private void enter() {
        if (++depth > MAX_DEPTH) throw new JsonException("value nested deeper than " + MAX_DEPTH + " (cyclic?)");
    }

    private void leave(boolean empty, char close) {
        depth--;
        if (!empty) newline();
        out.append(close);
    }

    private void newline() {
        if (!pretty) return;
        out.append('\n');
        out.repeat(' ', 2 * depth);
    }

    private void string(CharSequence s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || isLoneSurrogate(s, i)) {
                        // Lone surrogates cannot be encoded in UTF-8; escaping them keeps the round trip exact.
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isLoneSurrogate(CharSequence s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
