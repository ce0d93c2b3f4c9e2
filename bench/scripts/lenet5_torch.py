#!/usr/bin/env python3
"""PyTorch baseline for `secateur train --model lenet5`: the same network, batch, optimizer and
thread count, timing seconds per training epoch on the full Fashion-MNIST training set.

Usage: /usr/bin/python3 bench/scripts/lenet5_torch.py [--data DIR] [--epochs 2] [--threads 2] [--batch 64]
Prints one line per epoch (training seconds, process CPU seconds, test accuracy) and a JSON summary line.
"""
import argparse, gzip, json, os, struct, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(d, name):
    for suffix in ("", ".gz"):
        p = os.path.join(d, name + suffix)
        if os.path.exists(p):
            return read_idx(p)
    raise SystemExit(f"{d} lacks {name}")


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("SECATEUR_DATA", "/usr/share/datasets/fashion-mnist"))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--max-batches", type=int, default=0,
                    help="time only this many batches per epoch (after 10 warm-up batches) and extrapolate to a full epoch")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    mean, std = 0.2860, 0.3530  # the same normalization as the datasets module
    xtr = torch.from_numpy(((load(a.data, "train-images-idx3-ubyte") / 255.0 - mean) / std).astype(np.float32)).unsqueeze(1)
    ytr = torch.from_numpy(load(a.data, "train-labels-idx1-ubyte").astype(np.int64))
    xte = torch.from_numpy(((load(a.data, "t10k-images-idx3-ubyte") / 255.0 - mean) / std).astype(np.float32)).unsqueeze(1)
    yte = torch.from_numpy(load(a.data, "t10k-labels-idx1-ubyte").astype(np.int64))
    model = LeNet5()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    steps = a.epochs * ((len(xtr) + a.batch - 1) // a.batch)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    times, cpu_times = [], []
    for epoch in range(a.epochs):
        model.train()
        perm = torch.randperm(len(xtr))
        starts = list(range(0, len(xtr), a.batch))
        warm = 10 if a.max_batches else 0
        timed = starts[warm:warm + a.max_batches] if a.max_batches else starts
        for k, i in enumerate(starts[:warm] + timed):
            if k == warm:
                t0, c0 = time.perf_counter(), time.process_time()
            idx = perm[i:i + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            sched.step()
        times.append((time.perf_counter() - t0) * len(starts) / len(timed))
        cpu_times.append((time.process_time() - c0) * len(starts) / len(timed))
        model.eval()
        with torch.no_grad():
            acc = (model(xte).argmax(1) == yte).float().mean().item()
        label = f" (extrapolated from {len(timed)} batches)" if a.max_batches else ""
        print(f"epoch {epoch + 1}: {times[-1]:.2f} s training, {cpu_times[-1]:.2f} CPU s{label}, test accuracy {100 * acc:.2f}%", flush=True)
    print(json.dumps({"framework": "pytorch " + torch.__version__, "threads": a.threads, "batch": a.batch,
                      "seconds_per_epoch": times, "cpu_seconds_per_epoch": cpu_times, "best_seconds_per_epoch": min(times), "test_accuracy": acc}))


if __name__ == "__main__":
    main()
