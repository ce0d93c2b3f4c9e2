package dev.secateur.prune;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The nn compressed file encodes exactly the weights the pruners work on, and keeps their masks. */
class PrunedFileTest {

    @Test
    void fileEncodesEveryPrunableWeightAndKeepsTheMasks(@TempDir Path dir) throws Exception {
        for (Model m : List.of(TestModels.convNet(1), TestModels.mlp(2))) {
            new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, Scope.GLOBAL, 0.2));
            for (boolean int8 : new boolean[]{false, true}) {
                byte[] bytes = CompressedModelFile.toBytes(m, new CompressionHistory(), int8);
                SafetensorsFile f = SafetensorsFile.parse(bytes, m.architecture());
                Set<String> encoded = Json.parseObject(f.metadata(CompressedModelFile.ENCODING_KEY)).keySet();
                Set<String> prunable = PrunableLayer.findAll(m).stream().map(l -> l.weight().name()).collect(Collectors.toSet());
                assertEquals(prunable, encoded, m.architecture());
                Path file = dir.resolve(m.architecture() + int8 + ".safetensors");
                CompressedModelFile.save(m, new CompressionHistory(), int8, file);
                List<PrunableLayer> back = PrunableLayer.findAll(CompressedModelFile.load(file).model());
                List<PrunableLayer> before = PrunableLayer.findAll(m);
                for (int i = 0; i < before.size(); i++) {
                    assertArrayEquals(before.get(i).weight().maskArray(), back.get(i).weight().maskArray(), before.get(i).name());
                }
            }
        }
    }
}
