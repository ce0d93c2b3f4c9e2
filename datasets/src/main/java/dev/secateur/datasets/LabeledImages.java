package dev.secateur.datasets;

/** Images and their labels as read from a file, before they become a {@link Dataset}. */
public record LabeledImages(ImageBytes images, int[] labels) {
    public LabeledImages {
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(images.count() + " images but " + labels.length + " labels");
        }
    }
}
