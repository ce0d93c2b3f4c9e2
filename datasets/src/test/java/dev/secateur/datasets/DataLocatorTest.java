package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {
    @TempDir Path tmp;
    Path explicit, env, system;

    @BeforeEach
    void makeThreeCompleteDirectories() {
        explicit = tmp.resolve("explicit");
        env = tmp.resolve("env");
        system = tmp.resolve("system");
        TestFiles.fashionDir(explicit, 10, 10, false);
        TestFiles.fashionDir(env, 10, 10, true);
        TestFiles.fashionDir(system, 10, 10, true);
    }

    private static DataLocator locator(Path envDir, Path systemDir) {
        return DataLocator.fashionMnist(envDir == null ? Map.of() : Map.of(DataLocator.ENV_VAR, envDir.toString()), systemDir);
    }

    @Test
    void explicitBeatsEnvironmentBeatsSystemBeatsSample() {
        DataLocator.Location l = locator(env, system).locate(explicit);
        assertEquals(DataLocator.Origin.EXPLICIT, l.origin());
        assertEquals(explicit, l.directory());

        l = locator(env, system).locate(null);
        assertEquals(DataLocator.Origin.ENVIRONMENT, l.origin());
        assertEquals(env, l.directory());

        l = locator(null, system).locate(null);
        assertEquals(DataLocator.Origin.SYSTEM, l.origin());
        assertEquals(system, l.directory());

        l = locator(null, tmp.resolve("absent")).locate(null);
        assertEquals(DataLocator.Origin.SAMPLE, l.origin());
        assertNull(l.directory());
        assertTrue(l.isSample());
        assertTrue(l.description().contains("absent"), l.description());
    }

    @Test
    void incompleteSystemDirectoryFallsBackToSampleAndSaysSo() throws Exception {
        java.nio.file.Files.delete(system.resolve(FashionMnist.TEST_LABELS + ".gz"));
        DataLocator.Location l = locator(null, system).locate(null);
        assertTrue(l.isSample());
        assertTrue(l.description().contains("incomplete"), l.description());
    }

    @Test
    void missingExplicitDirectoryIsAnErrorNotAFallback() {
        Path missing = tmp.resolve("nope");
        var e = assertThrows(DataNotFoundException.class, () -> locator(env, system).locate(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void incompleteExplicitDirectoryListsTheMissingFiles() throws Exception {
        java.nio.file.Files.delete(explicit.resolve(FashionMnist.TRAIN_LABELS));
        var e = assertThrows(DataNotFoundException.class, () -> locator(null, null).locate(explicit));
        assertTrue(e.getMessage().contains(FashionMnist.TRAIN_LABELS) && !e.getMessage().contains(FashionMnist.TEST_LABELS),
                e.getMessage());
    }

    @Test
    void brokenEnvironmentVariableIsAnErrorNotAFallback() {
        Path missing = tmp.resolve("gone");
        var e = assertThrows(DataNotFoundException.class, () -> locator(missing, system).locate(null));
        assertTrue(e.getMessage().contains("$SECATEUR_DATA") && e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void environmentMayPointAtARootWithAFashionMnistSubdirectory() {
        Path root = tmp.resolve("root");
        TestFiles.fashionDir(root.resolve("fashion-mnist"), 10, 10, true);
        DataLocator.Location l = locator(root, null).locate(null);
        assertEquals(root.resolve("fashion-mnist"), l.directory());
    }

    @Test
    void rawFilesArePreferredOverGzipWhenBothExist() {
        TestFiles.fashionDir(explicit, 10, 10, true);
        assertEquals(explicit.resolve(FashionMnist.TRAIN_IMAGES), DataLocator.dataFile(explicit, FashionMnist.TRAIN_IMAGES));
        assertEquals(env.resolve(FashionMnist.TRAIN_IMAGES + ".gz"), DataLocator.dataFile(env, FashionMnist.TRAIN_IMAGES));
    }
}
