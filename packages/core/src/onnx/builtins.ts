// ONNX forms of core's layers (torch.nn's and fastai's shared ones), in eval mode: Dropout is the identity,
// BatchNorm uses its running statistics. Image values are NCHW, as in a PyTorch export.
import * as tf from '@tensorflow/tfjs-core';
import { ConvLayer } from '../nn/fastai/conv-layer.js';
import { LinBnDrop } from '../nn/fastai/lin-bn-drop.js';
import { MergeLayer, OrigModule, SequentialEx } from '../nn/fastai/sequential-ex.js';
import { ReplicationPad2d } from '../nn/fastai/pixel-shuffle-icnr.js';
import { ResBlock } from '../nn/fastai/res-block.js';
import { SelfAttention, SpectralConv1d } from '../nn/fastai/self-attention.js';
import { Identity, LeakyReLU, ReLU, Sigmoid, SigmoidRange, Tanh } from '../nn/layers/activation.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/layers/batchnorm.js';
import { Sequential } from '../nn/layers/container.js';
import { Conv2d, ConvTranspose2d } from '../nn/layers/conv.js';
import { Dropout } from '../nn/layers/dropout.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { LSTM } from '../nn/layers/lstm.js';
import {
  AdaptiveAvgPool2d,
  AdaptiveConcatPool2d,
  AdaptiveMaxPool2d,
  AvgPool2d,
  MaxPool2d,
} from '../nn/layers/pooling.js';
import { Flatten, PixelShuffle } from '../nn/layers/reshape.js';
import { Upsample } from '../nn/layers/upsample.js';
import type { AnyModule } from '../nn/module.js';
import { registerBuiltinConverter, type OnnxContext, type OnnxConverter } from './convert.js';
import type { OnnxValue } from './graph.js';
import { lstmToOnnx } from './lstm.js';

const same = (x: OnnxValue, name: string): OnnxValue => ({ name, rank: x.rank });
const one = (inputs: OnnxValue[], ctx: OnnxContext): OnnxValue => {
  if (inputs.length !== 1) throw ctx.fail(`takes one input, got ${inputs.length}`);
  return inputs[0]!;
};
const image = (x: OnnxValue, ctx: OnnxContext): OnnxValue => {
  if (x.rank !== 4) throw ctx.fail(`expects an image batch (rank 4), got rank ${x.rank}`);
  return x;
};

/** Sequential and its subclasses that keep its forward: the children in order. */
export const sequentialToOnnx: OnnxConverter = (m, inputs, ctx) => {
  let y = inputs;
  for (const [name] of m.namedChildren()) y = ctx.child(name, y);
  return y;
};

const pointwise =
  (op: string): OnnxConverter =>
  (_m, inputs, ctx) => {
    const x = one(inputs, ctx);
    return [same(x, ctx.graph.op(op, [x.name], {}, ctx.path || op))];
  };

/** `x·Wᵀ + b` with PyTorch's `[out, in]` weight: Gemm on a matrix, MatMul + Add on higher ranks. */
export function linearToOnnx(m: { readonly bias: unknown }, x: OnnxValue, ctx: OnnxContext): OnnxValue {
  const g = ctx.graph;
  const w = ctx.param('weight');
  const b = m.bias ? ctx.param('bias') : undefined;
  if (x.rank === 2) return same(x, g.op('Gemm', b ? [x.name, w, b] : [x.name, w], { transB: { i: 1 } }, ctx.path));
  const wt = g.op('Transpose', [w], { perm: { ints: [1, 0] } });
  const y = g.op('MatMul', [x.name, wt], {}, ctx.path);
  return same(x, b ? g.op('Add', [y, b]) : y);
}

const pair2 = (p: readonly [number, number]) => [p[0], p[1], p[0], p[1]];

