import * as tf from '@tensorflow/tfjs-core';
import { numParams, type Sequential } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { MODERN_FIXTURES, modernParity } from '../test-utils/torchvision-modern.js';
import { isRegisteredArch } from './archs.js';
import { CNBlock, ConvNeXt, Permute, convnextTiny, convnext_base, convnext_small, convnext_tiny } from './convnext.js';

describe('ConvNeXt (torchvision 0.14)', () => {
  it.each([
    ['convnext_tiny', convnext_tiny, 28_589_128],
    ['convnext_small', convnext_small, 50_223_688],
    ['convnext_base', convnext_base, 88_591_464],
  ] as const)('%s has torchvision’s parameter count (its weights’ meta)', (_, arch, n) => {
    const m = arch();
    expect(numParams(m)).toBe(n);
    m.dispose();
  });

  it('convnextTiny is convnext_tiny under its TypeScript spelling (registered under torchvision’s name)', () => {
    expect(convnextTiny).toBe(convnext_tiny);
    expect(convnextTiny.name).toBe('convnext_tiny');
    expect(isRegisteredArch(convnextTiny)).toBe(true);
  });

  it('uses torchvision’s names and layer tree', () => {
    const m = convnext_tiny({ numClasses: 10 });
    expect(m.namedChildren().map(([n]) => n)).toEqual(['features', 'avgpool', 'classifier']);
    const names = m.namedParameters().map(([n]) => n);
    expect(names.slice(0, 4)).toEqual([
      'features.0.0.weight',
      'features.0.0.bias',
      'features.0.1.weight',
      'features.0.1.bias',
    ]);
    expect(names).toContain('features.1.0.layer_scale');
    expect(names).toContain('features.1.0.block.3.weight');
    expect(names).toContain('features.2.1.weight'); // the downsampling conv
    expect(m.stateDict()['features.1.0.layer_scale'].shape).toEqual([96, 1, 1]);
    const block = ((m.children()[0] as Sequential).get(1) as Sequential).get(0) as CNBlock;
    expect(block.block.layers().map((l) => l.typeName)).toEqual([
      'Conv2d',
      'Permute',
      'LayerNorm',
      'Linear',
      'GELU',
      'Linear',
      'Permute',
    ]);
    expect(block.block.get(1)).toBeInstanceOf(Permute);
    // torchvision's stochastic-depth rule: 0.1 · id / (18 − 1), the last block 0.1.
    const stage4 = (m.children()[0] as Sequential).get(7) as Sequential;
    expect((stage4.get(2) as CNBlock).stochasticDepth.p).toBeCloseTo(0.1, 12);
    m.dispose();
  });

  it('matches torchvision’s logits (committed small configuration, randomised weights and layer scales)', async () => {
    const m = new ConvNeXt(
      [
        { inputChannels: 16, outChannels: 32, numLayers: 2 },
        { inputChannels: 32, outChannels: null, numLayers: 2 },
      ],
      { stochasticDepthProb: 0.2, numClasses: 10 },
    );
    const { facts, relErr, nParams, bodyShape } = await modernParity(m, MODERN_FIXTURES, 'mini_convnext');
    expect(nParams).toBe(facts.n_params);
    expect(relErr).toBeLessThan(1e-4);
    const [n, c, h, w] = facts.body_shape;
    expect(bodyShape).toEqual([n, h, w, c]);
    m.dispose();
  });

  it('drops whole residual branches per sample in training, none in eval', () => {
    const block = new CNBlock(8, 1, 1); // p = 1: every branch dropped
    const x = tf.randomNormal([3, 4, 4, 8]);
    block.train();
    const dropped = tf.tidy(() => tf.max(tf.abs(tf.sub(block.call(x), x))).arraySync() as number);
    expect(dropped).toBe(0);
    block.eval();
    const kept = tf.tidy(() => tf.max(tf.abs(tf.sub(block.call(x), x))).arraySync() as number);
    expect(kept).toBeGreaterThan(0);
    x.dispose();
    block.dispose();
  });
});
