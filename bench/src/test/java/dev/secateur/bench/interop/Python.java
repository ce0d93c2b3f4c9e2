package dev.secateur.bench.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the Python scripts of {@code bench/scripts} with an interpreter that has the modules they need. */
final class Python {
    static final Path SCRIPTS = Path.of("scripts");

    record Result(int exitCode, String output) {}

    private Python() {}

    /**
     * The first interpreter that imports all {@code modules}: {@code $SECATEUR_PYTHON} if set,
     * then Debian's {@code /usr/bin/python3} (where {@code python3-torch} installs torch), then
     * {@code python3} on the PATH.
     */
    static Optional<String> with(String... modules) {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("SECATEUR_PYTHON");
        if (configured != null && !configured.isBlank()) candidates.add(configured);
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String python : candidates) {
            try {
                String imports = modules.length == 0 ? "pass" : "import " + String.join(", ", modules);
                if (run(python, "-c", imports).exitCode() == 0) return Optional.of(python);
            } catch (IOException | InterruptedException notUsable) {
                // try the next one
            }
        }
        return Optional.empty();
    }

    /** Runs a command with stderr merged into stdout; at most 3 minutes. */
    static Result run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.complete("");
            }
        });
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 3 minutes");
        }
        return new Result(p.exitValue(), out.join());
    }

    static String script(String name) {
        Path p = SCRIPTS.resolve(name);
        if (!Files.isRegularFile(p)) throw new IllegalStateException("no script " + p.toAbsolutePath());
        return p.toString();
    }
}