function convToOnnx(m: Conv2d, x: OnnxValue, ctx: OnnxContext): OnnxValue {
  image(x, ctx);
  let w: string;
  if (m.weightG) {
    const eff = tf.tidy(() => tf.transpose(m.effectiveWeight(), [3, 2, 0, 1]));
    try {
      w = ctx.tensor('weight', eff);
    } finally {
      eff.dispose();
    }
  } else w = ctx.param('weight');
  const inputs = m.bias ? [x.name, w, ctx.param('bias')] : [x.name, w];
  return same(
    x,
    ctx.graph.op(
      'Conv',
      inputs,
      {
        kernel_shape: { ints: m.kernelSize },
        strides: { ints: m.stride },
        pads: { ints: pair2(m.padding) },
        dilations: { ints: m.dilation },
        group: { i: m.groups },
      },
      ctx.path,
    ),
  );
}

function convTransposeToOnnx(m: ConvTranspose2d, x: OnnxValue, ctx: OnnxContext): OnnxValue {
  image(x, ctx);
  const w = ctx.param('weight');
  const inputs = m.bias ? [x.name, w, ctx.param('bias')] : [x.name, w];
  return same(
    x,
    ctx.graph.op(
      'ConvTranspose',
      inputs,
      {
        kernel_shape: { ints: m.kernelSize },
        strides: { ints: m.stride },
        pads: { ints: pair2(m.padding) },
        output_padding: { ints: m.outputPadding },
      },
      ctx.path,
    ),
  );
}

function batchNormToOnnx(m: BatchNorm1d | BatchNorm2d, x: OnnxValue, ctx: OnnxContext): OnnxValue {
  if (x.rank !== 2 && x.rank !== 4) throw ctx.fail(`in ONNX takes [N, C] or [N, C, H, W] values, not rank ${x.rank}`);
  const n = m.numFeatures;
  const scale = m.weight ? ctx.param('weight') : ctx.graph.float(new Array<number>(n).fill(1), [n], 'bn_ones');
  const bias = m.bias ? ctx.param('bias') : ctx.graph.float(new Array<number>(n).fill(0), [n], 'bn_zeros');
  const mean = ctx.tensor('running_mean', m.runningMean);
  const variance = ctx.tensor('running_var', m.runningVar);
  return same(
    x,
    ctx.graph.op('BatchNormalization', [x.name, scale, bias, mean, variance], { epsilon: { f: m.eps } }, ctx.path),
  );
}

const pool = (op: 'MaxPool' | 'AveragePool'): OnnxConverter<MaxPool2d | AvgPool2d> => {
  return (m, inputs, ctx) => {
    const x = image(one(inputs, ctx), ctx);
    const attrs = {
      kernel_shape: { ints: m.kernelSize },
      strides: { ints: m.stride },
      pads: { ints: pair2(m.padding) },
      ...(op === 'AveragePool' ? { count_include_pad: { i: 1 } } : {}),
    };
    return [same(x, ctx.graph.op(op, [x.name], attrs, ctx.path))];
  };
};

const adaptive = (op: 'GlobalAveragePool' | 'GlobalMaxPool'): OnnxConverter<AdaptiveAvgPool2d | AdaptiveMaxPool2d> => {
  return (m, inputs, ctx) => {
    const x = image(one(inputs, ctx), ctx);
    if (m.outputSize[0] !== 1 || m.outputSize[1] !== 1)
      throw ctx.fail(`output size ${m.outputSize.join('x')} has no ONNX form for any input size (only 1)`);
    return [same(x, ctx.graph.op(op, [x.name], {}, ctx.path))];
  };
};

const reg = registerBuiltinConverter;

