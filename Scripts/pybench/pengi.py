#!/usr/bin/env python3
"""PyTorch CPU baseline for `palm bench pengi`: the PENGI encoders on the workloads palm times
in the same run, with the same random-weight base architecture (built by the golden-fixture
generator Scripts/fixtures/pengi.py from the msclap and transformers packages):

  * audio: log-mel [B, 1, 965, 64] -> msclap HTSAT (eval: bn0 + reshape_wav2img +
    forward_features, as the package runs it) -> PENGI's Projection, batch 1 and 8 (the
    STFT/log-mel front-end is excluded on both sides);
  * text: PROMPTS x TOKENS ids -> HF CLIPTextModel -> EOS pooling -> clip_text_projection
    -> Projection.

One warm-up run, then the median of --repeats runs (wall and process CPU seconds), under
torch.no_grad() and torch.set_num_threads(--threads). Prints one JSON line:
{"audio": {"1": [wall, cpu], "8": [wall, cpu]}, "text": [wall, cpu], "torch": version, "threads": n}.

Usage: pengi.py [--threads 2] [--repeats 3] [--batches 1,8] [--prompts 50] [--tokens 40]"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from pengi import CONFIGS, Projection, build_htsat, build_text, htsat_pooled  # noqa: E402


def median_seconds(fn, repeats):
    """Median wall and process-CPU seconds (CPU time is steadier on a shared machine)."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return [statistics.median(wall), statistics.median(cpu)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--prompts", type=int, default=50)
    ap.add_argument("--tokens", type=int, default=40)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cfg = CONFIGS["base"]
    g = torch.Generator().manual_seed(0)
    htsat = build_htsat(cfg, g)
    audio_proj = Projection(htsat.num_features, cfg["d_proj"]).eval()
    text, tc = build_text(cfg, g)
    clip_proj = torch.nn.Linear(tc.hidden_size, tc.hidden_size, bias=False).eval()
    text_proj = Projection(tc.hidden_size, cfg["d_proj"]).eval()
    out = {"torch": torch.__version__, "threads": args.threads, "audio": {}}

    with torch.no_grad():
        for batch in (int(b) for b in args.batches.split(",") if b):
            logmel = -20 + 10 * torch.randn(batch, 1, 965, 64, generator=g)
            out["audio"][str(batch)] = median_seconds(lambda: audio_proj(htsat_pooled(htsat, logmel)), args.repeats)

        if args.prompts > 0:
            v = tc.vocab_size
            ids = torch.randint(0, v - 2, (args.prompts, args.tokens), generator=g)
            ids[:, 0] = v - 2
            ids[:, -1] = v - 1
            mask = torch.ones_like(ids)

            def run_text():
                hidden = text(input_ids=ids, attention_mask=mask).last_hidden_state
                pooled = hidden[torch.arange(ids.shape[0]), ids.argmax(dim=-1)]
                return text_proj(clip_proj(pooled))

            out["text"] = median_seconds(run_text, args.repeats)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
