#!/usr/bin/env python3
"""An independent decoder of Secateur model files (docs/file-format.md), standard library only.

  python3 decode_secateur.py MODEL.safetensors [--out DENSE.safetensors] [--no-verify]

Reads a compressed model (secateur.format = secateur-compressed/1: sparse float32 or int8
weights, dense int8, per-tensor CRC32C) or a plain model file (format = secateur-model) and
prints every parameter with its shape, stored encoding and number of non-zeros. With --out it
writes all parameters and buffers as dense little-endian float32 tensors (pruned weights as
zeros, masks left out) to a plain safetensors file that numpy, PyTorch or Secateur's state-dict
import can read; its __metadata__ "architecture" holds the model's layer list.
Exit status: 0 on success, 2 on a malformed file (one line on stderr).
"""
import array
import json
import struct
import sys
import zlib

FORMAT_COMPRESSED = "secateur-compressed/1"
FORMAT_PLAIN = "secateur-model"
ESCAPE = 255
ITEMSIZE = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2, "I16": 2, "U16": 2,
            "I8": 1, "U8": 1, "BOOL": 1, "F8_E5M2": 1, "F8_E4M3": 1}


class FormatError(Exception):
    pass


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as java.util.zip.CRC32C."""
    c = 0xFFFFFFFF
    t = CRC32C_TABLE
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def read_safetensors(path):
    """(metadata dict, {name: (dtype, shape, raw bytes)}) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise FormatError(f"{path}: {len(data)} bytes, too short for the header length")
    n = struct.unpack_from("<Q", data, 0)[0]
    if n > len(data) - 8:
        raise FormatError(f"{path}: header length {n} exceeds the file")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = memoryview(data)[8 + n:]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if not 0 <= begin <= end <= len(body) or end - begin != count * ITEMSIZE[info["dtype"]]:
            raise FormatError(f"{path}: tensor {name}: data_offsets {begin, end} do not fit its shape or the file")
        tensors[name] = (info["dtype"], list(info["shape"]), bytes(body[begin:end]))
    return meta, tensors


def floats(raw):
    a = array.array("f")
    a.frombytes(raw)
    if sys.byteorder == "big":
        a.byteswap()
    return a


def int8s(raw):
    a = array.array("b")
    a.frombytes(raw)
    return a


def product(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def inflate(raw, length, what):
    """Raw Deflate (no zlib header) that must yield exactly `length` bytes."""
    d = zlib.decompressobj(-15)
    out = d.decompress(raw, length + 1)
    if len(out) != length or d.unconsumed_tail:
        raise FormatError(f"{what}: compressed stream does not hold exactly {length} bytes")
    return out


def positions(gaps, count, size, what):
    """Kept flat indices from gap bytes: byte g < 255 = next kept index is g past the previous; 255 skips 255."""
    out, p = [], -1
    for g in gaps:
        if g == ESCAPE:
            p += ESCAPE
            continue
        p += g + 1
        if p >= size:
            raise FormatError(f"{what}: position {p} past the {size} elements")
        out.append(p)
    if len(out) != count:
        raise FormatError(f"{what}: {len(out)} positions, expected {count}")
    return out


def decode(path, verify=True):
    """(architecture JSON text, {name: (shape, float array, encoding description)}) of a model file."""
    meta, tensors = read_safetensors(path)
    if meta.get("secateur.format") == FORMAT_COMPRESSED:
        return decode_compressed(path, meta, tensors, verify)
    if meta.get("format") == FORMAT_PLAIN:
        out = {}
        for name, (dtype, shape, raw) in tensors.items():
            if name.endswith(".mask"):
                continue
            if dtype != "F32":
                raise FormatError(f"{path}: tensor {name} is {dtype}, expected F32")
            out[name] = (shape, floats(raw), "f32 dense")
        return meta["architecture"], out
    raise FormatError(f"{path}: not a Secateur model file (no secateur.format or format metadata)")


def decode_compressed(path, meta, tensors, verify):
    if verify and "secateur.crc32c" in meta:
        sums = json.loads(meta["secateur.crc32c"])
        for name, (_, _, raw) in tensors.items():
            got = "%08x" % crc32c(raw)
            if sums.get(name) != got:
                raise FormatError(f"{path}: tensor {name}: CRC32C {got}, the file recorded {sums.get(name)}")
    encoding = json.loads(meta["secateur.encoding"])
    out = {}
    for name, e in encoding.items():
        shape, size = e["shape"], product(e["shape"])
        rows = shape[0]
        row = size // rows if rows else 0
        int8 = e["dtype"] == "i8"
        scales = floats(tensors[name + "#scales"][2]) if int8 else None
        if e["encoding"] == "dense":
            if int8:
                codes = int8s(tensors[name + "#codes"][2])
                w = array.array("f", (codes[i] * scales[i // row] for i in range(size)))
            else:
                w = floats(tensors[name][2])
            out[name] = (shape, w, e["dtype"] + " dense")
            continue
        if e["encoding"] != "sparse":
            raise FormatError(f"{path}: {name}: unknown encoding {e['encoding']}")
        nnz = e["nnz"]
        gaps = inflate(tensors[name + "#positions"][2], e["positions_bytes"], f"{path}: {name}#positions")
        pos = positions(gaps, nnz, size, f"{path}: {name}")
        stored = tensors[name + "#values"][2]
        values = inflate(stored, e["values_bytes"], f"{path}: {name}#values") if e.get("values_deflated") else stored
        if len(values) != e["values_bytes"]:
            raise FormatError(f"{path}: {name}: {len(values)} value bytes, expected {e['values_bytes']}")
        w = array.array("f", bytes(4 * size))
        if int8:
            codes = int8s(values)
            for k, i in enumerate(pos):
                w[i] = codes[k] * scales[i // row]
        else:
            vals = floats(values)
            for k, i in enumerate(pos):
                w[i] = vals[k]
        out[name] = (shape, w, f"{e['dtype']} sparse")
    for name, (dtype, shape, raw) in tensors.items():
        if "#" in name:
            continue  # encodings and mask bitmaps
        if dtype != "F32":
            raise FormatError(f"{path}: tensor {name} is {dtype}, expected F32")
        out[name] = (shape, floats(raw), "f32 dense")
    return meta["secateur.model"], out


def write_dense(path, architecture, weights):
    """A plain safetensors file of float32 tensors (sorted by name) with the architecture in its metadata."""
    header = {"__metadata__": {"format": "pt", "architecture": architecture}}
    blobs, offset = [], 0
    for name in sorted(weights):
        shape, w, _ = weights[name]
        a = array.array("f", w)
        if sys.byteorder == "big":
            a.byteswap()
        raw = a.tobytes()
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    verify = "--no-verify" not in argv
    out = None
    if "--out" in argv:
        i = argv.index("--out")
        if i + 1 >= len(argv):
            sys.exit(__doc__)
        out = argv[i + 1]
        args.remove(out)
    if len(args) != 1:
        sys.exit(__doc__)
    try:
        architecture, weights = decode(args[0], verify)
    except (FormatError, KeyError, ValueError, TypeError, zlib.error) as e:
        print(f"error: {e}" if isinstance(e, FormatError) else f"error: {args[0]}: malformed file ({type(e).__name__}: {e})",
              file=sys.stderr)
        return 2
    for name in sorted(weights):
        shape, w, how = weights[name]
        print(f"{name:32s} {str(shape):18s} {how:12s} {sum(1 for x in w if x != 0)}/{len(w)} non-zero")
    if out:
        write_dense(out, architecture, weights)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
