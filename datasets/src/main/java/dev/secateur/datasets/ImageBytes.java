package dev.secateur.datasets;

/**
 * Raw 8-bit images as stored on disk: {@code count} images of {@code channels x height x width}
 * unsigned bytes each, channel-major (CHW) and images back to back. The array is owned by the
 * record; readers hand over a fresh one and nobody else keeps it.
 */
public record ImageBytes(int count, int channels, int height, int width, byte[] pixels) {
    public ImageBytes {
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad image geometry: count " + count + ", " + channels + "x" + height + "x" + width);
        }
        if ((long) count * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(count + " images of " + channels + "x" + height + "x" + width
                    + " need " + (long) count * channels * height * width + " bytes, got " + pixels.length);
        }
    }

    /** Bytes per image: channels x height x width. */
    public int imageSize() { return channels * height * width; }
}
