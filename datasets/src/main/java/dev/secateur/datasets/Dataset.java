package dev.secateur.datasets;

import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * An immutable labelled image set: {@code size()} images of {@code channels x height x width}
 * (CHW), an integer label per image, the class names, and where the data came from.
 *
 * <p>Pixels are kept as the original bytes (a quarter of the memory of floats, and truly
 * immutable) and become normalized floats only when copied out, through the
 * {@link Normalization}'s lookup table: {@link #images()} for the whole set as a
 * {@code [n, c, h, w]} tensor, {@link #copyImage} for one image, {@link Batcher} for batches.
 */
public final class Dataset {
    private final String name;
    private final String source;
    private final boolean sample;
    private final List<String> classNames;
    private final ImageBytes pixels;
    private final int[] labels;
    private final Normalization normalization;

    private Dataset(String name, String source, boolean sample, List<String> classNames, ImageBytes pixels, int[] labels,
                    Normalization normalization) {
        this.name = name;
        this.source = source;
        this.sample = sample;
        this.classNames = classNames;
        this.pixels = pixels;
        this.labels = labels;
        this.normalization = normalization;
    }

    /**
     * A dataset over {@code pixels} (taken over, not copied: the caller must not keep it) and
     * {@code labels} (copied).
     *
     * @param name          what it is, e.g. "Fashion-MNIST train"
     * @param source        where it came from, e.g. "Fashion-MNIST full set (/usr/share/datasets/fashion-mnist)"
     * @param sample        true for the small bundled sample rather than the full data
     * @param classNames    one name per class; every label must index it
     * @param normalization applied when pixels are copied out as floats
     */
    public static Dataset of(String name, String source, boolean sample, List<String> classNames, ImageBytes pixels, int[] labels,
                             Normalization normalization) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        List<String> classes = List.copyOf(classNames);
        if (classes.isEmpty()) throw new IllegalArgumentException(name + ": no class names");
        if (labels.length != pixels.count()) {
            throw new IllegalArgumentException(name + ": " + pixels.count() + " images but " + labels.length + " labels");
        }
        if (!normalization.fits(pixels.channels())) {
            throw new IllegalArgumentException(name + ": " + normalization + " does not fit " + pixels.channels() + " channels");
        }
        int[] copy = labels.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0 || copy[i] >= classes.size()) {
                throw new IllegalArgumentException(
                        name + ": label " + copy[i] + " of image " + i + " is outside 0.." + (classes.size() - 1));
            }
        }
        return new Dataset(name, source, sample, classes, pixels, copy, normalization);
    }

    /** The same data under another source description (shares the pixel bytes). */
    public Dataset withSource(String newSource) {
        return new Dataset(name, Objects.requireNonNull(newSource, "source"), sample, classNames, pixels, labels, normalization);
    }

    /** What the set is, e.g. "Fashion-MNIST train". */
    public String name() { return name; }

    /**
     * Where the data came from, naming the set and saying full or sample, e.g. "Fashion-MNIST
     * full set (/data/fmnist)" or "Fashion-MNIST bundled sample (4000 train / 1000 test)"; print
     * it with every result.
     */
    public String source() { return source; }

    /** True when this is the small bundled sample, not the full data set. */
    public boolean isSample() { return sample; }

    public List<String> classNames() { return classNames; }
    public int numClasses() { return classNames.size(); }
    public int size() { return pixels.count(); }
    public int channels() { return pixels.channels(); }
    public int height() { return pixels.height(); }
    public int width() { return pixels.width(); }

    /** Floats per image: channels x height x width. */
    public int imageSize() { return pixels.imageSize(); }

    /** The shape of one image, {@code [c, h, w]}. */
    public Shape imageShape() { return Shape.of(channels(), height(), width()); }

    public Normalization normalization() { return normalization; }

    /** The pixel bytes, for batch filling inside this package (never handed out). */
    ImageBytes pixelBytes() { return pixels; }

    /** The same images and labels under another normalization (shares the pixel bytes). */
    public Dataset withNormalization(Normalization n) {
        if (!n.fits(channels())) throw new IllegalArgumentException(name + ": " + n + " does not fit " + channels() + " channels");
        return new Dataset(name, source, sample, classNames, pixels, labels, n);
    }

    public int label(int i) {
        Objects.checkIndex(i, labels.length);
        return labels[i];
    }

    /** All labels (a copy). */
    public int[] labels() { return labels.clone(); }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int l : labels) counts[l]++;
        return counts;
    }

    /** The raw 0..255 value of element {@code j} (CHW order) of image {@code i}. */
    public int rawPixel(int i, int j) {
        Objects.checkIndex(i, size());
        Objects.checkIndex(j, imageSize());
        return pixels.pixels()[i * imageSize() + j] & 0xff;
    }

    /** Writes image {@code i}, normalized, to {@code dst[dstOff .. dstOff + imageSize())}. */
    public void copyImage(int i, float[] dst, int dstOff) {
        Objects.checkIndex(i, size());
        Objects.checkFromIndexSize(dstOff, imageSize(), dst.length);
        normalization.convert(pixels.pixels(), i * imageSize(), channels(), height() * width(), dst, dstOff);
    }

    /** Image {@code i} as a new normalized {@code [1, c, h, w]} tensor. */
    public Tensor image(int i) {
        Tensor t = Tensor.zeros(1, channels(), height(), width());
        copyImage(i, t.data(), 0);
        return t;
    }

    /** Every image as a new normalized {@code [n, c, h, w]} tensor. */
    public Tensor images() {
        Tensor t = Tensor.zeros(size(), channels(), height(), width());
        float[] d = t.data();
        for (int i = 0; i < size(); i++) copyImage(i, d, i * imageSize());
        return t;
    }

    /** Images {@code [from, to)} as a new dataset (copied). */
    public Dataset subset(int from, int to) {
        Objects.checkFromToIndex(from, to, size());
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) idx[i] = from + i;
        return subset(idx);
    }

    /** The images at {@code indices}, in that order, as a new dataset (copied). */
    public Dataset subset(int[] indices) {
        int sz = imageSize();
        byte[] dst = new byte[Math.multiplyExact(indices.length, sz)];
        int[] lab = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], size());
            System.arraycopy(pixels.pixels(), i * sz, dst, k * sz, sz);
            lab[k] = labels[i];
        }
        ImageBytes sub = new ImageBytes(indices.length, channels(), height(), width(), dst);
        return new Dataset(name, source + ", subset of " + indices.length, sample, classNames, sub, lab, normalization);
    }

    /** One line for logs: name, count, geometry, classes and source. */
    public String describe() {
        return name + ": " + size() + " images " + channels() + "x" + height() + "x" + width() + ", " + numClasses()
                + " classes, from " + source;
    }

    @Override public String toString() { return describe(); }
}
