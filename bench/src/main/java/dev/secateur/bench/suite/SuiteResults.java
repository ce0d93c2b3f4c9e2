package dev.secateur.bench.suite;

import dev.secateur.nn.io.AtomicFile;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.JsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one suite run measured: the machine, the preset and width, every figure with its
 * error, and notes (what was skipped and why). Stored as {@code results.json}.
 */
public record SuiteResults(Machine machine, String preset, String width, List<Figure> figures, List<String> notes) {
    /** Version of the results.json layout; a reader refuses newer ones. */
    public static final int FORMAT_VERSION = 1;

    public SuiteResults {
        figures = List.copyOf(figures);
        notes = List.copyOf(notes);
    }

    /** The figures of one group, in run order. */
    public List<Figure> group(String group) {
        return figures.stream().filter(f -> f.group().equals(group)).toList();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("secateurSuite", FORMAT_VERSION);
        m.put("preset", preset);
        m.put("width", width);
        m.put("machine", machine.toJson());
        m.put("notes", notes);
        List<Object> fs = new ArrayList<>();
        for (Figure f : figures) fs.add(f.toJson());
        m.put("figures", fs);
        return m;
    }

    /** Writes {@code results.json} atomically. */
    public void write(Path file) throws IOException {
        AtomicFile.write(file, (Json.writePretty(toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a results.json; IAE with one line naming the file and the problem. */
    public static SuiteResults read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": not a regular file");
        Map<String, Object> m;
        try {
            m = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonException | java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(file + ": not a suite results file: " + e.getMessage());
        }
        return fromJson(m, file.toString());
    }

    static SuiteResults fromJson(Map<?, ?> m, String where) {
        if (!(m.get("secateurSuite") instanceof Number v)) throw new IllegalArgumentException(where + ": not a suite results file (no 'secateurSuite' version)");
        if (v.intValue() > FORMAT_VERSION) throw new IllegalArgumentException(where + ": results format " + v + " is newer than this reader (" + FORMAT_VERSION + ")");
        if (!(m.get("machine") instanceof Map<?, ?> mm)) throw new IllegalArgumentException(where + ": 'machine' is missing");
        if (!(m.get("figures") instanceof List<?> fl)) throw new IllegalArgumentException(where + ": 'figures' is missing");
        List<Figure> figures = new ArrayList<>();
        for (int i = 0; i < fl.size(); i++) {
            if (!(fl.get(i) instanceof Map<?, ?> fm)) throw new IllegalArgumentException(where + ": figures[" + i + "] is not an object");
            figures.add(Figure.fromJson(fm, where + ": figures[" + i + "]"));
        }
        List<String> notes = new ArrayList<>();
        if (m.get("notes") instanceof List<?> nl) for (Object o : nl) notes.add(String.valueOf(o));
        return new SuiteResults(Machine.fromJson(mm), String.valueOf(m.get("preset")), String.valueOf(m.get("width")), figures, notes);
    }
}
