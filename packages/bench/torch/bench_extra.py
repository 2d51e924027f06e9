#!/usr/bin/python3
# The PyTorch twins of the bench models `awdlstm` and `collab` (src/models.ts), with the protocol of
# torch/bench.py (the reference's): env MODEL=awdlstm|collab THREADS=1 WARM=2 STEPS=5, one `RESULT {json}` line.
# fastai is not installed here, so its modules are written out below as fastai 2.7 defines them (text/models/awdlstm.py,
# text/models/core.py, layers.py, collab.py, optimizer.py), in plain PyTorch 1.13 (Debian's python3-torch):
#   awdlstm: get_text_classifier(AWD_LSTM, 10_000, 2, config=awd_lstm_clas_config | emb_sz 100, n_hid 256, n_layers 2):
#            SentenceEncoder(bptt 72, AWD_LSTM with EmbeddingDropout, WeightDropout, RNNDropout; max_len 72*20) →
#            PoolingLinearClassifier (masked_concat_pool → LinBnDrop(300, 50, p 0.4, ReLU) → LinBnDrop(50, 2, p 0.1)),
#            cross-entropy, on 32 texts of 1,000 tokens (14 chunks of 72, the last of 64), train mode.
#   collab:  EmbeddingDotBias(50 factors, 2,973 users, 1,129 items: InstEval's 2,972 students and 1,128 lecturers
#            plus fastai's #na#), y_range (0, 5.5), MSE, bs 256.
# Optimizer: fastai's Adam step (lr 1e-3, mom 0.9, sqr_mom 0.99, eps 1e-5, wd 0.01 decoupled), written out as
# fastai's weight_decay → average_grad(dampening) → average_sqr_grad → step_stat → adam_step, with no weight decay
# on BatchNorm parameters and biases (as tfai's Optimizer: fastai's wd_bn_bias=False), zero_grad in place.
# Usage: MODEL=awdlstm THREADS=1 /usr/bin/python3 torch/bench_extra.py
import os, time, json, statistics
import torch, torch.nn as nn, torch.nn.functional as F

MODEL = os.environ.get('MODEL', 'collab')
THREADS = int(os.environ.get('THREADS', '2'))
WARM = int(os.environ.get('WARM', '2'))
STEPS = int(os.environ.get('STEPS', '5'))
torch.set_num_threads(THREADS)
torch.manual_seed(0)

# ---- fastai layers.py / torch_core.py ----


def trunc_normal_(x, mean=0., std=1.):  # fastai's trunc_normal_
    return x.normal_().fmod_(2).mul_(std).add_(mean)


class Embedding(nn.Embedding):  # fastai's Embedding: truncated-normal init, std 0.01
    def __init__(self, ni, nf, std=0.01):
        super().__init__(ni, nf)
        trunc_normal_(self.weight.data, std=std)


def BatchNorm1d(nf):  # fastai's BatchNorm(nf, ndim=1, norm_type=NormType.Batch)
    bn = nn.BatchNorm1d(nf)
    bn.bias.data.fill_(1e-3)
    bn.weight.data.fill_(1.)
    return bn


class LinBnDrop(nn.Sequential):  # fastai's LinBnDrop(n_in, n_out, bn=True, p, act, lin_first=False)
    def __init__(self, n_in, n_out, bn=True, p=0., act=None):
        layers = [BatchNorm1d(n_in)] if bn else []
        if p != 0: layers.append(nn.Dropout(p))
        lin = [nn.Linear(n_in, n_out, bias=not bn)]
        if act is not None: lin.append(act)
        super().__init__(*(layers + lin))


# ---- fastai text/models/awdlstm.py ----


def dropout_mask(x, sz, p):
    return x.new_empty(*sz).bernoulli_(1 - p).div_(1 - p)


class RNNDropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.: return x
        return x * dropout_mask(x.data, (x.size(0), 1, *x.shape[2:]), self.p)


