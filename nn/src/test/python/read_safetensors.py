#!/usr/bin/env python3
"""Independent reader of the safetensors format, written from the published specification only.

Usage: read_safetensors.py FILE [--decoder auto|struct|numpy|torch]

Validates FILE (header length, UTF-8 JSON header, dtypes, shapes, offsets, no overlap, no hole)
and prints one tab-separated line per tensor, sorted by name:

    name  dtype  shape(JSON)  sha256(raw bytes)  sum(repr of the correctly rounded float64 sum)

then a final line "__metadata__<TAB>{...}" with the metadata as JSON (sorted keys). Exits with
status 1 and a message starting "invalid:" on stderr when the file breaks the format.
Only the standard library is required; numpy and torch are used for decoding when present.
"""
import hashlib
import json
import math
import struct
import sys

MAX_HEADER = 100_000_000

# dtype -> (bytes per element, struct code or None, numpy dtype string)
DTYPES = {
    "BOOL": (1, "?", "?"),
    "U8": (1, "B", "u1"),
    "I8": (1, "b", "i1"),
    "F8_E5M2": (1, None, None),
    "F8_E4M3": (1, None, None),
    "I16": (2, "h", "<i2"),
    "U16": (2, "H", "<u2"),
    "F16": (2, "e", "<f2"),
    "BF16": (2, None, None),
    "I32": (4, "i", "<i4"),
    "U32": (4, "I", "<u4"),
    "F32": (4, "f", "<f4"),
    "I64": (8, "q", "<i8"),
    "U64": (8, "Q", "<u8"),
    "F64": (8, "d", "<f8"),
}


class Invalid(Exception):
    pass


def no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise Invalid("duplicate key %r in header" % k)
        d[k] = v
    return d


def reject_constant(name):
    raise Invalid("non-standard JSON constant %s in header" % name)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def parse(data):
    if len(data) < 8:
        raise Invalid("file of %d bytes has no 8-byte header length" % len(data))
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER:
        raise Invalid("header length %d over the %d cap" % (n, MAX_HEADER))
    if 8 + n > len(data):
        raise Invalid("header length %d beyond end of file (%d bytes)" % (n, len(data)))
    raw = data[8:8 + n]
    if not raw.startswith(b"{"):
        raise Invalid("header does not start with '{'")
    try:
        text = raw.decode("utf-8")
        header = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError) as e:
        raise Invalid("bad header: %s" % e)
    if not isinstance(header, dict):
        raise Invalid("header is not an object")
    buffer = data[8 + n:]
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise Invalid("__metadata__ must map strings to strings")
    tensors = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise Invalid("entry %r must have exactly dtype, shape, data_offsets" % name)
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            raise Invalid("entry %r: unknown dtype %r" % (name, dtype))
        if not isinstance(shape, list) or not all(is_int(d) and d >= 0 for d in shape):
            raise Invalid("entry %r: bad shape %r" % (name, shape))
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(is_int(o) and o >= 0 for o in offsets)):
            raise Invalid("entry %r: bad data_offsets %r" % (name, offsets))
        begin, end = offsets
        if not begin <= end <= len(buffer):
            raise Invalid("entry %r: offsets %r outside buffer of %d bytes" % (name, offsets, len(buffer)))
        count = math.prod(shape)
        if count * DTYPES[dtype][0] != end - begin:
            raise Invalid("entry %r: shape %r of %s does not fill [%d, %d)" % (name, shape, dtype, begin, end))
        tensors.append((begin, end, name, dtype, shape))
    position = 0
    for begin, end, name, _, _ in sorted(tensors):
        if begin != position:
            raise Invalid("entry %r starts at %d, expected %d (overlap or hole)" % (name, begin, position))
        position = end
    if position != len(buffer):
        raise Invalid("%d trailing buffer bytes not covered" % (len(buffer) - position))
    return tensors, buffer, metadata


def decode(dtype, raw, decoder):
    size, code, np_dtype = DTYPES[dtype]
    count = len(raw) // size
    if dtype == "BF16":
        return [struct.unpack("<f", b"\0\0" + raw[i:i + 2])[0] for i in range(0, len(raw), 2)]
    if code is None:
        return None  # 8-bit floats: checksum only
    if decoder == "torch" and dtype == "F32":
        import torch
        return torch.frombuffer(bytearray(raw), dtype=torch.float32).tolist() if count else []
    if decoder in ("numpy", "torch"):
        import numpy
        return numpy.frombuffer(raw, dtype=numpy.dtype(np_dtype)).astype(numpy.float64).tolist()
    return [float(v) for v in struct.unpack("<%d%s" % (count, code), raw)]


def pick_decoder(requested):
    if requested != "auto":
        return requested
    for module in ("torch", "numpy"):
        try:
            __import__(module)
            return module
        except ImportError:
            pass
    return "struct"


def main(argv):
    path = argv[1]
    decoder = pick_decoder(argv[3] if len(argv) > 3 and argv[2] == "--decoder" else "auto")
    with open(path, "rb") as f:
        data = f.read()
    try:
        tensors, buffer, metadata = parse(data)
    except Invalid as e:
        print("invalid: %s: %s" % (path, e), file=sys.stderr)
        return 1
    print("decoder: " + decoder, file=sys.stderr)
    for begin, end, name, dtype, shape in sorted(tensors, key=lambda t: t[2]):
        raw = buffer[begin:end]
        values = decode(dtype, raw, decoder)
        total = repr(math.fsum(values)) if values is not None else "-"
        print("\t".join([name, dtype, json.dumps(shape, separators=(",", ":")),
                         hashlib.sha256(raw).hexdigest(), total]))
    print("__metadata__\t" + json.dumps(metadata, sort_keys=True, ensure_ascii=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
