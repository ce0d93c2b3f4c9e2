#!/usr/bin/python3
"""ONNX fixtures written by an independent exporter (PyTorch's torch.onnx.export).

Default mode writes, under bench/src/test/resources/onnx/:
  lenet5.onnx       LeNet-5 (conv 6@5x5 pad 2, pool, conv 16@5x5, pool, 120, 84, 10), briefly trained
  mlp.onnx (+ mlp.onnx.data)  an MLP 784-64-32-10 whose graph starts with Sub/Div (input
                    normalization), weights in an external-data file
  resnet.onnx       a tiny ResNet: conv-BN-ReLU stem, an identity block, a stride-2 block with a
                    1x1 projection shortcut, global average pooling, dense 10
  images.bin        16 Fashion-MNIST test images, uint8, 16 x 784 (test set indices 0..15)
  labels.bin        their labels, uint8
  <name>.logits.bin the PyTorch logits for those images, float32 little-endian [16, 10]
LeNet-5 and the ResNet take inputs normalized as (pixel/255 - 0.2860)/0.3530; the MLP takes
pixel/255 and normalizes inside its graph.

`--walkthrough OUT.onnx --epochs N [--model lenet5|resnet]` trains LeNet-5 (or the tiny ResNet) on
the full training set instead, prints the test accuracy after each epoch and writes the ONNX file
(docs/onnx.md).
"""
import argparse
import gzip
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

from torch_state_dict_fixtures import BasicBlock as Block  # the residual block both fixture sets use

MEAN, STD = 0.2860, 0.3530
DATA = os.environ.get("SECATEUR_DATA", "/usr/share/datasets/fashion-mnist")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "onnx")


def idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def normalized(pixels):
    x = torch.from_numpy(pixels.astype(np.float32) / np.float32(255.0)).unsqueeze(1)
    return (x - MEAN) / STD


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten())
        self.classifier = nn.Sequential(
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class Mlp(nn.Module):
    """Takes pixel/255; the normalization is the first two nodes of the exported graph."""
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                                    nn.Linear(32, 10))

    def forward(self, x):
        return self.layers((x - MEAN) / STD)


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.block1 = Block(8, 8, 1)
        self.block2 = Block(8, 16, 2)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))

    def forward(self, x):
        return self.head(self.block2(self.block1(self.stem(x))))


class ViewNet(nn.Module):
    """Flattens with x.view(x.size(0), -1), the most common hand-written PyTorch idiom."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 5)
        self.fc = nn.Linear(4 * 12 * 12, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv(x)), 2)
        return self.fc(x.view(x.size(0), -1))


def view_fixtures():
    """viewnet.onnx (dynamic batch: Shape/Gather/Unsqueeze/Concat feed the Reshape) and
    viewnet_static.onnx (batch fixed at 1: the Reshape target is the constant [1, -1]); seeded,
    untrained weights; logits for images.bin in viewnet.logits.bin."""
    torch.manual_seed(5)
    model = ViewNet().eval()
    images = np.fromfile(os.path.join(OUT, "images.bin"), dtype=np.uint8).reshape(16, 28, 28)
    inputs = normalized(images)
    export(model, os.path.join(OUT, "viewnet.onnx"), inputs[:1])
    torch.onnx.export(model, inputs[:1], os.path.join(OUT, "viewnet_static.onnx"), opset_version=13,
                      input_names=["input"], output_names=["logits"])
    with torch.no_grad():
        model(inputs).numpy().astype("<f4").tofile(os.path.join(OUT, "viewnet.logits.bin"))


def train(model, x, y, epochs, batch=64, lr=0.01, seed=1):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), batch):
            j = order[i:i + batch]
            opt.zero_grad()
            loss_fn(model(x[j]), y[j]).backward()
            opt.step()
    model.eval()


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def export(model, path, sample, external=False):
    torch.onnx.export(model, sample, path, opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)
    if external:
        import onnx
        m = onnx.load(path)
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + ".data", size_threshold=0)


def fixtures(n_train, epochs):
    torch.manual_seed(0)
    train_px, train_y = idx("train-images-idx3-ubyte.gz")[:n_train], idx("train-labels-idx1-ubyte.gz")[:n_train]
    test_px, test_y = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
    xtr, ytr = normalized(train_px), torch.from_numpy(train_y.astype(np.int64))
    xte, yte = normalized(test_px), torch.from_numpy(test_y.astype(np.int64))
    os.makedirs(OUT, exist_ok=True)
    images = test_px[:16]
    images.tofile(os.path.join(OUT, "images.bin"))
    test_y[:16].tofile(os.path.join(OUT, "labels.bin"))
    for name, model, raw in (("lenet5", LeNet5(), False), ("mlp", Mlp(), True), ("resnet", TinyResNet(), False)):
        if raw:
            train(model, xtr * STD + MEAN, ytr, epochs)
            acc = accuracy(model, xte * STD + MEAN, yte)
            inputs = torch.from_numpy(images.astype(np.float32) / np.float32(255.0)).unsqueeze(1)
        else:
            train(model, xtr, ytr, epochs)
            acc = accuracy(model, xte, yte)
            inputs = normalized(images)
        path = os.path.join(OUT, name + ".onnx")
        export(model, path, inputs[:1], external=raw)
        with torch.no_grad():
            model(inputs).numpy().astype("<f4").tofile(os.path.join(OUT, name + ".logits.bin"))
        print(f"{name}: test accuracy {100 * acc:.2f}% after {epochs} epoch(s) on {n_train} images -> {path}")


def walkthrough(path, epochs, arch):
    torch.manual_seed(0)
    xtr = normalized(idx("train-images-idx3-ubyte.gz"))
    ytr = torch.from_numpy(idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    xte = normalized(idx("t10k-images-idx3-ubyte.gz"))
    yte = torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = LeNet5() if arch == "lenet5" else TinyResNet()
    for e in range(epochs):
        train(model, xtr, ytr, 1, seed=e + 1)
        print(f"epoch {e + 1}: test accuracy {100 * accuracy(model, xte, yte):.2f}%", flush=True)
    export(model, path, xte[:1])
    print(f"wrote {path}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--walkthrough", metavar="OUT.onnx")
    ap.add_argument("--view-only", action="store_true", help="write only the x.view(x.size(0), -1) fixtures")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--model", choices=["lenet5", "resnet"], default="lenet5", help="the walk-through's model")
    ap.add_argument("--train-images", type=int, default=10000)
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.walkthrough:
        walkthrough(a.walkthrough, a.epochs, a.model)
    elif a.view_only:
        view_fixtures()
    else:
        fixtures(a.train_images, a.epochs)
        view_fixtures()
