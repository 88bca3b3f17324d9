#!/usr/bin/env python3
r"""Design probe for the demo ALM: how much zero-shot signal can projection heads
aligned on the demo's *alignment* split carry to the held-out *evaluation* split, and how much
a few-shot learner can gain. Uses palm's own embeddings (aisfx clip embeddings, MiniLM
sentence embeddings, both from `palm embed-audio/embed-text`) and, as a quick stand-in for the
real heads, two linear maps trained with class-caption InfoNCE in PyTorch.

Usage (after building palm and the demo corpus, see README "Demo encoders and demo sounds"):
  cd CORPUS && find evaluation -type f | sort > /tmp/evalfiles.txt && find alignment -type f | sort > /tmp/alignfiles.txt
  xargs -d '\n' -a /tmp/evalfiles.txt  PALM/.build/release/palm embed-audio --model aisfx > /tmp/eval_emb.json
  xargs -d '\n' -a /tmp/alignfiles.txt PALM/.build/release/palm embed-audio --model aisfx > /tmp/align_emb.json
  python3 Scripts/pybench/demo_alignment_probe.py PALM/.build/release/palm
"""
import sys
PALM = sys.argv[1] if len(sys.argv) > 1 else ".build/release/palm"
import json, subprocess, numpy as np, torch
def load(p):
    o=json.load(open(p)); return [i['input'] for i in o['items']], np.array([i['embedding'] for i in o['items']], dtype=np.float32)
fa, A = load('/tmp/align_emb.json'); fe, E = load('/tmp/eval_emb.json')
la = [f.split('/')[1] for f in fa]; le = [f.split('/')[1] for f in fe]
acls, ecls = sorted(set(la)), sorted(set(le))
ya = torch.tensor([acls.index(c) for c in la]); ye = torch.tensor([ecls.index(c) for c in le])
At, Et = torch.tensor(A), torch.tensor(E); mu, sd = At.mean(0), At.std(0) + 1e-6
Xn = torch.nn.functional.normalize(Et, dim=-1)
for tmpl in ["the sound of a {}", "a musical note played on a {}"]:
    texts = [tmpl.format(c) for c in acls + ecls]
    o = json.loads(subprocess.check_output([PALM, 'embed-text', '--model', 'minilm'] + texts))
    T = torch.tensor(np.array([i['embedding'] for i in o['items']], dtype=np.float32)); Ta, Te = T[:len(acls)], T[len(acls):]
    for d, wd, steps in [(128, 1e-2, 600), (256, 1e-2, 600)]:
        zs = []
        for seed in range(3):
            torch.manual_seed(seed)
            ha = torch.nn.Linear(512, d); ht = torch.nn.Linear(384, d)
            opt = torch.optim.Adam(list(ha.parameters()) + list(ht.parameters()), lr=1e-3, weight_decay=wd)
            for step in range(steps):
                idx = torch.randint(0, len(ya), (64,))
                a = torch.nn.functional.normalize(ha((At[idx] - mu) / sd), dim=-1); tt = torch.nn.functional.normalize(ht(Ta), dim=-1)
                loss = torch.nn.functional.cross_entropy(20 * a @ tt.T, ya[idx]); opt.zero_grad(); loss.backward(); opt.step()
            with torch.no_grad():
                a = torch.nn.functional.normalize(ha((Et - mu) / sd), dim=-1); tt = torch.nn.functional.normalize(ht(Te), dim=-1)
                zs.append(((a @ tt.T).argmax(1) == ye).float().mean().item())
        print(f'"{tmpl}" d={d}: zero-shot on held-out families, 3 seeds: {[round(z,3) for z in zs]}')
accs = []
for seed in range(3):
    rng = np.random.default_rng(seed); tr = []
    for c in range(len(ecls)):
        idx = np.where(ye.numpy() == c)[0]; tr += list(rng.choice(idx, 16, replace=False))
    te = np.setdiff1d(np.arange(len(ye)), tr)
    cent = torch.stack([Xn[[i for i in tr if ye[i] == c]].mean(0) for c in range(len(ecls))])
    accs.append(((Xn[te] @ cent.T).argmax(1) == ye[te]).float().mean().item())
print('16-shot nearest centroid on raw aisfx (reference for few-shot):', [round(a, 3) for a in accs])
