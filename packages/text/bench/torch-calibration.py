# Calibration of the Amazon fine-food task in PyTorch (Debian's python3-torch, 1 thread): a bag-of-words logistic
# regression and a from-scratch 2-layer LSTM classifier (pad-first batches, last+max+mean pooling, one-cycle AdamW)
# on the 4,000 training / 1,000 validation reviews, lowercase word tokens (min count 2). What a small model reaches.
# Usage: /usr/bin/python3 bench/torch-calibration.py bow | lstm EMB HID EPOCHS LR MAXLEN   (e.g. lstm 64 128 6 1e-2 300)
import csv, os, re, time, sys, collections, random
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1); torch.manual_seed(0); random.seed(0)
rows = list(csv.DictReader(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../datasets/data/amazon_fine_foods/reviews.csv'))))
tok = lambda s: re.findall(r"[a-z0-9']+|[^\sa-z0-9']", s.lower().replace('<br />', ' '))
tr = [r for r in rows if r['is_valid'] == 'FALSE']; va = [r for r in rows if r['is_valid'] == 'TRUE']
cnt = collections.Counter(w for r in tr for w in tok(r['text']))
itos = ['<pad>', '<unk>'] + [w for w, c in cnt.items() if c >= 2]; stoi = {w: i for i, w in enumerate(itos)}
enc = lambda r: [stoi.get(w, 1) for w in tok(r['text'])] or [1]
Xtr = [enc(r) for r in tr]; Xva = [enc(r) for r in va]
ytr = torch.tensor([r['label'] == 'great' for r in tr]).long(); yva = torch.tensor([r['label'] == 'great' for r in va]).long()
V = len(itos); print('vocab', V, 'majority', max(yva.float().mean().item(), 1 - yva.float().mean().item()))
mode = sys.argv[1]
if mode == 'bow':
    def bow(X):
        m = torch.zeros(len(X), V)
        for i, x in enumerate(X):
            for w in set(x): m[i, w] = 1
        return m
    Btr, Bva = bow(Xtr), bow(Xva)
    for wd in [1e-4, 1e-3, 1e-2, 3e-2]:
        lin = nn.Linear(V, 2); opt = torch.optim.Adam(lin.parameters(), 1e-2)
        for ep in range(100):
            opt.zero_grad(); loss = F.cross_entropy(lin(Btr), ytr) + wd * lin.weight.pow(2).sum(); loss.backward(); opt.step()
        acc = (lin(Bva).argmax(1) == yva).float().mean().item(); print('bow wd', wd, 'acc', acc)
else:
    emb, hid, epochs, lr, maxlen = [float(a) for a in sys.argv[2:7]]; emb, hid, epochs, maxlen = int(emb), int(hid), int(epochs), int(maxlen)
    class M(nn.Module):
        def __init__(s):
            super().__init__(); s.e = nn.Embedding(V, emb, padding_idx=0); s.l = nn.LSTM(emb, hid, 2, batch_first=True, dropout=0.2)
            s.d = nn.Dropout(0.3); s.h = nn.Linear(3 * hid, 2)
        def forward(s, x):
            m = (x != 0).unsqueeze(-1)
            o, _ = s.l(s.d(s.e(x)))
            mean = (o * m).sum(1) / m.sum(1); mx = o.masked_fill(~m, -1e9).max(1).values; last = o[:, -1]
            return s.h(s.d(torch.cat([last, mx, mean], 1)))
    def batch(X, idx):
        xs = [X[i][-maxlen:] for i in idx]; L = max(len(x) for x in xs)
        return torch.tensor([[0] * (L - len(x)) + x for x in xs])  # pad first
    m = M(); opt = torch.optim.AdamW(m.parameters(), lr, weight_decay=0.01)
    bs = 32; steps = epochs * ((len(Xtr) + bs - 1) // bs); sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps)
    t0 = time.time()
    for ep in range(epochs):
        m.train(); perm = list(range(len(Xtr))); random.shuffle(perm); tl = 0
        perm = sum([sorted(perm[i:i+bs*50], key=lambda k: -len(Xtr[k])) for i in range(0, len(perm), bs*50)], [])
        bl = [perm[b:b+bs] for b in range(0, len(perm), bs)]; random.shuffle(bl)
        for si, idx in enumerate(bl):
            if ep == 0 and si % 20 == 0: print('step', si, f'{time.time()-t0:.1f}s', flush=True)
            opt.zero_grad(); loss = F.cross_entropy(m(batch(Xtr, idx)), ytr[idx]); loss.backward()
            nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step(); sched.step(); tl += loss.item() * len(idx)
        m.eval(); correct = 0; vl = 0
        vo = sorted(range(len(Xva)), key=lambda k: -len(Xva[k]))
        with torch.no_grad():
            for b in range(0, len(Xva), 100):
                idx = vo[b:b+100]; out = m(batch(Xva, idx)); correct += (out.argmax(1) == yva[idx]).sum().item(); vl += F.cross_entropy(out, yva[idx], reduction='sum').item()
        print(f'ep {ep} train {tl/len(Xtr):.3f} valid {vl/len(Xva):.3f} acc {correct/len(Xva):.3f} t {time.time()-t0:.0f}s', flush=True)
