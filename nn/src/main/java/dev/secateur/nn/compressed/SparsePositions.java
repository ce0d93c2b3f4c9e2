package dev.secateur.nn.compressed;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compact positions of the kept weights of a flat tensor: one byte per kept weight holding the
 * gap to the previous one (gap 0..254), and an escape byte 255 that skips 255 positions without
 * a weight (Han et al.'s relative indexing with filler entries). At ~8% density the gaps average
 * ~12, so almost every kept weight costs one byte; the byte stream is then Deflate-compressed,
 * which brings it close to the entropy of the mask (~5 bits per kept weight at 8%).
 */
final class SparsePositions {
    private static final int ESCAPE = 255;

    private SparsePositions() {}

    /** Gap bytes of the kept positions ({@code keep[i] != 0}). */
    static byte[] encode(float[] keep) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = -1;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] == 0f) continue;
            int gap = i - prev - 1;
            while (gap >= ESCAPE) {
                out.write(ESCAPE);
                gap -= ESCAPE;
            }
            out.write(gap);
            prev = i;
        }
        return out.toByteArray();
    }

    /**
     * Kept positions from gap bytes; every position must be below {@code size}.
     *
     * @throws IllegalArgumentException naming {@code what} on a corrupt stream
     */
    static int[] decode(byte[] gaps, int count, int size, String what) {
        int[] pos = new int[count];
        long p = -1;
        int k = 0;
        for (byte b : gaps) {
            int g = b & 0xFF;
            if (g == ESCAPE) {
                p += ESCAPE;
                continue;
            }
            p += g + 1;
            if (k >= count || p >= size) {
                throw new IllegalArgumentException(what + ": position stream points past " + count + " entries / " + size + " elements");
            }
            pos[k++] = (int) p;
        }
        if (k != count) throw new IllegalArgumentException(what + ": position stream holds " + k + " entries, expected " + count);
        return pos;
    }

    /**
     * Raw Deflate, the smaller of the default strategy and Huffman-only: gap bytes have few
     * repeats, so LZ77 matches mostly cost more than they save.
     */
    static byte[] deflate(byte[] raw) {
        byte[] a = deflate(raw, Deflater.DEFAULT_STRATEGY);
        byte[] b = deflate(raw, Deflater.HUFFMAN_ONLY);
        return b.length < a.length ? b : a;
    }

    private static byte[] deflate(byte[] raw, int strategy) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setStrategy(strategy);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
        byte[] buf = new byte[8192];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return out.toByteArray();
    }

    /** Inflates exactly {@code length} bytes; anything else is a corrupt file. */
    static byte[] inflate(byte[] packed, int length, String what) {
        Inflater inf = new Inflater(true);
        inf.setInput(packed);
        byte[] out = new byte[length];
        try {
            int n = 0;
            while (n < length) {
                int r = inf.inflate(out, n, length - n);
                if (r == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) break;
                n += r;
            }
            if (n != length || inf.inflate(new byte[1]) != 0) {
                throw new IllegalArgumentException(what + ": compressed stream does not hold exactly " + length + " bytes");
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException(what + ": corrupt compressed stream: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
        return out;
    }
}
