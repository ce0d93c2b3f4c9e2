#!/usr/bin/env python3
"""Cross-check with the real Hugging Face `safetensors` library (when it is installed).

    check_with_safetensors.py read FILE [--framework numpy|pt]
        Opens FILE with safetensors.safe_open and prints the same lines as read_safetensors.py:
        name, dtype, shape, sha256 of the little-endian bytes, fsum of the values; then
        "__metadata__<TAB>{...}". Exits 1 with "invalid: ..." on stderr if the library refuses it.

    check_with_safetensors.py write FILE
        Writes a file with the library (several dtypes, an empty tensor, a scalar, metadata) and
        prints the same lines for it, so that the Java reader can be checked against them.
"""
import hashlib
import json
import math
import sys

import numpy

NAMES = {
    "bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "uint16": "U16", "float16": "F16",
    "int32": "I32", "uint32": "U32", "float32": "F32", "int64": "I64", "uint64": "U64", "float64": "F64",
}


def line(name, array):
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    total = math.fsum(array.astype(numpy.float64).ravel().tolist())
    return "\t".join([name, NAMES[array.dtype.name], json.dumps(list(array.shape), separators=(",", ":")),
                      hashlib.sha256(little.tobytes()).hexdigest(), repr(total)])


def read(path, framework):
    from safetensors import safe_open
    try:
        with safe_open(path, framework=framework) as f:
            arrays = {k: f.get_tensor(k) for k in f.keys()}
            metadata = f.metadata() or {}
    except Exception as e:  # the library raises its own error types; any refusal counts
        print("invalid: %s: %s" % (path, e), file=sys.stderr)
        return 1
    for name in sorted(arrays):
        a = arrays[name]
        print(line(name, a.numpy() if framework == "pt" else a))
    print("__metadata__\t" + json.dumps(metadata, sort_keys=True, ensure_ascii=True))
    return 0


def write(path):
    from safetensors.numpy import save_file
    rng = numpy.random.default_rng(5)
    arrays = {
        "conv.weight": rng.standard_normal((4, 1, 3, 3)).astype(numpy.float32),
        "conv.bias": numpy.array([0.5, -1.5, 1e-30, 3e38], dtype=numpy.float32),
        "half": rng.standard_normal(7).astype(numpy.float16),
        "q": rng.integers(-128, 128, size=(2, 5), dtype=numpy.int8),
        "mask": rng.integers(0, 2, size=9, dtype=numpy.uint8),
        "s": rng.integers(-30000, 30000, size=3, dtype=numpy.int16),
        "idx": rng.integers(-2**31, 2**31, size=6, dtype=numpy.int32),
        "big": numpy.array([2**62, -5, 7], dtype=numpy.int64),
        "empty": numpy.zeros((0, 3), dtype=numpy.float32),
        "scalar": numpy.array(2.5, dtype=numpy.float32),
    }
    metadata = {"format": "np", "architecture": "{\"layers\": [\"conv\"]}"}
    save_file(arrays, path, metadata=metadata)
    for name in sorted(arrays):
        print(line(name, arrays[name]))
    print("__metadata__\t" + json.dumps(metadata, sort_keys=True, ensure_ascii=True))
    return 0


def main(argv):
    if argv[1] == "write":
        return write(argv[2])
    framework = argv[4] if len(argv) > 4 and argv[3] == "--framework" else "numpy"
    return read(argv[2], framework)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
