package dev.secateur.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 (binary version): 50000 training images in {@code data_batch_1..5.bin} and 10000 test
 * images in {@code test_batch.bin}, 3 x 32 x 32. There is no system package and no bundled
 * sample: it is read from an explicit directory or {@code $SECATEUR_DATA}.
 */
public final class Cifar10 {
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST_FILE = "test_batch.bin";
    /** Every file the binary distribution holds (each raw or {@code .gz}). */
    static final List<String> FILES = concat(TRAIN_FILES, TEST_FILE);

    private Cifar10() {}

    /**
     * Loads CIFAR-10 from {@code explicit} (null: {@code $SECATEUR_DATA}) with the standard
     * per-channel normalization.
     */
    public static TrainTest load(Path explicit) throws IOException {
        return load(DataLocator.cifar10().locate(explicit), Normalization.CIFAR10);
    }

    /** Loads from a location found by {@link DataLocator#cifar10()}. */
    public static TrainTest load(DataLocator.Location where, Normalization normalization) throws IOException {
        if (where.isSample()) throw new DataNotFoundException("CIFAR-10 has no bundled sample");
        Path dir = where.directory();
        String source = "CIFAR-10 full set (" + dir + ", " + where.description() + ")";
        List<LabeledImages> parts = new ArrayList<>();
        for (String f : TRAIN_FILES) parts.add(CifarReader.read(DataLocator.dataFile(dir, f)));
        LabeledImages train = join(parts);
        LabeledImages test = CifarReader.read(DataLocator.dataFile(dir, TEST_FILE));
        return new TrainTest(
                Dataset.of("CIFAR-10 train", source, false, CLASS_NAMES, train.images(), train.labels(), normalization),
                Dataset.of("CIFAR-10 test", source, false, CLASS_NAMES, test.images(), test.labels(), normalization));
    }

    private static LabeledImages join(List<LabeledImages> parts) {
        int n = 0;
        for (LabeledImages p : parts) n += p.labels().length;
        int size = CifarReader.RECORD_BYTES - 1;
        byte[] pixels = new byte[Math.multiplyExact(n, size)];
        int[] labels = new int[n];
        int at = 0;
        for (LabeledImages p : parts) {
            int k = p.labels().length;
            System.arraycopy(p.images().pixels(), 0, pixels, at * size, k * size);
            System.arraycopy(p.labels(), 0, labels, at, k);
            at += k;
        }
        return new LabeledImages(new ImageBytes(n, CifarReader.CHANNELS, CifarReader.HEIGHT, CifarReader.WIDTH, pixels), labels);
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return List.copyOf(out);
    }
}
