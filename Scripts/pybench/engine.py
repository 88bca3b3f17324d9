#!/usr/bin/env python3
"""PyTorch CPU baseline for `palm bench engine`: the same CLIP-style transformer block
(pre-LN, causal attention, QuickGELU MLP) forward and forward+backward, median of 7 runs.
Prints one JSON line. Usage: engine.py BATCH TOKENS WIDTH"""
import json
import sys
import time

import torch

b, t, c = (int(a) for a in sys.argv[1:4])
torch.set_num_threads(2)
torch.manual_seed(0)
layer = torch.nn.TransformerEncoderLayer(c, 8, 4 * c, dropout=0.0, activation=lambda x: x * torch.sigmoid(1.702 * x),
                                         batch_first=True, norm_first=True)
x = torch.randn(b, t, c, requires_grad=True)
mask = torch.full((t, t), float("-inf")).triu(1)


def median(fn, n=7):
    fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[n // 2]


def step():
    layer.zero_grad()
    x.grad = None
    layer(x, src_mask=mask).sum().backward()


def forward():
    with torch.no_grad():
        layer(x, src_mask=mask)


# The fused fast path is inference-only; training runs the same composite ops palm does.
layer.train()
s = median(step)
layer.eval()
f = median(forward)
print(json.dumps({"forward_ms": f * 1e3, "step_ms": s * 1e3, "threads": torch.get_num_threads(), "version": torch.__version__}))
