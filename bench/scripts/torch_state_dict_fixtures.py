#!/usr/bin/python3
"""PyTorch state_dict fixtures for Secateur's state-dict import, and the check of its export.

  /usr/bin/python3 bench/scripts/torch_state_dict_fixtures.py write [DIR]
      Builds three seeded PyTorch models, saves each state_dict as safetensors plus the
      logits it gives on fixed inputs (DIR defaults to nn/src/test/resources/dev/secateur/nn/torch):
        lenet5_seq    LeNet-5 as one nn.Sequential (keys 0.weight, 3.weight, 7.weight, ...)
        lenet300_f16  LeNet-300-100 with modules fc1, fc2, fc3, saved as float16
        bn_cnn        conv (bias=False) + BatchNorm2d + pool + linear, keys features.* and
                      classifier.*, with the JSON architecture description bn_cnn.json
        resnet8_f16   Secateur's zoo ResNet-8 written torchvision-style (conv1, bn1,
                      layer1.0.conv1, ..., layer2.0.downsample.0, fc; convs bias=False), float16

  /usr/bin/python3 bench/scripts/torch_state_dict_fixtures.py check NAME EXPORTED [DIR]
      Loads EXPORTED (a state dict written by Secateur) into the PyTorch model NAME with
      load_state_dict (strict), runs the fixed inputs and compares with the stored logits
      (max abs difference <= 1e-4). Exit 0 when they agree.

safetensors is written and read by hand (8-byte little-endian header length, JSON header,
raw little-endian data), so only torch and numpy are needed.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

DEFAULT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                           "nn", "src", "test", "resources", "dev", "secateur", "nn", "torch")
DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def save_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    # Like safetensors.torch: larger element types first, then by name (keeps data aligned).
    for name in sorted(tensors, key=lambda k: (-tensors[k].dtype.itemsize, k)):
        a = np.array(tensors[name], order="C")  # (ascontiguousarray would turn a scalar into shape [1])
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(body[b:e], dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<")).reshape(info["shape"])
    return out


class LeNet300(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class BnCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(4 * 14 * 14, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet8(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = nn.Sequential(BasicBlock(16, 16, 1))
        self.layer2 = nn.Sequential(BasicBlock(16, 32, 2))
        self.layer3 = nn.Sequential(BasicBlock(32, 64, 2))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


BN_CNN_JSON = {
    "architecture": "bn_cnn", "input": [1, 28, 28], "layers": [
        {"type": "conv2d", "name": "conv", "in_channels": 1, "out_channels": 4, "kernel": 3, "padding": 1, "torch": "features.0"},
        {"type": "batchnorm", "name": "bn", "channels": 4},
        {"type": "relu"},
        {"type": "maxpool2d", "kernel": 2},
        {"type": "flatten"},
        {"type": "dense", "name": "fc", "in": 784, "out": 10}]}


def lenet5_seq():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


BUILDERS = {"lenet5_seq": lenet5_seq, "lenet300_f16": LeNet300, "bn_cnn": BnCnn, "resnet8_f16": ResNet8}


def inputs():
    g = torch.Generator().manual_seed(7)
    # Roughly the range of normalized Fashion-MNIST pixels.
    return torch.randn(5, 1, 28, 28, generator=g) * 1.2


def write(directory):
    os.makedirs(directory, exist_ok=True)
    x = inputs()
    for seed, (name, build) in enumerate(BUILDERS.items()):
        torch.manual_seed(100 + seed)
        model = build()
        if name in ("bn_cnn", "resnet8_f16"):
            with torch.no_grad():
                for m in model.modules():
                    if isinstance(m, nn.BatchNorm2d):
                        m.weight.uniform_(0.5, 1.5)
                        m.bias.uniform_(-0.5, 0.5)
            model.train()
            for _ in range(3):  # non-trivial running statistics
                model(torch.randn(16, 1, 28, 28) * 2 + 0.3)
        if name == "bn_cnn":
            with open(os.path.join(directory, name + ".json"), "w") as f:
                head = {k: v for k, v in BN_CNN_JSON.items() if k != "layers"}
                f.write(json.dumps(head)[:-1] + ', "layers": [\n')
                f.write(",\n".join("  " + json.dumps(layer) for layer in BN_CNN_JSON["layers"]))
                f.write("]}\n")
        model.eval()
        state = model.state_dict()
        if name.endswith("_f16"):
            state = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}
            model.load_state_dict({k: v.float() for k, v in state.items()})
        with torch.no_grad():
            logits = model(x)
        save_safetensors(os.path.join(directory, name + ".safetensors"),
                         {k: v.numpy() for k, v in state.items()}, {"format": "pt"})
        save_safetensors(os.path.join(directory, name + ".expected.safetensors"),
                         {"inputs": x.numpy(), "logits": logits.numpy()})
        print(name, "keys:", " ".join(state.keys()))


def check(name, exported, directory):
    model = BUILDERS[name]()
    tensors = load_safetensors(exported)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    model.eval()
    expected = load_safetensors(os.path.join(directory, name + ".expected.safetensors"))
    with torch.no_grad():
        logits = model(torch.from_numpy(expected["inputs"].copy())).numpy()
    diff = float(np.max(np.abs(logits - expected["logits"])))
    print(f"{name}: load_state_dict(strict=True) ok, max |logit difference| = {diff:.3g}")
    return diff <= 1e-4


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["write"]:
        write(args[1] if len(args) > 1 else DEFAULT_DIR)
    elif args[:1] == ["check"] and len(args) >= 3:
        sys.exit(0 if check(args[1], args[2], args[3] if len(args) > 3 else DEFAULT_DIR) else 1)
    else:
        sys.exit(__doc__)
