#!/usr/bin/env python3
"""PyTorch CPU baseline for `palm bench prompting`: one CoOp / CoCoOp training step (forward,
backward, SGD) through a random-weight CLIP ViT-B/16 text tower (12 layers, width 512, 8
heads, QuickGELU, PENGI's 40-token prompts, causal mask, EOS pooling) and PENGI's projections
to d = 1024, as the CoOp reference runs it (the whole 40-token sequence, no truncation).
Prints one JSON line: {"coop": {"10": s, "50": s}, "cocoop": {...}}.

Usage: coop.py [--classes 10,50] [--cocoop-classes 10] [--repeats 3]"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

W, L, H, T, D, NCTX, B = 512, 12, 8, 40, 1024, 16, 16


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = torch.nn.LayerNorm(W), torch.nn.LayerNorm(W)
        self.qkv, self.out = torch.nn.Linear(W, 3 * W), torch.nn.Linear(W, W)
        self.fc1, self.fc2 = torch.nn.Linear(W, 4 * W), torch.nn.Linear(4 * W, W)

    def forward(self, x, mask):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, H, W // H).permute(2, 0, 3, 1, 4)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(1, 2).reshape(b, t, W)
        x = x + self.out(o)
        h = self.fc1(self.ln2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))


class TextTower(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.pos = torch.nn.Parameter(torch.randn(77, W) * 0.01)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(L))
        self.ln = torch.nn.LayerNorm(W)
        self.clip_proj = torch.nn.Linear(W, W, bias=False)
        self.l1, self.l2, self.lnp = torch.nn.Linear(W, D, bias=False), torch.nn.Linear(D, D, bias=False), torch.nn.LayerNorm(D)
        for p in self.parameters():
            p.requires_grad_(False)

    def forward(self, emb, eos):
        x = emb + self.pos[: emb.shape[1]]
        mask = torch.full((emb.shape[1], emb.shape[1]), float("-inf")).triu(1)
        for blk in self.blocks:
            x = blk(x, mask)
        x = self.ln(x)[torch.arange(emb.shape[0]), eos]
        e1 = self.l1(self.clip_proj(x))
        return self.lnp(e1 + self.l2(F.gelu(e1)))


def step_time(tower, classes, conditional, repeats):
    prefix = torch.randn(classes, 1, W) * 0.02
    suffix = torch.randn(classes, T - 1 - NCTX, W) * 0.02
    eos = torch.full((classes,), 1 + NCTX + 3)  # "X x16 class k ." then EOS, as palm's prompts
    ctx = (torch.randn(NCTX, W) * 0.02).requires_grad_(True)
    params = [ctx]
    if conditional:
        meta = torch.nn.Sequential(torch.nn.Linear(D, D // 16), torch.nn.ReLU(), torch.nn.Linear(D // 16, W))
        params += list(meta.parameters())
    opt = torch.optim.SGD(params, lr=0.05, momentum=0.9)
    audio = torch.randn(B, D)
    labels = torch.randint(0, classes, (B,))

    def step():
        opt.zero_grad()
        a = F.normalize(audio, dim=-1)
        if conditional:
            shift = meta(a)  # [B, W]
            prompts = torch.cat([prefix.expand(B, -1, -1, -1), (ctx + shift[:, None, :])[:, None].expand(-1, classes, -1, -1),
                                 suffix.expand(B, -1, -1, -1)], dim=2).reshape(B * classes, T, W)
            t = F.normalize(tower(prompts, eos.repeat(B)).view(B, classes, D), dim=-1)
            logits = 100 * (a[:, None] @ t.transpose(1, 2)).squeeze(1)
        else:
            prompts = torch.cat([prefix, ctx.expand(classes, -1, -1), suffix], dim=1)
            logits = 100 * a @ F.normalize(tower(prompts, eos), dim=-1).t()
        F.cross_entropy(logits, labels).backward()
        opt.step()

    step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", default="10,50")
    ap.add_argument("--cocoop-classes", default="10")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    tower = TextTower().eval()
    out = {"coop": {}, "cocoop": {}, "version": torch.__version__}
    for c in [int(x) for x in args.classes.split(",") if x]:
        out["coop"][str(c)] = step_time(tower, c, False, args.repeats)
    for c in [int(x) for x in args.cocoop_classes.split(",") if x]:
        out["cocoop"][str(c)] = step_time(tower, c, True, max(1, args.repeats // 2))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
