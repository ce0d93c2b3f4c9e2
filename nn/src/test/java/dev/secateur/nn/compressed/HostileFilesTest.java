package dev.secateur.nn.compressed;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.nn.ModelFile;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The named files of the fuzz corpus, each with its expected outcome: {@code valid-*} files load,
 * every other file is a known hostile case and must be refused with a {@link ModelFormatException}
 * (the fuzz tests alone only check "loads or is refused").
 */
class HostileFilesTest {

    @TestFactory
    Stream<DynamicTest> compressedFiles() throws Exception {
        return cases("compressed/CompressedModelFileFuzzTestInputs/compressedFile", bytes ->
                CompressedModelFile.fromFile(SafetensorsFile.parse(bytes, "seed"), null, bytes.length));
    }

    @TestFactory
    Stream<DynamicTest> modelFiles() throws Exception {
        return cases("ModelFileFuzzTestInputs/modelFile", bytes -> ModelFile.fromFile(SafetensorsFile.parse(bytes, "seed")));
    }

    @TestFactory
    Stream<DynamicTest> histories() throws Exception {
        Path dir = resources().resolve("compressed/CompressedModelFileFuzzTestInputs/history");
        return files(dir).stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String json = Files.readString(p);
            if (p.getFileName().toString().startsWith("valid")) CompressionHistory.fromJson(json);
            else assertThrows(IllegalArgumentException.class, () -> CompressionHistory.fromJson(json));
        }));
    }

    private interface Loader {
        void load(byte[] bytes);
    }

    private static Stream<DynamicTest> cases(String rel, Loader loader) throws Exception {
        return files(resources().resolve(rel)).stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            byte[] bytes = Files.readAllBytes(p);
            if (p.getFileName().toString().startsWith("valid")) {
                loader.load(bytes);
            } else {
                ModelFormatException e = assertThrows(ModelFormatException.class, () -> loader.load(bytes), p.getFileName() + " loaded");
                assertTrue(e.getMessage().startsWith("seed"), e.getMessage());
            }
        }));
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("crash-")).sorted().toList();
        }
    }

    private static Path resources() throws Exception {
        return Path.of(HostileFilesTest.class.getResource("/dev/secateur/nn").toURI());
    }
}
