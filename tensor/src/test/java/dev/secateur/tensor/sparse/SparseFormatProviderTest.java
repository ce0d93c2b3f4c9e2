package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format named in a {@code META-INF/services} file on the class path joins the registry after
 * the built-ins. Checked in a fresh class loader so this JVM's registry is left as it is.
 */
class SparseFormatProviderTest {
    /** The provider: CSR storage under another name. */
    public static final class ProvidedFormat implements SparseFormat {
        @Override public String name() { return "provided-csr"; }

        @Override public int lanes() { return 0; }

        @Override public boolean automatic() { return false; }

        @Override public SparseMatrix build(float[] dense, int rows, int cols, boolean[] mask) {
            return CsrMatrix.from(dense, rows, cols, mask);
        }
    }

    @TempDir Path dir;

    @Test
    void aServiceProviderIsRegisteredAfterTheBuiltIns() throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(SparseFormat.class.getName()), ProvidedFormat.class.getName() + "\n");
        URL main = SparseFormats.class.getProtectionDomain().getCodeSource().getLocation();
        URL test = ProvidedFormat.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {main, test, dir.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> registry = Class.forName(SparseFormats.class.getName(), true, loader);
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) registry.getMethod("names").invoke(null);
            assertTrue(names.getLast().equals("provided-csr") && names.contains("csr"), names.toString());
        }
        assertTrue(!SparseFormats.names().contains("provided-csr"), "this JVM's registry is untouched");
    }
}
