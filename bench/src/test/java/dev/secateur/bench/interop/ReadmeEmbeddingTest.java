package dev.secateur.bench.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.datasets.Dataset;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.Normalization;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding section works as written: its Java block compiles against the nn,
 * tensor and datasets classes alone and classifies a sample image as the library does; its
 * Maven coordinates are the ones the poms declare.
 */
class ReadmeEmbeddingTest {
    static final Path README = Path.of("..", "README.md");

    @TempDir
    Path dir;

    static String embeddingSection() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("## Embedding");
        assertTrue(start >= 0, "README has no Embedding section");
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    static String fenced(String section, String language) {
        Matcher m = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertTrue(m.find(), "no ```" + language + " block in the Embedding section");
        return m.group(1);
    }

    @Test
    void coordinatesMatchThePoms() throws Exception {
        String xml = fenced(embeddingSection(), "xml");
        String nnPom = Files.readString(Path.of("..", "nn", "pom.xml"));
        String parentPom = Files.readString(Path.of("..", "pom.xml"));
        assertTrue(nnPom.contains("<artifactId>secateur-nn</artifactId>"));
        assertTrue(xml.contains("<artifactId>secateur-nn</artifactId>"), xml);
        assertTrue(xml.contains("<groupId>" + tag(parentPom, "groupId") + "</groupId>"), xml);
        assertTrue(xml.contains("<version>" + tag(parentPom, "version") + "</version>"), xml);
        assertTrue(fenced(embeddingSection(), "bash").contains("mvn -q install"));
    }

    /** The first {@code <tag>} of the pom after its {@code <modelVersion>} (the project's own). */
    private static String tag(String pom, String tag) {
        String rest = pom.substring(pom.indexOf("</modelVersion>"));
        Matcher m = Pattern.compile("<" + tag + ">([^<]+)</" + tag + ">").matcher(rest);
        assertTrue(m.find(), tag);
        return m.group(1);
    }

    @Test
    void exampleCompilesAndClassifiesASampleImage() throws Exception {
        String source = fenced(embeddingSection(), "java");
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(cls.find(), "the example has no public class");
        Path src = dir.resolve(cls.group(1) + ".java");
        Files.writeString(src, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = String.join(java.io.File.pathSeparator, location(Model.class), location(Tensor.class),
                location(FashionMnist.class));
        StringWriter diagnostics = new StringWriter();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        boolean ok = javac.getTask(diagnostics, null, null, List.of("--add-modules", "jdk.incubator.vector", "-classpath", classpath,
                "-d", classes.toString(), "-proc:none"), null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(src)).call();
        assertTrue(ok, "README example does not compile:\n" + diagnostics);

        Path model = Path.of("..", "models", "lenet5-12x.safetensors");
        Dataset test = FashionMnist.loadSample().test();
        int index = 3;
        float[] unit = new float[test.imageSize()];
        test.withNormalization(Normalization.UNIT).copyImage(index, unit, 0);
        byte[] pixels = new byte[unit.length];
        for (int i = 0; i < unit.length; i++) pixels[i] = (byte) Math.round(unit[i] * 255f);
        Path image = dir.resolve("image.raw");
        Files.write(image, pixels);

        String printed = runMain(classes, cls.group(1), model.toString(), image.toString()).strip();

        float[] normalized = new float[test.imageSize()];
        test.copyImage(index, normalized, 0);
        float[] logits = CompiledModel.compile(CompressedModelFile.load(model).model()).predict(normalized);
        int best = 0;
        for (int c = 1; c < logits.length; c++) if (logits[c] > logits[best]) best = c;
        assertEquals(FashionMnist.CLASS_NAMES.get(best), printed);
        assertEquals(FashionMnist.CLASS_NAMES.get(test.label(index)), printed, "the sample image is one the model gets right");
    }

    private static String runMain(Path classes, String name, String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ReadmeEmbeddingTest.class.getClassLoader())) {
            Method main = loader.loadClass(name).getMethod("main", String[].class);
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
