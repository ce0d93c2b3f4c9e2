package dev.secateur.nn.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Recursive-descent parser behind {@link Json#parse}; one instance per document. */
final class JsonParser {
    private final CharSequence s;
    private final int maxDepth;
    /** When not null, receives the character offset of every key of the top-level object. */
    private final Map<String, Integer> topLevelKeyOffsets;
    private int pos;
    private int depth;

    JsonParser(CharSequence text, int maxDepth) {
        this(text, maxDepth, null);
    }

    JsonParser(CharSequence text, int maxDepth, Map<String, Integer> topLevelKeyOffsets) {
        this.s = text;
        this.maxDepth = maxDepth;
        this.topLevelKeyOffsets = topLevelKeyOffsets;
    }

    Object parseDocument() {
        skipWhitespace();
        Object v = value();
        skipWhitespace();
        if (pos < s.length()) {
            throw error("unexpected " + describe(pos) + " after the top-level value");
        }
        return v;
    }

    private Object value() {
        if (pos >= s.length()) throw error("unexpected end of input, expected a value");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected " + describe(pos) + ", expected a value");
            }
        };
    }

    private Map<String, Object> object() {
        enter();
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("unexpected " + describe(pos) + ", expected a string key");
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value();
            if (map.containsKey(key)) {
                throw new JsonException(keyAt, "duplicate key \"" + key + "\"");
            }
            map.put(key, v);
            if (depth == 1 && topLevelKeyOffsets != null) topLevelKeyOffsets.put(key, keyAt);
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                depth--;
                return map;
            } else {
                throw error("unexpected " + describe(pos) + ", expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value());
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                depth--;
                return list;
            } else {
                throw error("unexpected " + describe(pos) + ", expected ',' or ']'");
            }
        }
    }

    private String string() {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw new JsonException(start, "unterminated string");
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) throw error("unescaped control character " + describe(pos) + " in string");
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= s.length()) throw new JsonException(start, "unterminated string");
            char e = s.charAt(pos + 1);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append(hex4(pos + 2));
                    pos += 4;
                }
                default -> throw error("invalid escape \\" + printable(e));
            }
            pos += 2;
        }
    }

    private char hex4(int at) {
        if (at + 4 > s.length()) throw new JsonException(at, "truncated \\u escape");
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) > 'f') throw new JsonException(i, "invalid hex digit " + describe(i) + " in \\u escape");
            v = (v << 4) | d;
        }
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) throw error("leading zero in number");
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("unexpected " + describe(pos) + ", expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) throw error("unexpected " + describe(pos) + ", expected a digit after '.'");
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("unexpected " + describe(pos) + ", expected a digit in the exponent");
            while (isDigit(peek())) pos++;
        }
        String text = s.subSequence(start, pos).toString();
        if (integral && text.length() <= 20) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                // falls through: integers beyond the long range are read as doubles
            }
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            // Accepting it would yield a value that no JSON writer can write back.
            throw new JsonException(start, "number " + text + " is beyond the range of a double");
        }
        return d;
    }

    private Object literal(String word, Object value) {
        if (pos + word.length() > s.length() || !s.subSequence(pos, pos + word.length()).toString().equals(word)) {
            throw error("unexpected " + describe(pos) + ", expected '" + word + "'");
        }
        pos += word.length();
        return value;
    }

    private void enter() {
        if (++depth > maxDepth) throw error("nesting deeper than the limit of " + maxDepth);
    }

    private void expect(char c) {
        if (peek() != c) throw error("unexpected " + describe(pos) + ", expected '" + c + "'");
        pos++;
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    /** The current character, or NUL at end of input (NUL never matches any grammar token). */
    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private String describe(int at) {
        if (at >= s.length()) return "end of input";
        return "character '" + printable(s.charAt(at)) + "'";
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    private JsonException error(String problem) {
        return new JsonException(pos, problem);
    }
}
