import * as tf from '@tensorflow/tfjs-core';
import { Linear, numParams } from '@tfai/core/nn';
import type { AnyModule, BatchNorm1d, LayerInfo, Sequential } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { referenceFacts, relError } from '@tfai/test-utils';
import { createHeadParity } from '../test-utils/create-head-parity.js';
import { createHead, type CreateHeadOptions } from './create-head.js';

interface HeadFacts {
  args: {
    nf: number;
    n_out: number;
    lin_ftrs?: number[];
    ps?: number | number[];
    pool?: boolean;
    concat_pool?: boolean;
    first_bn?: boolean;
    bn_final?: boolean;
    lin_first?: boolean;
    y_range?: [number, number];
  };
  n_params: number;
  n_trainable: number;
  layers: (LayerInfo & { idx: number })[];
  eval_output_shape_for_1x1024x7x7?: number[];
}
const heads = referenceFacts().create_head as Record<string, HeadFacts>;

function headOptions(a: HeadFacts['args']): CreateHeadOptions {
  return {
    linFtrs: a.lin_ftrs,
    ps: a.ps,
    pool: a.pool,
    concatPool: a.concat_pool,
    firstBn: a.first_bn,
    bnFinal: a.bn_final,
    linFirst: a.lin_first,
    yRange: a.y_range,
  };
}

/** The layer list as fastai's reference records it: PyTorch's `children()`, which lists a shared module once. */
function childrenAsReference(m: Sequential): LayerInfo[] {
  const seen = new Set<AnyModule>();
  const kids = m.children().filter((c) => !seen.has(c) && seen.add(c));
  return kids.map((c, idx) => ({ idx, ...c.describe() }));
}

describe('createHead against fastai 2.7.12', () => {
  it.each(Object.keys(heads))('%s: layers, attributes and parameter counts', (key) => {
    const ref = heads[key];
    const head = createHead(ref.args.nf, ref.args.n_out, headOptions(ref.args));
    expect(childrenAsReference(head)).toEqual(ref.layers);
    expect(numParams(head)).toBe(ref.n_params);
    expect(numParams(head, { trainable: true })).toBe(ref.n_trainable);
    if (ref.eval_output_shape_for_1x1024x7x7) {
      const shape = tf.tidy(() => head.eval().call(tf.randomNormal([1, 7, 7, 1024])).shape);
      expect(shape).toEqual(ref.eval_output_shape_for_1x1024x7x7);
    }
    head.dispose();
  });

  it("reproduces fastai's eval output of create_head(8, 3, lin_ftrs=[6]) with its state dict to 1e-5", () => {
    const { head, input, output, tensors } = createHeadParity();
    const err = tf.tidy(() => relError(head.call(input), output));
    expect(err).toBeLessThan(1e-5);
    tf.dispose(tensors);
    head.dispose();
  });

  it('keeps fastai state-dict indices when the ReLU repeats (lin_ftrs [256, 128])', () => {
    const head = createHead(1024, 37, { linFtrs: [256, 128] });
    expect(head.length).toBe(13);
    expect(head.namedParameters().map(([n]) => n)).toEqual([
      '2.weight',
      '2.bias',
      '4.weight',
      '6.weight',
      '6.bias',
      '8.weight',
      '10.weight',
      '10.bias',
      '12.weight',
    ]);
    expect(head.get(5)).toBe(head.get(9));
    head.dispose();
  });

  it("initialises block BatchNorms as fastai's BatchNorm (bias 1e-3) and bn_final as PyTorch's (momentum 0.01, bias 0)", () => {
    const head = createHead(16, 4, { bnFinal: true });
    const bn2 = head.get(2) as BatchNorm1d;
    const bnFinal = head.get(-1) as BatchNorm1d;
    expect(Array.from(bn2.bias!.variable.dataSync())).toEqual(Array(32).fill(Math.fround(1e-3)));
    expect(Array.from(bn2.weight!.variable.dataSync())).toEqual(Array(32).fill(1));
    expect(bnFinal.momentum).toBe(0.01);
    expect(Array.from(bnFinal.bias!.variable.dataSync())).toEqual(Array(4).fill(0));
    expect(head.get(-2)).toBeInstanceOf(Linear);
    head.dispose();
  });
});
