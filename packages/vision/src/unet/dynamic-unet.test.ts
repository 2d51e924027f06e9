import * as tf from '@tensorflow/tfjs-core';
import { numParams } from '@tfai/core/nn';
import type { Conv2d, LayerInfo } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { referenceFacts } from '@tfai/test-utils';
import { createBody } from '../models/create-body.js';
import { resnet18, resnet34 } from '../models/resnet.js';
import { DynamicUnet, sizeChangeIndices } from './dynamic-unet.js';
import { UnetBlock } from './unet-block.js';

interface UnetLayer extends LayerInfo {
  idx: number;
  out_shape: number[];
  tree?: LayerInfo;
  up_in_c?: number;
  shuf_out_c?: number;
  x_in_c?: number;
  conv1?: [number, number];
  conv2?: [number, number];
  hooked_encoder_layer_out_shape?: number[];
}
interface UnetFacts {
  args: { arch: string; n_out: number; img_size: [number, number] };
  encoder_model_sizes: number[][];
  sz_chg_idxs_reversed: number[];
  total_params: number;
  encoder_params: number;
  decoder_params: number;
  output_shape: number[];
  layers: UnetLayer[];
}
const facts = referenceFacts().dynamic_unet as Record<string, UnetFacts>;
const archs = { resnet18, resnet34 };

const nchw = (s: number[]) => (s.length === 4 ? [s[0], s[3], s[1], s[2]] : s);

/** A reference tree without Conv2d's default dilation (1, 1) and groups (1), which tfai's describe() leaves out. */
function withoutDefaults(t: LayerInfo): LayerInfo {
  const out: LayerInfo = { ...t };
  if (t.type === 'Conv2d' && JSON.stringify(t.dilation) === '[1,1]' && t.groups === 1) {
    delete out.dilation;
    delete out.groups;
  }
  if (t.children) out.children = t.children.map(withoutDefaults);
  return out;
}

/** Every activation's shape, running the U-Net's layers one by one as SequentialEx does. */
function layerShapes(unet: DynamicUnet, x: tf.Tensor): number[][] {
  const shapes: number[][] = [];
  const hooks = unet
    .layers()
    .map((l) => l.registerForwardHook((_m, _i, out) => void shapes.push((out as tf.Tensor).shape)));
  tf.tidy(() => unet.call(x));
  hooks.forEach((h) => h.remove());
  return shapes;
}

