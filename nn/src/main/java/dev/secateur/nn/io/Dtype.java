package dev.secateur.nn.io;

import java.util.Optional;

/**
 * Element types of the safetensors format, by their header names. All are recognised when a
 * file is validated; typed accessors exist for the ones Secateur uses.
 */
public enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    I64(8), U64(8), F64(8);

    private final int bytes;

    Dtype(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() { return bytes; }

    /** The dtype with this exact header name ("F32", "I8", ...), if any. */
    public static Optional<Dtype> fromName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) return Optional.of(d);
        }
        return Optional.empty();
    }
}
