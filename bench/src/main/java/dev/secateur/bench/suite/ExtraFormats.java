package dev.secateur.bench.suite;

import dev.secateur.tensor.sparse.SparseFormat;
import dev.secateur.tensor.sparse.SparseFormats;
import java.util.ArrayList;
import java.util.List;

/**
 * Sparse formats named by class on the suite's command line ({@code --format-class}): loaded,
 * registered in {@link SparseFormats}, and handed to the benchmark forks through the system
 * property {@value #PROPERTY} so that each fork registers them too.
 */
public final class ExtraFormats {
    /** Comma-separated class names of formats to register in a benchmark JVM. */
    public static final String PROPERTY = "secateur.suite.formats";

    private ExtraFormats() {}

    /** Registers the classes named in {@value #PROPERTY} (no-op when unset); each name once per JVM. */
    public static void registerFromProperty() {
        String names = System.getProperty(PROPERTY, "").strip();
        if (!names.isEmpty()) register(List.of(names.split(",")));
    }

    /** Loads and registers each class not registered yet; returns the formats' names. IAE naming a bad class. */
    public static synchronized List<String> register(List<String> classNames) {
        List<String> out = new ArrayList<>();
        for (String cn : classNames) {
            SparseFormat f = load(cn.strip());
            if (!SparseFormats.names().contains(f.name())) SparseFormats.register(f);
            out.add(f.name());
        }
        return out;
    }

    static SparseFormat load(String className) {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("format class " + className + " is not on the class path");
        }
        if (!SparseFormat.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("format class " + className + " does not implement " + SparseFormat.class.getName());
        }
        try {
            return (SparseFormat) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("format class " + className + " needs a public no-argument constructor (" + e + ")");
        }
    }
}