class WeightDropout(nn.Module):
    def __init__(self, module, weight_p, layer_names=('weight_hh_l0',)):
        super().__init__()
        self.module, self.weight_p, self.layer_names = module, weight_p, list(layer_names)
        for layer in self.layer_names:
            w = getattr(self.module, layer)
            delattr(self.module, layer)
            self.register_parameter(f'{layer}_raw', nn.Parameter(w.data))
            setattr(self.module, layer, w.clone())
            if isinstance(self.module, nn.RNNBase): self.module.flatten_parameters = lambda: None

    def _setweights(self):
        for layer in self.layer_names:
            raw_w = getattr(self, f'{layer}_raw')
            w = F.dropout(raw_w, p=self.weight_p) if self.training else raw_w.clone()
            setattr(self.module, layer, w)

    def forward(self, *args):
        self._setweights()
        return self.module(*args)


class EmbeddingDropout(nn.Module):
    def __init__(self, emb, embed_p):
        super().__init__()
        self.emb, self.embed_p = emb, embed_p

    def forward(self, words):
        if self.training and self.embed_p != 0:
            mask = dropout_mask(self.emb.weight.data, (self.emb.weight.size(0), 1), self.embed_p)
            masked_embed = self.emb.weight * mask
        else: masked_embed = self.emb.weight
        return F.embedding(words, masked_embed, self.emb.padding_idx if self.emb.padding_idx is not None else -1,
                           self.emb.max_norm, self.emb.norm_type, self.emb.scale_grad_by_freq, self.emb.sparse)


class AWD_LSTM(nn.Module):
    initrange = 0.1

    def __init__(self, vocab_sz, emb_sz, n_hid, n_layers, pad_token=1, hidden_p=0.2, input_p=0.6, embed_p=0.1, weight_p=0.5, bidir=False):
        super().__init__()
        self.emb_sz, self.n_hid, self.n_layers, self.pad_token = emb_sz, n_hid, n_layers, pad_token
        self.bs = 1
        self.n_dir = 2 if bidir else 1
        self.encoder = nn.Embedding(vocab_sz, emb_sz, padding_idx=pad_token)
        self.encoder_dp = EmbeddingDropout(self.encoder, embed_p)
        self.rnns = nn.ModuleList([WeightDropout(nn.LSTM(emb_sz if l == 0 else n_hid, (n_hid if l != n_layers - 1 else emb_sz) // self.n_dir, 1,
                                                         batch_first=True, bidirectional=bidir), weight_p) for l in range(n_layers)])
        self.encoder.weight.data.uniform_(-self.initrange, self.initrange)
        self.input_dp = RNNDropout(input_p)
        self.hidden_dps = nn.ModuleList([RNNDropout(hidden_p) for l in range(n_layers)])
        self.reset()

    def forward(self, inp):
        bs, sl = inp.shape
        if bs != self.bs: self._change_hidden(bs)
        output = self.input_dp(self.encoder_dp(inp))
        new_hidden = []
        for l, (rnn, hid_dp) in enumerate(zip(self.rnns, self.hidden_dps)):
            output, new_h = rnn(output, self.hidden[l])
            new_hidden.append(new_h)
            if l != self.n_layers - 1: output = hid_dp(output)
        self.hidden = [(h.detach(), c.detach()) for h, c in new_hidden]  # fastai's to_detach
        return output

    def _one_hidden(self, l):
        nh = (self.n_hid if l != self.n_layers - 1 else self.emb_sz) // self.n_dir
        p = next(self.parameters())
        return (p.new_zeros(self.n_dir, self.bs, nh), p.new_zeros(self.n_dir, self.bs, nh))

    def _change_one_hidden(self, l, bs):
        if self.bs < bs:
            nh = (self.n_hid if l != self.n_layers - 1 else self.emb_sz) // self.n_dir
            return tuple(torch.cat([h, h.new_zeros(self.n_dir, bs - self.bs, nh)], dim=1) for h in self.hidden[l])
        if self.bs > bs: return (self.hidden[l][0][:, :bs].contiguous(), self.hidden[l][1][:, :bs].contiguous())
        return self.hidden[l]

    def _change_hidden(self, bs):
        self.hidden = [self._change_one_hidden(l, bs) for l in range(self.n_layers)]
        self.bs = bs

    def reset(self):
        self.hidden = [self._one_hidden(l) for l in range(self.n_layers)]


# ---- fastai text/models/core.py ----


