#!/usr/bin/python3
"""Parity checkpoints for tfai's classic vision families (packages/vision/src/models/classic-parity.test.ts).

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14:
    /usr/bin/python3 classic-parity.py OUT_DIR NAME [NAME ...] [--classes N]

For each NAME (torchvision's squeezenet1_0/1_1, densenet121/161/169/201, vgg11_bn/13_bn/16_bn/19_bn, alexnet, or
fastai's xresnet18/34/50/101/152, built here from fastai 2.7's xresnet.py/layers.py, transcribed below since fastai
is not installed) it writes, seeded by the name:
  OUT_DIR/NAME.safetensors     the state dict: random weights, every bias and BatchNorm affine randomised, BatchNorm
                               running stats measured on a random batch and then perturbed (so eval mode is neither
                               the identity nor far off scale);
  OUT_DIR/NAME_io.safetensors  input_nhwc (1x3xSxS as NHWC), logits (eval mode), body_nhwc (fastai's create_body
                               output: children[:cut]); metadata n_params (with 1000 classes), cut, nf, size.
No third-party writer: the safetensors format is written by hand (header length, JSON header, raw little-endian).
"""
import json
import struct
import sys
import zlib

import torch
import torch.nn as nn
import torchvision.models as tvm

# ---- fastai 2.7 (fastai/layers.py, fastai/vision/models/xresnet.py), transcribed for ndim=2 ----


def BatchNorm(nf, zero=False):
    bn = nn.BatchNorm2d(nf)
    bn.bias.data.fill_(1e-3)
    bn.weight.data.fill_(0.0 if zero else 1.0)
    return bn


class ConvLayer(nn.Sequential):
    def __init__(self, ni, nf, ks=3, stride=1, norm_type='Batch', act=True):
        padding = (ks - 1) // 2
        bn = norm_type in ('Batch', 'BatchZero')
        conv = nn.Conv2d(ni, nf, ks, stride=stride, padding=padding, bias=not bn)
        layers = [conv]
        if bn:
            layers.append(BatchNorm(nf, zero=norm_type == 'BatchZero'))
        if act:
            layers.append(nn.ReLU())
        super().__init__(*layers)


class ResBlock(nn.Module):
    def __init__(self, expansion, ni, nf, stride=1):
        super().__init__()
        nh = nf
        nf, ni = nf * expansion, ni * expansion
        if expansion == 1:
            convpath = [ConvLayer(ni, nh, 3, stride=stride), ConvLayer(nh, nf, 3, norm_type='BatchZero', act=False)]
        else:
            convpath = [ConvLayer(ni, nh, 1), ConvLayer(nh, nh, 3, stride=stride),
                        ConvLayer(nh, nf, 1, norm_type='BatchZero', act=False)]
        self.convpath = nn.Sequential(*convpath)
        idpath = []
        if ni != nf:
            idpath.append(ConvLayer(ni, nf, 1, act=False))
        if stride != 1:
            idpath.insert(0, nn.AvgPool2d(stride, ceil_mode=True))
        self.idpath = nn.Sequential(*idpath)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.convpath(x) + self.idpath(x))


class XResNet(nn.Sequential):
    def __init__(self, expansion, layers, n_out=1000, p=0.0, c_in=3, stem_szs=(32, 32, 64)):
        stem_szs = [c_in, *stem_szs]
        stem = [ConvLayer(stem_szs[i], stem_szs[i + 1], 3, stride=2 if i == 0 else 1) for i in range(3)]
        block_szs = [64 // expansion] + [64, 128, 256, 512] + [256] * (len(layers) - 4)
        blocks = [nn.Sequential(*[ResBlock(expansion, block_szs[i] if j == 0 else block_szs[i + 1], block_szs[i + 1],
                                           stride=(1 if i == 0 else 2) if j == 0 else 1) for j in range(n)])
                  for i, n in enumerate(layers)]
        super().__init__(*stem, nn.MaxPool2d(3, stride=2, padding=1), *blocks,
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(p), nn.Linear(block_szs[-1] * expansion, n_out))


XRESNETS = {
    'xresnet18': (1, [2, 2, 2, 2]), 'xresnet34': (1, [3, 4, 6, 3]), 'xresnet50': (4, [3, 4, 6, 3]),
    'xresnet101': (4, [3, 4, 23, 3]), 'xresnet152': (4, [3, 8, 36, 3]),
}
# fastai's model_meta cuts.
CUTS = {'xresnet': -4, 'squeezenet': -1, 'densenet': -1, 'vgg': -2, 'alexnet': -2}


def build(name, classes):
    if name in XRESNETS:
        e, layers = XRESNETS[name]
        return XResNet(e, layers, n_out=classes)
    return getattr(tvm, name)(num_classes=classes)


def cut_of(name):
    return next(c for k, c in CUTS.items() if name.startswith(k))


def body_of(model, name):
    """fastai's create_body: nn.Sequential(*list(model.children())[:cut])."""
    return nn.Sequential(*list(model.children())[:cut_of(name)])


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.Conv2d, nn.Linear)) and mod.bias is not None:
                mod.bias.add_(torch.randn(mod.bias.shape, generator=g) * 0.05)
            if isinstance(mod, nn.BatchNorm2d):
                mod.weight.copy_(0.5 + torch.rand(mod.weight.shape, generator=g))
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.1)
        # Running statistics measured on a random batch (cumulative average), then perturbed.
        bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
        for bn in bns:
            bn.reset_running_stats()
            bn.momentum = None
        model.train()
        model(torch.randn(4, 3, 64, 64, generator=g))
        for bn in bns:
            bn.momentum = 0.1
            std = bn.running_var.sqrt()
            bn.running_mean.add_(torch.randn(bn.running_mean.shape, generator=g) * 0.2 * std)
            bn.running_var.mul_(0.7 + 0.6 * torch.rand(bn.running_var.shape, generator=g))
            bn.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=g)))
    model.eval()


def save_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for k, t in tensors.items():
        t = t.detach().contiguous()
        dtype = {torch.float32: 'F32', torch.int64: 'I64'}[t.dtype]
        data = t.numpy().tobytes()
        header[k] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    args = sys.argv[1:]
    classes = 10
    if '--classes' in args:
        i = args.index('--classes')
        classes = int(args[i + 1])
        del args[i:i + 2]
    out, names = args[0], args[1:]
    for name in names:
        seed = zlib.crc32(name.encode())
        torch.manual_seed(seed)
        n_params = sum(p.numel() for p in build(name, 1000).parameters())
        model = build(name, classes)
        randomise(model, seed)
        size = 72 if name.startswith('xresnet') else 64  # 72: xresnet's ceil-mode shortcut pools see odd sizes
        x = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(seed + 1))
        with torch.no_grad():
            logits = model(x)
            body = body_of(model, name)(x)
        save_safetensors(f'{out}/{name}.safetensors', model.state_dict())
        save_safetensors(f'{out}/{name}_io.safetensors', {
            'input_nhwc': x.permute(0, 2, 3, 1), 'logits': logits, 'body_nhwc': body.permute(0, 2, 3, 1),
        }, {'n_params': n_params, 'cut': cut_of(name), 'nf': body.shape[1], 'size': size, 'classes': classes})
        print(json.dumps({'name': name, 'n_params': n_params, 'nf': body.shape[1], 'body': list(body.shape)}))


if __name__ == '__main__':
    main()
