package dev.secateur.nn.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the Python cross-check scripts of {@code src/test/python} with whichever interpreter has the modules. */
final class PythonProcess {
    static final Path SCRIPTS = Path.of("src/test/python");

    record Result(int exitCode, String stdout, String stderr) {}

    private PythonProcess() {}

    /**
     * The first interpreter that imports all {@code modules}: {@code $SECATEUR_PYTHON} if set,
     * then {@code python3} on the PATH, then Debian's {@code /usr/bin/python3} (where the
     * {@code python3-torch} package installs torch).
     */
    static Optional<String> interpreterWith(String... modules) {
        if (!Files.isDirectory(SCRIPTS)) return Optional.empty();
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("SECATEUR_PYTHON");
        if (configured != null && !configured.isBlank()) candidates.add(configured);
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        String imports = modules.length == 0 ? "pass" : "import " + String.join(", ", modules);
        for (String python : candidates) {
            try {
                if (run(python, "-c", imports).exitCode() == 0) return Optional.of(python);
            } catch (IOException | InterruptedException notUsable) {
                // try the next candidate
            }
        }
        return Optional.empty();
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        // Drain stderr on another thread so that neither pipe can fill up and block the child.
        CompletableFuture<String> err = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.complete("");
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), out, err.join());
    }

    static String script(String name) {
        return SCRIPTS.resolve(name).toString();
    }
}
