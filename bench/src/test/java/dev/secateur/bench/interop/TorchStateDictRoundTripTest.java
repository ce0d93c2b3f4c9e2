package dev.secateur.bench.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secateur.nn.torch.StateDicts;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch state dict → Secateur → state dict → PyTorch: the exported file loads with
 * {@code load_state_dict(strict=True)} and gives PyTorch's stored logits within 1e-4
 * ({@code scripts/torch_state_dict_fixtures.py check}). Skipped where no Python has torch.
 */
class TorchStateDictRoundTripTest {
    static final Path FIXTURES = Path.of("..", "nn", "src", "test", "resources", "dev", "secateur", "nn", "torch");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"lenet5_seq, lenet5", "lenet300_f16, lenet300", "bn_cnn, bn_cnn.json", "resnet8_f16, resnet8"})
    void exportedStateDictLoadsInPyTorch(String fixture, String architecture) throws Exception {
        Optional<String> python = Python.with("torch", "numpy");
        assumeTrue(python.isPresent(), "no Python with torch and numpy");
        String arch = architecture.endsWith(".json") ? FIXTURES.resolve(architecture).toString() : architecture;
        StateDicts.Imported in = StateDicts.read(FIXTURES.resolve(fixture + ".safetensors"), arch);
        Path out = dir.resolve(fixture + ".safetensors");
        StateDicts.save(in.model(), out, in.torchNames(), in.biasFree());
        Python.Result r = Python.run(python.get(), Python.script("torch_state_dict_fixtures.py"), "check", fixture, out.toString(),
                FIXTURES.toString());
        assertEquals(0, r.exitCode(), r.output());
    }
}
