import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { StateDictMismatchError } from '../errors.js';
import { BatchNorm1d, BatchNorm2d } from './layers/batchnorm.js';
import { Sequential } from './layers/container.js';
import { Conv2d } from './layers/conv.js';
import { ReLU } from './layers/activation.js';
import { Linear } from './layers/linear.js';
import { Dropout } from './layers/dropout.js';
import { AdaptiveConcatPool2d } from './layers/pooling.js';
import { Flatten } from './layers/reshape.js';
import { numParams } from './module.js';

describe('Module', () => {
  it('names parameters and buffers as PyTorch, with PyTorch shapes in the state dict', () => {
    const m = new Sequential(
      new Conv2d(3, 8, 3, { padding: 1, bias: false }),
      new BatchNorm2d(8),
      new ReLU(),
      new Flatten(),
      new Linear(8 * 4 * 4, 5),
    );
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual([
      '0.weight',
      '1.weight',
      '1.bias',
      '4.weight',
      '4.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
    ]);
    expect(sd['0.weight'].shape).toEqual([8, 3, 3, 3]);
    expect(sd['4.weight'].shape).toEqual([5, 128]);
    expect(numParams(m)).toBe(8 * 27 + 16 + 128 * 5 + 5);
    tf.dispose(Object.values(sd));
    m.dispose();
  });

  it('round-trips a state dict and reports every mismatch before changing anything', () => {
    const a = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
    const b = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
    const sd = a.stateDict();
    b.loadStateDict(sd);
    const x = tf.randomNormal([2, 4]);
    a.eval();
    b.eval();
    expect(Array.from(b.call(x).dataSync())).toEqual(Array.from(a.call(x).dataSync()));

    const before = b.stateDict();
    const bad = { ...sd, '0.weight': tf.zeros([4, 3]), extra: tf.zeros([1]) } as Record<string, tf.Tensor>;
    delete bad['1.bias'];
    let err: unknown;
    try {
      b.loadStateDict(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictMismatchError);
    const e = err as StateDictMismatchError;
    expect(e.missing).toEqual(['1.bias']);
    expect(e.unexpected).toEqual(['extra']);
    expect(e.wrongShape).toEqual([{ key: '0.weight', expected: [3, 4], got: [4, 3] }]);
    expect(e.message).toMatch(
      /missing keys: 1\.bias.*unexpected keys: extra.*0\.weight \(expected \[3,4\], got \[4,3\]\)/,
    );
    const after = b.stateDict();
    expect(Array.from(after['0.weight'].dataSync())).toEqual(Array.from(before['0.weight'].dataSync()));
    tf.dispose([
      ...Object.values(sd),
      ...Object.values(before),
      ...Object.values(after),
      bad['0.weight'],
      bad.extra,
      x,
    ]);
  });

  it("loads a pre-0.4.1 checkpoint without BatchNorm's num_batches_tracked (count restarts at 0, as PyTorch)", async () => {
    const src = new Sequential(new Conv2d(3, 4, 1), new BatchNorm2d(4));
    const dst = new Sequential(new Conv2d(3, 4, 1), new BatchNorm2d(4));
    tf.tidy(() => (dst.children()[1] as BatchNorm2d).numBatchesTracked.assign(tf.scalar(7, 'int32')));
    const before = tf.memory().numTensors;
    const sd = src.stateDict();
    const { '1.num_batches_tracked': dropped, ...old } = sd;
    expect(dst.loadStateDict(old)).toEqual({ missing: [], unexpected: [] });
    expect(await (dst.children()[1] as BatchNorm2d).numBatchesTracked.data()).toEqual(Int32Array.from([0]));
    const loaded = dst.stateDict();
    expect(await loaded['1.running_var'].data()).toEqual(await sd['1.running_var'].data());
    tf.dispose(Object.values(loaded));
    // Only beside its running_mean: a checkpoint that lacks the statistics too is still a mismatch.
    const { '1.running_mean': _m, ...noStats } = old;
    expect(() => dst.loadStateDict(noStats)).toThrow(StateDictMismatchError);
    tf.dispose([dropped, ...Object.values(old)]);
    expect(tf.memory().numTensors).toBe(before);
    src.dispose();
    dst.dispose();
  });

  it('prints the tree as PyTorch does', () => {
    const m = new Sequential(
      new AdaptiveConcatPool2d(),
      new Flatten(),
      new BatchNorm1d(1024),
      new Dropout(0.25),
      new Linear(1024, 512, { bias: false }),
      new ReLU(true),
    );
    expect(m.toString()).toBe(
      [
        'Sequential(',
        '  (0): AdaptiveConcatPool2d(',
        '    (ap): AdaptiveAvgPool2d(output_size=1)',
        '    (mp): AdaptiveMaxPool2d(output_size=1)',
        '  )',
        '  (1): Flatten(full=False)',
        '  (2): BatchNorm1d(1024, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (3): Dropout(p=0.25, inplace=False)',
        '  (4): Linear(in_features=1024, out_features=512, bias=False)',
        '  (5): ReLU(inplace=True)',
        ')',
      ]
        .join('\n')
        .replace('eps=1e-05', `eps=${1e-5}`),
    );
    m.dispose();
  });

  it('runs forward hooks and switches train/eval through the tree', () => {
    const m = new Sequential(new Linear(2, 2), new Dropout(0.5));
    const seen: number[][] = [];
    const h = m.get(0).registerForwardHook((_mod, _in, out) => seen.push((out as tf.Tensor).shape));
    m.eval();
    expect(m.get(1).training).toBe(false);
    tf.tidy(() => m.call(tf.ones([3, 2])));
    h.remove();
    tf.tidy(() => m.call(tf.ones([3, 2])));
    expect(seen).toEqual([[3, 2]]);
    m.dispose();
  });

  it('BatchNorm updates running statistics as PyTorch (momentum 0.1, unbiased variance)', () => {
    const bn = new BatchNorm1d(2);
    const x = tf.tensor2d([
      [1, 10],
      [3, 14],
      [5, 30],
    ]);
    tf.tidy(() => bn.call(x));
    // mean [3, 18]; unbiased var [4, 112]
    expect(Array.from(bn.runningMean.dataSync())).toEqual([expect.closeTo(0.3, 6), expect.closeTo(1.8, 6)]);
    expect(Array.from(bn.runningVar.dataSync())).toEqual([expect.closeTo(0.9 + 0.4, 5), expect.closeTo(0.9 + 11.2, 5)]);
    expect(bn.numBatchesTracked.dataSync()[0]).toBe(1);
    bn.dispose();
    x.dispose();
  });
});
