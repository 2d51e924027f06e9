import { numParams, type Sequential } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { MODERN_FIXTURES, modernParity } from '../test-utils/torchvision-modern.js';
import {
  EfficientNet,
  type MBConv,
  efficientnet_b0,
  efficientnet_b1,
  efficientnet_b2,
  efficientnet_b3,
  makeDivisible,
  mbconvConfig,
} from './efficientnet.js';

describe('EfficientNet (torchvision 0.14)', () => {
  it.each([
    ['efficientnet_b0', efficientnet_b0, 5_288_548],
    ['efficientnet_b1', efficientnet_b1, 7_794_184],
    ['efficientnet_b2', efficientnet_b2, 9_109_994],
    ['efficientnet_b3', efficientnet_b3, 12_233_232],
  ] as const)('%s has torchvision’s parameter count (its weights’ meta)', (_, arch, n) => {
    const m = arch();
    expect(numParams(m)).toBe(n);
    m.dispose();
  });

  it('makes channels divisible by 8 as torchvision’s _make_divisible', () => {
    // torchvision: _make_divisible(v, 8) for B2's and B3's widths.
    expect([35.2, 17.6, 26.4, 44, 88, 123.2, 211.2, 352].map((v) => makeDivisible(v))).toEqual([
      32, 16, 24, 48, 88, 120, 208, 352,
    ]);
    expect(makeDivisible(3)).toBe(8);
  });

  it('uses torchvision’s names and layer tree', () => {
    const m = efficientnet_b0({ numClasses: 10 });
    expect(m.namedChildren().map(([n]) => n)).toEqual(['features', 'avgpool', 'classifier']);
    const names = m.namedParameters().map(([n]) => n);
    expect(names.slice(0, 3)).toEqual(['features.0.0.weight', 'features.0.1.weight', 'features.0.1.bias']);
    expect(names).toContain('features.1.0.block.1.fc1.weight'); // SE of the first block (no expansion)
    expect(names).toContain('features.2.0.block.2.fc2.bias');
    expect(names).toContain('features.8.0.weight');
    expect(names).toContain('classifier.1.weight');
    const features = m.children()[0] as Sequential;
    const first = (features.get(2) as Sequential).get(0) as MBConv;
    expect(first.useResConnect).toBe(false);
    expect(((features.get(2) as Sequential).get(1) as MBConv).useResConnect).toBe(true);
    expect(first.block.layers().map((l) => l.typeName)).toEqual([
      'Conv2dNormActivation',
      'Conv2dNormActivation',
      'SqueezeExcitation',
      'Conv2dNormActivation',
    ]);
    // torchvision's stochastic-depth rule: 0.2 · id / 16 (block 15 of 16 the last).
    expect(((features.get(7) as Sequential).get(0) as MBConv).stochasticDepth.p).toBeCloseTo((0.2 * 15) / 16, 12);
    m.dispose();
  });

  it('matches torchvision’s logits (committed small configuration, randomised weights and BatchNorm statistics)', async () => {
    const m = new EfficientNet(
      [mbconvConfig(1, 3, 1, 16, 8, 1), mbconvConfig(6, 5, 2, 8, 16, 2), mbconvConfig(6, 3, 2, 16, 24, 1)],
      0.2,
      {
        numClasses: 10,
      },
    );
    const { facts, relErr, nParams, bodyShape } = await modernParity(m, MODERN_FIXTURES, 'mini_efficientnet');
    expect(nParams).toBe(facts.n_params);
    expect(relErr).toBeLessThan(1e-4);
    const [n, c, h, w] = facts.body_shape;
    expect(bodyShape).toEqual([n, h, w, c]);
    m.dispose();
  });
});