describe('DynamicUnet against fastai 2.7.12', () => {
  it.each(Object.keys(facts))('%s: hooked indices, blocks, channels, parameter counts and shapes', (key) => {
    const ref = facts[key];
    const arch = archs[ref.args.arch as keyof typeof archs];
    const unet = new DynamicUnet(createBody(arch(), { cut: -2 }), ref.args.n_out, ref.args.img_size).eval();
    // The probe of the encoder and where the size changes.
    expect(unet.encoderSizes.map(nchw)).toEqual(ref.encoder_model_sizes);
    expect(unet.hookedIndices).toEqual(ref.sz_chg_idxs_reversed);
    // Parameter counts: total, encoder, decoder.
    expect(numParams(unet)).toBe(ref.total_params);
    expect(numParams(unet.encoder)).toBe(ref.encoder_params);
    expect(numParams(unet) - numParams(unet.encoder)).toBe(ref.decoder_params);
    // The sequence of blocks, each with its whole module tree.
    expect(unet.layers().map((l) => l.typeName)).toEqual(ref.layers.map((l) => l.type));
    unet.layers().forEach((l, i) => {
      expect(numParams(l), `layer ${i}`).toBe(ref.layers[i].n_params);
      if (ref.layers[i].tree) expect(l.describe(), `layer ${i}`).toEqual(withoutDefaults(ref.layers[i].tree));
    });
    // Channel counts of each UnetBlock, and the encoder layer it reads.
    for (const r of ref.layers.filter((l) => l.type === 'UnetBlock')) {
      const b = unet.get(r.idx) as UnetBlock;
      expect([b.upInC, b.upInC >> 1, b.xInC]).toEqual([r.up_in_c, r.shuf_out_c, r.x_in_c]);
      expect(
        [b.conv1.get(0), b.conv2.get(0)].map((c) => [(c as Conv2d).inChannels, (c as Conv2d).outChannels]),
      ).toEqual([r.conv1, r.conv2]);
      expect(nchw(unet.encoderSizes[unet.hookedIndices[r.idx - 4]])).toEqual(r.hooked_encoder_layer_out_shape);
    }
    // Every layer's output shape on the reference's image size.
    const [h, w] = ref.args.img_size;
    const x = tf.randomUniform([1, h, w, 3]);
    expect(layerShapes(unet, x).map(nchw)).toEqual(ref.layers.map((l) => l.out_shape));
    x.dispose();
    unet.dispose();
  });

  it('names parameters as fastai (layers.<i>.…), so fastai state dicts load', () => {
    const unet = new DynamicUnet(createBody(resnet18(), { cut: -2 }), 5, [64, 64]);
    const names = unet.namedParameters().map(([n]) => n);
    expect(names[0]).toBe('layers.0.0.weight');
    expect(names).toContain('layers.4.shuf.0.0.weight');
    expect(names).toContain('layers.4.bn.bias');
    expect(names).toContain('layers.4.conv2.0.bias');
    expect(names).toContain('layers.11.convpath.1.0.weight');
    expect(names.at(-1)).toBe('layers.12.0.bias');
    unet.dispose();
  });

  it.each([
    [100, 150],
    [101, 151],
    [97, 64],
  ])('works for any image size (%i×%i), also on other sizes than the one probed', (h, w) => {
    const unet = new DynamicUnet(createBody(resnet18(), { cut: -2 }), 4, [h, w]).eval();
    const shape = tf.tidy(() => unet.call(tf.randomUniform([2, h, w, 3])).shape);
    expect(shape).toEqual([2, h, w, 4]);
    const other = tf.tidy(() => unet.call(tf.randomUniform([1, h + 3, w + 5, 3])).shape);
    expect(other).toEqual([1, h + 3, w + 5, 4]);
    unet.dispose();
  });

  it.each([
    [
      [
        [1, 64, 64, 3],
        [1, 64, 64, 16],
        [1, 32, 32, 32],
        [1, 32, 32, 16],
        [1, 32, 32, 32],
        [1, 16, 16, 16],
      ],
      [1, 4],
    ],
    [
      [
        [1, 64, 64, 3],
        [1, 32, 32, 16],
        [1, 32, 32, 32],
        [1, 32, 32, 16],
        [1, 16, 16, 32],
        [1, 8, 8, 16],
      ],
      [0, 3, 4],
    ],
    [[[1, 64, 64, 3]], []],
  ])('finds size changes by the width as fastai does (case %#)', (shapes, expected) => {
    expect(sizeChangeIndices(shapes)).toEqual(expected);
  });

  it('options: yRange adds a SigmoidRange, lastCross=false drops the ResBlock, selfAttention goes in the third block from the end', () => {
    const enc = () => createBody(resnet18(), { cut: -2 });
    const a = new DynamicUnet(enc(), 2, [64, 64], { yRange: [0, 1], lastCross: false, selfAttention: true });
    expect(
      a
        .layers()
        .map((l) => l.typeName)
        .slice(-5),
    ).toEqual(['PixelShuffle_ICNR', 'ResizeToOrig', 'ConvLayer', 'SigmoidRange', 'ToTensorBase']);
    const blocks = a.layers().filter((l): l is UnetBlock => l instanceof UnetBlock);
    expect(blocks.map((b) => b.conv2.length)).toEqual([2, 3, 2, 2]);
    expect(blocks[1].conv2.get(2).typeName).toBe('SelfAttention');
    a.eval();
    const y = tf.tidy(() => a.call(tf.randomUniform([1, 64, 64, 3])));
    const [lo, hi] = [y.min().dataSync()[0], y.max().dataSync()[0]];
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    y.dispose();
    a.dispose();
    const b = new DynamicUnet(enc(), 3, [64, 64], { bottle: true, normType: 'Batch' });
    expect(tf.tidy(() => b.eval().call(tf.zeros([1, 64, 64, 3])).shape)).toEqual([1, 64, 64, 3]);
    b.dispose();
  });

  it('disposes what its forward creates, in eval and under gradients', () => {
    const unet = new DynamicUnet(createBody(resnet18(), { cut: -2 }), 3, [32, 32]);
    const x = tf.randomUniform([2, 32, 32, 3]);
    unet.call(x).dispose(); // warm-up
    const before = tf.memory().numTensors;
    unet.eval().call(x).dispose();
    const vars = unet.parameters().map((p) => p.variable);
    unet.train();
    const { value, grads } = tf.variableGrads(() => tf.mean(unet.call(x)) as tf.Scalar, vars);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    expect(unet.hooks.every((h) => h.stored === undefined)).toBe(true);
    x.dispose();
    unet.dispose();
  });
});