/** Registers core's converters (idempotent; `exportOnnx` calls it). */
export function registerBuiltins(): void {
  reg(Sequential, sequentialToOnnx);
  reg(LinBnDrop, sequentialToOnnx);
  // ConvLayer overrides forward only to fuse BatchNorm + ReLU in training; in inference it is its Sequential.
  reg(ConvLayer, sequentialToOnnx);
  reg(Identity, (_m, inputs) => inputs);
  reg(Dropout, (_m, inputs) => inputs);
  reg(ReLU, pointwise('Relu'));
  reg(Sigmoid, pointwise('Sigmoid'));
  reg(Tanh, pointwise('Tanh'));
  reg(LeakyReLU, (m, inputs, ctx) => {
    const x = one(inputs, ctx);
    return [same(x, ctx.graph.op('LeakyRelu', [x.name], { alpha: { f: m.negativeSlope } }, ctx.path))];
  });
  reg(SigmoidRange, (m, inputs, ctx) => {
    const x = one(inputs, ctx);
    const g = ctx.graph;
    const s = g.op('Sigmoid', [x.name], {}, ctx.path);
    const scaled = g.op('Mul', [s, g.float([m.high - m.low], [], 'range')]);
    return [same(x, g.op('Add', [scaled, g.float([m.low], [], 'low')]))];
  });
  reg(Linear, (m, inputs, ctx) => [linearToOnnx(m, one(inputs, ctx), ctx)]);
  reg(Conv2d, (m, inputs, ctx) => [convToOnnx(m, one(inputs, ctx), ctx)]);
  reg(ConvTranspose2d, (m, inputs, ctx) => [convTransposeToOnnx(m, one(inputs, ctx), ctx)]);
  reg(BatchNorm1d, (m, inputs, ctx) => [batchNormToOnnx(m, one(inputs, ctx), ctx)]);
  reg(BatchNorm2d, (m, inputs, ctx) => [batchNormToOnnx(m, one(inputs, ctx), ctx)]);
  reg(MaxPool2d, pool('MaxPool'));
  reg(AvgPool2d, pool('AveragePool'));
  reg(AdaptiveAvgPool2d, adaptive('GlobalAveragePool'));
  reg(AdaptiveMaxPool2d, adaptive('GlobalMaxPool'));
  // fastai's order: max first, then average, along the channels.
  reg(AdaptiveConcatPool2d, (_m, inputs, ctx) => {
    const x = one(inputs, ctx);
    const mp = ctx.child1('mp', x);
    const ap = ctx.child1('ap', x);
    return [same(x, ctx.graph.op('Concat', [mp.name, ap.name], { axis: { i: 1 } }, ctx.path))];
  });
  // tfai's Flatten orders NHWC values as NCHW first, so on NCHW values it is ONNX's Flatten.
  reg(Flatten, (m, inputs, ctx) => {
    const x = one(inputs, ctx);
    if (m.full)
      return [{ name: ctx.graph.op('Reshape', [x.name, ctx.graph.int64([-1], 'shape')], {}, ctx.path), rank: 1 }];
    return [{ name: ctx.graph.op('Flatten', [x.name], { axis: { i: 1 } }, ctx.path), rank: 2 }];
  });
  reg(Embedding, (_m, inputs, ctx) => {
    const x = one(inputs, ctx);
    return [
      { name: ctx.graph.op('Gather', [ctx.param('weight'), x.name], { axis: { i: 0 } }, ctx.path), rank: x.rank + 1 },
    ];
  });
  // PyTorch's pixel shuffle is DepthToSpace in CRD (column-row-depth) order.
  reg(PixelShuffle, (m, inputs, ctx) => {
    const x = image(one(inputs, ctx), ctx);
    return [
      same(
        x,
        ctx.graph.op('DepthToSpace', [x.name], { blocksize: { i: m.upscaleFactor }, mode: { s: 'CRD' } }, ctx.path),
      ),
    ];
  });
  reg(ReplicationPad2d, (m, inputs, ctx) => {
    const x = image(one(inputs, ctx), ctx);
    const [l, r, t, b] = m.padding;
    const pads = ctx.graph.int64([0, 0, t, l, 0, 0, b, r], 'pads');
    return [same(x, ctx.graph.op('Pad', [x.name, pads], { mode: { s: 'edge' } }, ctx.path))];
  });
  reg(LSTM, (m, inputs, ctx) => {
    if (inputs.length > 1) throw ctx.fail('exports with a zero initial state only (one input)');
    return [lstmToOnnx(m, one(inputs, ctx), ctx)];
  });
  reg(ResBlock, (_m, inputs, ctx) => {
    const x = one(inputs, ctx);
    const sum = ctx.graph.op('Add', [ctx.child1('convpath', x).name, ctx.child1('idpath', x).name], {}, ctx.path);
    return [ctx.child1('act', same(x, sum))];
  });
  // Spectral norm in eval mode: the weight divided by σ from the stored power-iteration vectors.
  reg(SpectralConv1d, (m, inputs, ctx) => {
    const x = one(inputs, ctx);
    const w = m.weight();
    let name: string;
    try {
      name = ctx.tensor('weight', w);
    } finally {
      w.dispose();
    }
    const wt = ctx.graph.op('Transpose', [name], { perm: { ints: [1, 0] } });
    return [same(x, ctx.graph.op('MatMul', [x.name, wt], {}, ctx.path))];
  });
  // fastai's SelfAttention on the NCHW value seen as [N, H·W, C].
  reg(SelfAttention, (_m, inputs, ctx) => {
    const x = image(one(inputs, ctx), ctx);
    const g = ctx.graph;
    const xf = g.op('Transpose', [g.op('Reshape', [x.name, g.int64([0, 0, -1], 'shape')])], {
      perm: { ints: [0, 2, 1] },
    });
    const v3 = (name: string) => ctx.child1(name, { name: xf, rank: 3 }).name;
    const [f, k, v] = [v3('query'), v3('key'), v3('value')];
    const beta = g.op('Softmax', [g.op('MatMul', [k, g.op('Transpose', [f], { perm: { ints: [0, 2, 1] } })])], {
      axis: { i: -1 },
    });
    const o = g.op('Add', [g.op('Mul', [ctx.param('gamma'), g.op('MatMul', [beta, v])]), xf]);
    const back = g.op('Transpose', [o], { perm: { ints: [0, 2, 1] } });
    return [same(x, g.op('Reshape', [back, g.op('Shape', [x.name])], {}, ctx.path))];
  });
  reg(Upsample, (m, inputs, ctx) => [upsampleToOnnx(m, image(one(inputs, ctx), ctx), ctx)]);
  reg(SequentialEx, (m, inputs, ctx) => {
    const x = one(inputs, ctx);
    let y = x;
    m.layers().forEach((l, i) => {
      if (l instanceof MergeLayer) y = mergeToOnnx(l, y, x, ctx);
      else if (l instanceof OrigModule) throw ctx.fail(`layer ${i} (${l.typeName}) has no ONNX form`);
      else y = ctx.child1(`layers.${i}`, y);
    });
    return [y];
  });
}