def _pad_tensor(t, bs):
    if t.size(0) < bs: return torch.cat([t, t.new_zeros(bs - t.size(0), *t.shape[1:])])
    return t


class SentenceEncoder(nn.Module):
    def __init__(self, bptt, module, pad_idx=1, max_len=None):
        super().__init__()
        self.bptt, self.module, self.pad_idx, self.max_len = bptt, module, pad_idx, max_len

    def reset(self): self.module.reset()

    def forward(self, input):
        bs, sl = input.size()
        self.reset()
        mask = input == self.pad_idx
        outs, masks = [], []
        for i in range(0, sl, self.bptt):
            real_bs = (input[:, i] != self.pad_idx).long().sum()
            o = self.module(input[:real_bs, i: min(i + self.bptt, sl)])
            if self.max_len is None or sl - i <= self.max_len:
                outs.append(o)
                masks.append(mask[:, i: min(i + self.bptt, sl)])
        outs = torch.cat([_pad_tensor(o, bs) for o in outs], dim=1)
        mask = torch.cat(masks, dim=1)
        return outs, mask


def masked_concat_pool(output, mask, bptt):
    lens = output.shape[1] - mask.long().sum(dim=1)
    last_lens = mask[:, -bptt:].long().sum(dim=1)
    avg_pool = output.masked_fill(mask[:, :, None], 0).sum(dim=1)
    avg_pool.div_(lens.type(avg_pool.dtype)[:, None])
    max_pool = output.masked_fill(mask[:, :, None], -float('inf')).max(dim=1)[0]
    return torch.cat([output[torch.arange(0, output.size(0)), -last_lens - 1], max_pool, avg_pool], 1)


class PoolingLinearClassifier(nn.Module):
    def __init__(self, dims, ps, bptt):
        super().__init__()
        acts = [nn.ReLU(inplace=True)] * (len(dims) - 2) + [None]
        self.layers = nn.Sequential(*[LinBnDrop(i, o, p=p, act=a) for i, o, p, a in zip(dims[:-1], dims[1:], ps, acts)])
        self.bptt = bptt

    def forward(self, input):
        out, mask = input
        x = self.layers(masked_concat_pool(out, mask, self.bptt))
        return x, out, out


def text_classifier(vocab_sz, n_class, emb_sz=100, n_hid=256, n_layers=2, seq_len=72):
    # fastai's awd_lstm_clas_config with emb_sz / n_hid / n_layers overridden; lin_ftrs [50], ps [output_p, 0.1].
    cfg = dict(pad_token=1, bidir=False, hidden_p=0.3, input_p=0.4, embed_p=0.05, weight_p=0.5)
    enc = SentenceEncoder(seq_len, AWD_LSTM(vocab_sz, emb_sz, n_hid, n_layers, **cfg), pad_idx=1, max_len=seq_len * 20)
    return nn.Sequential(enc, PoolingLinearClassifier([emb_sz * 3, 50, n_class], [0.4, 0.1], seq_len))


# ---- fastai collab.py ----


class EmbeddingDotBias(nn.Module):
    def __init__(self, n_factors, n_users, n_items, y_range=None):
        super().__init__()
        self.y_range = y_range
        (self.u_weight, self.i_weight, self.u_bias, self.i_bias) = [Embedding(*o) for o in [
            (n_users, n_factors), (n_items, n_factors), (n_users, 1), (n_items, 1)]]

    def forward(self, x):
        users, items = x[:, 0], x[:, 1]
        dot = self.u_weight(users) * self.i_weight(items)
        res = dot.sum(1) + self.u_bias(users).squeeze() + self.i_bias(items).squeeze()
        if self.y_range is None: return res
        return torch.sigmoid(res) * (self.y_range[1] - self.y_range[0]) + self.y_range[0]


# ---- fastai optimizer.py: Adam(decouple_wd=True) ----


