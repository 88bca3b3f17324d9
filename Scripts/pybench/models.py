#!/usr/bin/env python3
"""PyTorch CPU baseline for `palm bench models`: each CLAP family's audio and text throughput,
built from its own PyPI package (msclap, laion_clap) at full size with random weights, on the
workloads palm times in the same run:

  * audio: a batch (1 and 8) of waveforms of the family's clip length at its sample rate ->
    the package's audio encoder (log-mel inside the model, as the packages run it) ->
    projection;
  * text: the prompts palm tokenized (ids and attention masks read from --tokens, a JSON file
    {family: {"ids": [[...]], "mask": [[...]]}}) -> the text tower with its pooling ->
    projection.

One warm-up run, then the median of --repeats runs, under torch.no_grad() and
torch.set_num_threads(--threads). Prints one JSON line:
{family: {"audio": {"1": s, "8": s}, "text": s}, "torch": version, "threads": n}.

The packages' __init__ files import torchaudio / torchvision, which have no wheel for this
torch; only their model modules are loaded (empty package shells stand in for the packages).

Usage: models.py --tokens FILE [--families msclap-2022,msclap-2023,laion-clap] [--threads 2] [--repeats 3]"""
import argparse
import json
import site
import statistics
import sys
import time
import types

import torch


def shell(name, path):
    module = types.ModuleType(name)
    module.__path__ = [path]
    sys.modules[name] = module


def site_root(package):
    for root in site.getsitepackages():
        import os
        if os.path.isdir(os.path.join(root, package)):
            return root
    raise SystemExit(f"{package} is not installed (pip install --no-deps {package.replace('_', '-')})")


def msclap(version):
    """msclap's CLAP at the released configuration; the text tower from transformers' default
    config for bert-base-uncased / gpt2 (from_pretrained would need the network)."""
    root = site_root("msclap")
    shell("msclap", root + "/msclap")
    import msclap.models.clap as clap
    from transformers import BertConfig, BertModel, GPT2Config, GPT2Model

    text = BertModel(BertConfig()) if version == "2022" else GPT2Model(GPT2Config())
    clap.AutoModel.from_pretrained = staticmethod(lambda name: text)
    if version == "2022":
        model = clap.CLAP("Cnn14", 44100, 1024, 320, 64, 50, 14000, 527, 2048, "bert-base-uncased", 768, 1024)
        samples = 44100 * 5
    else:
        model = clap.CLAP("HTSAT", 44100, 1024, 320, 64, 50, 8000, 527, 768, "gpt2", 768, 1024)
        samples = 44100 * 7
    model.eval()

    def audio(wave):
        return model.audio_encoder(wave)[0]

    def text_forward(ids, mask):
        x = {"input_ids": ids, "attention_mask": mask}
        if version == "2022":
            x["token_type_ids"] = torch.zeros_like(ids)
        return model.caption_encoder(x)

    return audio, text_forward, samples


def laion():
    """laion_clap's CLAP with HTSAT-tiny and roberta-base (default RobertaConfig), non-fusion."""
    root = site_root("laion_clap")
    shell("laion_clap", root + "/laion_clap")
    shell("laion_clap.clap_module", root + "/laion_clap/clap_module")
    tv, ops, misc = (types.ModuleType(n) for n in ("torchvision", "torchvision.ops", "torchvision.ops.misc"))
    misc.FrozenBatchNorm2d = object
    sys.modules.update({"torchvision": tv, "torchvision.ops": ops, "torchvision.ops.misc": misc})
    import laion_clap.clap_module.model as lm
    from transformers import RobertaConfig, RobertaModel

    roberta = RobertaModel(RobertaConfig(vocab_size=50265, max_position_embeddings=514, type_vocab_size=1))
    lm.RobertaModel.from_pretrained = staticmethod(lambda name: roberta)
    audio_cfg = lm.CLAPAudioCfp(model_type="HTSAT", model_name="tiny", sample_rate=48000, audio_length=1024,
                                window_size=1024, hop_size=480, fmin=50, fmax=14000, class_num=527, mel_bins=64,
                                clip_samples=480000)
    text_cfg = lm.CLAPTextCfg(context_length=77, vocab_size=50265, width=512, heads=8, layers=12, model_type="roberta")
    model = lm.CLAP(embed_dim=768, audio_cfg=audio_cfg, text_cfg=text_cfg, enable_fusion=False).eval()

    def audio(wave):
        batch = [{"waveform": w, "longer": torch.tensor([False])} for w in wave]
        return model.get_audio_embedding(batch)

    def text_forward(ids, mask):
        return model.get_text_embedding({"input_ids": ids, "attention_mask": mask})

    return audio, text_forward, 480000


BUILDERS = {"msclap-2022": lambda: msclap("2022"), "msclap-2023": lambda: msclap("2023"), "laion-clap": laion}


def median_seconds(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--families", default=",".join(BUILDERS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batches", default="1,8")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(args.tokens) as f:
        tokens = json.load(f)
    out = {"torch": torch.__version__, "threads": args.threads}
    with torch.no_grad():
        # Families this script has no builder for (PENGI: Scripts/fixtures/bench_pengi.py) are skipped.
        for family in [f for f in args.families.split(",") if f in BUILDERS]:
            audio, text, samples = BUILDERS[family]()
            result = {"audio": {}}
            for b in (int(x) for x in args.batches.split(",")):
                wave = 0.1 * torch.randn(b, samples)
                result["audio"][str(b)] = median_seconds(lambda: audio(wave), args.repeats)
            ids = torch.tensor(tokens[family]["ids"])
            mask = torch.tensor(tokens[family]["mask"])
            result["text"] = median_seconds(lambda: text(ids, mask), args.repeats)
            out[family] = result
    print(json.dumps(out))


if __name__ == "__main__":
    main()