function mergeToOnnx(m: MergeLayer, y: OnnxValue, orig: OnnxValue, ctx: OnnxContext): OnnxValue {
  const g = ctx.graph;
  if (m.dense) return same(y, g.op('Concat', [y.name, orig.name], { axis: { i: 1 } }));
  return same(y, g.op('Add', [y.name, orig.name]));
}

function upsampleToOnnx(m: Upsample, x: OnnxValue, ctx: OnnxContext): OnnxValue {
  const g = ctx.graph;
  const coord = m.mode === 'nearest' ? 'asymmetric' : m.alignCorners ? 'align_corners' : 'pytorch_half_pixel';
  const attrs = {
    mode: { s: m.mode === 'nearest' ? 'nearest' : 'linear' },
    coordinate_transformation_mode: { s: coord },
    nearest_mode: { s: 'floor' },
  };
  if (m.size) {
    const shape = g.op('Shape', [x.name]);
    const nc = g.op('Slice', [shape, g.int64([0], 'start'), g.int64([2], 'end')]);
    const sizes = g.op('Concat', [nc, g.int64([...m.size], 'size')], { axis: { i: 0 } });
    return same(x, g.op('Resize', [x.name, '', '', sizes], attrs, ctx.path));
  }
  const [sh, sw] = m.scaleFactor!;
  const scales = g.float([1, 1, sh, sw], [4], 'scales');
  return same(x, g.op('Resize', [x.name, '', scales], attrs, ctx.path));
}

export type { AnyModule };
