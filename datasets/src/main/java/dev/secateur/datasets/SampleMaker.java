package dev.secateur.datasets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes the bundled Fashion-MNIST sample from the full set: the first {@code trainPerClass}
 * training and {@code testPerClass} test images of every class, in file order (deterministic,
 * balanced), written as gzipped IDX files.
 *
 * <pre>
 * mvn -q -o -pl datasets -am compile
 * java -cp tensor/target/classes:datasets/target/classes dev.secateur.datasets.SampleMaker \
 *     /usr/share/datasets/fashion-mnist datasets/src/main/resources/dev/secateur/datasets/sample 400 100
 * </pre>
 */
public final class SampleMaker {
    private SampleMaker() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: SampleMaker FASHION_MNIST_DIR OUT_DIR [TRAIN_PER_CLASS=400] [TEST_PER_CLASS=100]");
            System.exit(2);
        }
        Path src = Path.of(args[0]), out = Path.of(args[1]);
        int trainPerClass = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        int testPerClass = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        TrainTest full = FashionMnist.loadDirectory(src, "Fashion-MNIST full set (" + src + ")", Normalization.FASHION_MNIST);
        write(balanced(full.train(), trainPerClass), out, FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS);
        write(balanced(full.test(), testPerClass), out, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS);
        System.out.println("wrote " + trainPerClass + " + " + testPerClass + " images per class from " + src + " to " + out);
    }

    /** The first {@code perClass} images of each class, in dataset order. */
    static Dataset balanced(Dataset d, int perClass) {
        int[] taken = new int[d.numClasses()];
        int[] pick = new int[perClass * d.numClasses()];
        int n = 0;
        for (int i = 0; i < d.size() && n < pick.length; i++) {
            int l = d.label(i);
            if (taken[l] < perClass) {
                taken[l]++;
                pick[n++] = i;
            }
        }
        if (n < pick.length) throw new IllegalArgumentException(d.name() + " has fewer than " + perClass + " images of some class");
        return d.subset(pick);
    }

    private static void write(Dataset d, Path out, String images, String labels) throws IOException {
        IdxWriter.writeImages(out.resolve(images + ".gz"), d.pixelBytes(), true);
        IdxWriter.writeLabels(out.resolve(labels + ".gz"), d.labels(), true);
    }
}
