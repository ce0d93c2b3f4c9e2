package dev.secateur.datasets;

import java.util.Arrays;

/** Shifts one image plane in place, filling with zeros: {@code out[y][x] = in[y - dy][x - dx]}. */
final class ImageShift {
    private ImageShift() {}

    static void shift(byte[] img, int base, int height, int width, int dy, int dx) {
        if (Math.abs(dy) >= height || Math.abs(dx) >= width) {
            Arrays.fill(img, base, base + height * width, (byte) 0);
            return;
        }
        // Visit target rows so that each source row is read before it is overwritten.
        for (int k = 0; k < height; k++) {
            int y = dy > 0 ? height - 1 - k : k;
            int sy = y - dy;
            int row = base + y * width;
            if (sy < 0 || sy >= height) {
                Arrays.fill(img, row, row + width, (byte) 0);
                continue;
            }
            int src = base + sy * width;
            int len = width - Math.abs(dx);
            if (dx >= 0) {
                System.arraycopy(img, src, img, row + dx, len); // arraycopy handles overlap
                Arrays.fill(img, row, row + dx, (byte) 0);
            } else {
                System.arraycopy(img, src - dx, img, row, len);
                Arrays.fill(img, row + len, row + width, (byte) 0);
            }
        }
    }
}