class FastaiAdam:
    def __init__(self, model, lr=1e-3, mom=0.9, sqr_mom=0.99, eps=1e-5, wd=0.01):
        self.lr, self.mom, self.sqr_mom, self.eps, self.wd = lr, mom, sqr_mom, eps, wd
        no_wd = {id(p) for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) for p in m.parameters()}
        no_wd |= {id(p) for n, p in model.named_parameters() if n.split('.')[-1].startswith('bias')}
        self.params = [(p, id(p) not in no_wd) for p in model.parameters()]
        self.state = {}

    @torch.no_grad()
    def step(self):
        lr, mom, sqr_mom = self.lr, self.mom, self.sqr_mom
        for p, do_wd in self.params:
            if p.grad is None: continue
            st = self.state.get(p)
            if st is None: st = self.state[p] = dict(grad_avg=torch.zeros_like(p), sqr_avg=torch.zeros_like(p), step=0)
            if do_wd and self.wd != 0: p.mul_(1 - lr * self.wd)                        # weight_decay
            st['grad_avg'].mul_(mom).add_(p.grad, alpha=1 - mom)                         # average_grad(dampening=True)
            st['sqr_avg'].mul_(sqr_mom).addcmul_(p.grad, p.grad, value=1 - sqr_mom)    # average_sqr_grad
            st['step'] += 1                                                              # step_stat
            debias1, debias2 = 1 - mom ** st['step'], 1 - sqr_mom ** st['step']        # debias(mom, 1-mom, step)
            p.addcdiv_(st['grad_avg'], (st['sqr_avg'] / debias2).sqrt() + self.eps, value=-lr / debias1)  # adam_step

    @torch.no_grad()
    def zero_grad(self):
        for p, _ in self.params:
            if p.grad is not None: p.grad.zero_()


def main():
    if MODEL == 'awdlstm':
        V, B, L = 10_000, 32, 1000
        m = text_classifier(V, 2)
        # Token ids 2.. (no xxunk, no xxpad): every text is 1,000 tokens long, so no row is padded.
        ids = (torch.arange(B * L) * 7919 % (V - 2) + 2).reshape(B, L)
        y = torch.arange(B) % 2
        fwd = lambda: F.cross_entropy(m(ids)[0], y)
        items, unit = B, 'texts/s'
        cfg = f'AWD-LSTM classifier vocab{V} emb100 hidden256 2 layers, bs{B} x {L} tokens, BPT3C chunks of 72 (fastai modules in torch)'
    elif MODEL == 'collab':
        NU, NI, B = 2973, 1129, 256
        m = EmbeddingDotBias(50, NU, NI, y_range=(0, 5.5))
        x = torch.stack([torch.arange(B) * 7919 % NU, torch.arange(B) * 104729 % NI], 1)
        y = (torch.arange(B) % 5 + 1).float()
        fwd = lambda: F.mse_loss(m(x), y)
        items, unit = B, 'rows/s'
        cfg = f'EmbeddingDotBias 50 factors, {NU} users x {NI} items, y_range (0, 5.5), bs{B}'
    else:
        raise SystemExit(f'MODEL={MODEL} is not awdlstm or collab')
    m.train()
    opt = FastaiAdam(m, lr=1e-3)
    n_params = sum(p.numel() for p in m.parameters())
    times = []; t00 = time.perf_counter(); lf = None
    for i in range(WARM + STEPS):
        t0 = time.perf_counter()
        loss = fwd(); loss.backward(); opt.step(); opt.zero_grad()
        lv = loss.item()
        dt = (time.perf_counter() - t0) * 1000
        if lf is None: lf = lv
        if i >= WARM: times.append(dt)
    med = statistics.median(times)
    print('RESULT ' + json.dumps(dict(model=MODEL, cfg=cfg, backend=f'pytorch-{torch.__version__}', threads=torch.get_num_threads(),
          warm=WARM, steps=STEPS, median_ms=round(med, 1), min_ms=round(min(times), 1), max_ms=round(max(times), 1),
          times_ms=[round(t, 1) for t in times], throughput=round(items / (med / 1000), 1), unit=unit, loss_first=lf, loss_last=lv,
          n_params=n_params, optimizer='fastai Adam (lr 1e-3, wd 0.01 decoupled, eps 1e-5)',
          total_s=round(time.perf_counter() - t00, 1), loadavg=[round(v, 2) for v in os.getloadavg()])))


if __name__ == '__main__':
    main()
