// The layers of torchvision's ConvNeXt and EfficientNet against PyTorch 1.13 (fixtures/torch_modern_layers.py):
// outputs and the gradients of sum(y · r) with respect to the input and every parameter, on the backend in use.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import type { AnyModule, Parameter } from '../module.js';
import { GELU, SiLU } from './activation.js';
import { Conv2d } from './conv.js';
import { LayerNorm2d } from './layer-norm.js';
import { SqueezeExcitation } from './squeeze-excitation.js';
import { StochasticDepth, stochasticDepth } from './stochastic-depth.js';

interface T {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  x: T;
  params: Record<string, T>;
  y: T;
  r: T;
  dx: T;
  dparams: Record<string, T>;
}
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/torch-modern-layers.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const LAYERS: Record<string, () => AnyModule> = {
  gelu: () => new GELU(),
  silu: () => new SiLU(),
  layernorm2d: () => new LayerNorm2d(6, { eps: 1e-6 }),
  squeeze_excitation: () => new SqueezeExcitation(8, 2, { activation: new SiLU() }),
  depthwise_conv7: () => new Conv2d(6, 6, 7, { padding: 3, groups: 6 }),
  depthwise_conv5_s2: () => new Conv2d(4, 4, 5, { stride: 2, padding: 2, groups: 4, bias: false }),
};
const TO_TORCH = { conv: [3, 2, 0, 1], linear: [1, 0], none: null } as const;
const nhwc = (t: T) => tf.transpose(tf.tensor(t.data, t.shape), [0, 2, 3, 1]);
const nchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);

describe('ConvNeXt and EfficientNet layers match PyTorch (outputs and gradients)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const layer = LAYERS[c.name]();
    layer.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])));
    const params = layer.namedParameters() as [string, Parameter][];
    const x = tf.variable(nhwc(c.x));
    const r = nhwc(c.r);
    const call = (m: AnyModule, v: tf.Tensor) => (m as unknown as { call(v: tf.Tensor): tf.Tensor }).call(v);
    const y = nchw(call(layer, x));
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(call(layer, x), r)),
      [x, ...params.map(([, p]) => p.variable)],
    );
    expect(relErr(await y.data(), c.y.data)).toBeLessThan(1e-5);
    expect(relErr(await nchw(grads[x.name]).data(), c.dx.data)).toBeLessThan(1e-5);
    for (const [n, p] of params) {
      const perm = TO_TORCH[p.layout];
      const g = perm ? tf.transpose(grads[p.variable.name], [...perm]) : grads[p.variable.name];
      expect(relErr(await g.data(), c.dparams[n].data), n).toBeLessThan(1e-5);
    }
    expect(Object.keys(c.dparams)).toEqual(params.map(([n]) => n));
    expect((layer.constructor as unknown as { typeName: string }).typeName).toBe(
      { gelu: 'GELU', silu: 'SiLU', layernorm2d: 'LayerNorm2d', squeeze_excitation: 'SqueezeExcitation' }[c.name] ??
        'Conv2d',
    );
    layer.dispose();
    tf.dispose([x, r, y, ...Object.values(grads)]);
  });
});

describe('StochasticDepth (torchvision.ops, row mode)', () => {
  it('is the identity in eval and with p = 0', () => {
    const x = tf.randomNormal([4, 3, 3, 2]);
    expect(new StochasticDepth(0.5).eval().call(x)).toBe(x);
    expect(stochasticDepth(x, 0, 'row', true)).toBe(x);
    x.dispose();
  });

  it('in training keeps or zeroes whole samples, the kept ones scaled by 1/(1 − p), about 1 − p of them kept', async () => {
    const x = tf.ones([4000, 2, 2, 3]);
    const y = new StochasticDepth(0.25, 'row').call(x);
    const rows = (await tf.reshape(y, [4000, 12]).array()) as number[][];
    for (const row of rows) expect(new Set(row).size).toBe(1);
    const values = new Set(rows.map((r) => r[0]));
    expect([...values].sort()).toEqual([0, Math.fround(4 / 3)]);
    const kept = rows.filter((r) => r[0] > 0).length / rows.length;
    expect(kept).toBeGreaterThan(0.72);
    expect(kept).toBeLessThan(0.78);
    tf.dispose([x, y]);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => new StochasticDepth(1.5)).toThrow(RangeError);
  });
});
