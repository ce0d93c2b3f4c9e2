package dev.secateur.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the real Hugging Face {@code safetensors} Python library, both ways:
 * the library opens our files, and we open the library's. Skipped where no interpreter can
 * import {@code safetensors} (set {@code SECATEUR_PYTHON} to one that can).
 */
class SafetensorsLibraryTest {
    private static final String CHECK = PythonProcess.script("check_with_safetensors.py");

    @TempDir
    Path dir;

    private static String python(String... modules) {
        Optional<String> p = PythonProcess.interpreterWith(modules);
        assumeTrue(p.isPresent(), "no python3 that imports " + String.join(", ", modules));
        return p.get();
    }

    @Test
    void libraryOpensOurFilesWithNumpy() throws Exception {
        String python = python("safetensors", "numpy");
        Path file = dir.resolve("ours.safetensors");
        PythonReaderTest.sample().write(file);
        PythonProcess.Result r = PythonProcess.run(python, CHECK, "read", file.toString(), "--framework", "numpy");
        PythonReaderTest.assertSameListing(SafetensorsFile.read(file), r);
    }

    @Test
    void libraryOpensOurFilesWithTorch() throws Exception {
        String python = python("safetensors", "numpy", "torch");
        Path file = dir.resolve("ours.safetensors");
        PythonReaderTest.sample().write(file);
        PythonProcess.Result r = PythonProcess.run(python, CHECK, "read", file.toString(), "--framework", "pt");
        PythonReaderTest.assertSameListing(SafetensorsFile.read(file), r);
    }

    @Test
    void weOpenTheLibrarysFiles() throws Exception {
        String python = python("safetensors", "numpy");
        Path file = dir.resolve("theirs.safetensors");
        PythonProcess.Result r = PythonProcess.run(python, CHECK, "write", file.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        SafetensorsFile f = SafetensorsFile.read(file);
        PythonReaderTest.assertSameListing(f, r);
        assertEquals("np", f.metadata("format"));
        assertEquals(Dtype.F32, f.info("conv.weight").dtype());
        assertEquals(4 * 9, f.f32("conv.weight").length);
    }

    @Test
    void libraryRefusesTheFilesWeRefuse() throws Exception {
        String python = python("safetensors", "numpy");
        for (byte[] bytes : MalformedSamples.all()) {
            Path file = dir.resolve("bad.safetensors");
            Files.write(file, bytes);
            PythonProcess.Result r = PythonProcess.run(python, CHECK, "read", file.toString());
            assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
            assertTrue(r.stderr().startsWith("invalid:"), r.stderr());
            assertThrows(ModelFormatException.class, () -> SafetensorsFile.read(file));
        }
    }
}
