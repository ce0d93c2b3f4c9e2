package dev.secateur.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST: 60000 training and 10000 test grayscale images, 28 x 28, ten clothing classes,
 * in the four IDX files of the original distribution (raw or {@code .gz}).
 *
 * <p>{@link #load(Path)} finds the data with {@link DataLocator#fashionMnist()} (explicit path,
 * {@code $SECATEUR_DATA}, {@code /usr/share/datasets/fashion-mnist}, bundled sample) and the
 * result says which was used: {@link TrainTest#isSample()}, {@link TrainTest#describe()}.
 */
public final class FashionMnist {
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four files, each raw or with {@code .gz}. */
    static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    /** Classpath folder (relative to this class) of the bundled sample, gzipped IDX files. */
    static final String SAMPLE_RESOURCES = "sample/";

    private FashionMnist() {}

    /** {@link #load(Path)} with no explicit directory: environment, system package, or sample. */
    public static TrainTest load() throws IOException {
        return load((Path) null);
    }

    /**
     * Loads Fashion-MNIST from {@code explicit} if given (it must hold the data), else from
     * {@code $SECATEUR_DATA}, the Debian package directory, or the bundled sample; normalized
     * with {@link Normalization#FASHION_MNIST}.
     */
    public static TrainTest load(Path explicit) throws IOException {
        return load(DataLocator.fashionMnist().locate(explicit), Normalization.FASHION_MNIST);
    }

    /** Loads from a location chosen by a {@link DataLocator}. */
    public static TrainTest load(DataLocator.Location where, Normalization normalization) throws IOException {
        if (where.isSample()) return loadSample(normalization);
        return loadIdx(where, "Fashion-MNIST", CLASS_NAMES, normalization);
    }

    /** Loads the four files from {@code dir} (no searching), with the given source description. */
    public static TrainTest loadDirectory(Path dir, String source, Normalization normalization) throws IOException {
        return loadIdx(dir, "Fashion-MNIST", source, CLASS_NAMES, normalization);
    }

    /**
     * The four IDX files of an MNIST-style set at a located place. The source names the set the
     * standard full set only when it has the standard counts (60,000 / 10,000 images); data the
     * user pointed at with other counts is named a user-supplied subset.
     */
    static TrainTest loadIdx(DataLocator.Location where, String setName, List<String> classes, Normalization normalization) throws IOException {
        TrainTest tt = loadIdx(where.directory(), setName, "", classes, normalization);
        boolean full = tt.train().size() == 60_000 && tt.test().size() == 10_000;
        boolean user = where.origin() == DataLocator.Origin.EXPLICIT || where.origin() == DataLocator.Origin.ENVIRONMENT;
        String kind = full ? "full set" : user ? "user-supplied subset" : "subset";
        String source = setName + " " + kind + " (" + where.directory() + ", " + where.description()
                + (full ? "" : ", " + tt.train().size() + " train / " + tt.test().size() + " test") + ")";
        return new TrainTest(tt.train().withSource(source), tt.test().withSource(source));
    }

    static TrainTest loadIdx(Path dir, String setName, String source, List<String> classes, Normalization normalization) throws IOException {
        Path[] files = new Path[FILES.size()];
        for (int i = 0; i < files.length; i++) {
            files[i] = DataLocator.dataFile(dir, FILES.get(i));
            if (files[i] == null) throw new DataNotFoundException(dir + " lacks " + FILES.get(i) + " (raw or .gz)");
        }
        Dataset train = pair(setName + " train", source, false, classes, IdxReader.readImages(files[0]), files[0],
                IdxReader.readLabels(files[1], classes.size()), files[1], normalization);
        Dataset test = pair(setName + " test", source, false, classes, IdxReader.readImages(files[2]), files[2],
                IdxReader.readLabels(files[3], classes.size()), files[3], normalization);
        return new TrainTest(train, test);
    }

    /** The bundled sample with the default normalization ({@link Normalization#FASHION_MNIST}). */
    public static TrainTest loadSample() throws IOException {
        return loadSample(Normalization.FASHION_MNIST);
    }

    /**
     * The bundled sample: a few thousand images with balanced classes, taken from the full set
     * by {@link SampleMaker}. For demos and tests on machines without the data; its accuracy
     * figures are not comparable with the full test set.
     */
    public static TrainTest loadSample(Normalization normalization) throws IOException {
        ImageBytes trainImages = readSampleImages(TRAIN_IMAGES);
        int[] trainLabels = readSampleLabels(TRAIN_LABELS);
        ImageBytes testImages = readSampleImages(TEST_IMAGES);
        int[] testLabels = readSampleLabels(TEST_LABELS);
        String source = "Fashion-MNIST bundled sample (" + trainImages.count() + " train / " + testImages.count() + " test)";
        return new TrainTest(
                pair("Fashion-MNIST train", source, true, trainImages, Path.of(TRAIN_IMAGES), trainLabels, Path.of(TRAIN_LABELS),
                        normalization),
                pair("Fashion-MNIST test", source, true, testImages, Path.of(TEST_IMAGES), testLabels, Path.of(TEST_LABELS),
                        normalization));
    }

    private static Dataset pair(String name, String source, boolean sample, ImageBytes images, Path imageFile, int[] labels,
                                Path labelFile, Normalization normalization) {
        return pair(name, source, sample, CLASS_NAMES, images, imageFile, labels, labelFile, normalization);
    }

    private static Dataset pair(String name, String source, boolean sample, List<String> classes, ImageBytes images, Path imageFile,
                                int[] labels, Path labelFile, Normalization normalization) {
        if (images.count() != labels.length) {
            // The count is the first dimension, at offset 4 of both headers.
            throw new DatasetFormatException(labelFile.toString(), 4, "label count " + labels.length + " does not match the "
                    + images.count() + " images of " + imageFile);
        }
        return Dataset.of(name, source, sample, classes, images, labels, normalization);
    }

    private static ImageBytes readSampleImages(String base) throws IOException {
        try (InputStream in = openSample(base)) {
            return IdxReader.readImages(in, sampleName(base), -1);
        }
    }

    private static int[] readSampleLabels(String base) throws IOException {
        try (InputStream in = openSample(base)) {
            return IdxReader.readLabels(in, sampleName(base), -1, CLASS_NAMES.size());
        }
    }

    private static String sampleName(String base) {
        return "classpath:dev/secateur/datasets/" + SAMPLE_RESOURCES + base + ".gz";
    }

    private static InputStream openSample(String base) {
        InputStream in = FashionMnist.class.getResourceAsStream(SAMPLE_RESOURCES + base + ".gz");
        if (in == null) throw new IllegalStateException("the bundled sample " + sampleName(base) + " is missing from the classpath");
        return in;
    }
}
