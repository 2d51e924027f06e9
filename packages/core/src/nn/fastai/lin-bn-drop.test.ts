import * as tf from '@tensorflow/tfjs-core';
import { ReLU, type BatchNorm1d, type Dropout, type Linear } from '../../nn.js';
import { describe, expect, it } from 'vitest';
import { relError } from '@tfai/test-utils';
import { fastaiEmbedding } from './embedding.js';
import { truncNormal } from './init.js';
import { LinBnDrop } from './lin-bn-drop.js';
import { fastaiBatchNorm, fastaiBatchNorm1d } from './norm.js';

describe('fastai layers', () => {
  it('LinBnDrop children as fastai builds them (BatchNorm, Dropout, Linear without bias; linFirst)', () => {
    const types = (l: LinBnDrop) => l.layers().map((m) => m.typeName);
    expect(types(new LinBnDrop(10, 20))).toEqual(['BatchNorm1d', 'Linear']);
    expect(types(new LinBnDrop(10, 20, { p: 0.1 }))).toEqual(['BatchNorm1d', 'Dropout', 'Linear']);
    expect(types(new LinBnDrop(10, 20, { act: new ReLU(), linFirst: true }))).toEqual([
      'Linear',
      'ReLU',
      'BatchNorm1d',
    ]);
    expect(types(new LinBnDrop(10, 20, { bn: false }))).toEqual(['Linear']);
    const l = new LinBnDrop(10, 20, { linFirst: true });
    expect((l.get(0) as Linear).bias).toBeUndefined();
    expect((l.get(1) as BatchNorm1d).numFeatures).toBe(20);
    expect(Array.from((l.get(1) as BatchNorm1d).bias!.variable.dataSync())).toEqual(
      new Array(20).fill(Math.fround(1e-3)),
    );
    expect((new LinBnDrop(10, 20, { p: 0.3 }).get(1) as Dropout).p).toBe(0.3);
  });

  it('the fused Linear+ReLU forward (fuse: true) equals calling the children one by one', () => {
    const l = new LinBnDrop(6, 5, { act: new ReLU(true), p: 0.2, linFirst: true, bn: true, fuse: true });
    l.eval();
    tf.tidy(() => {
      const x = tf.randomNormal([4, 6]);
      let y = x;
      for (const m of l.layers()) y = m.call(y);
      expect(relError(l.call(x), y)).toBeLessThan(1e-6);
    });
  });

  it('with fuse, forward hooks on the Linear and the ReLU still fire, with the unfused values', () => {
    const l = new LinBnDrop(6, 5, { act: new ReLU(true), linFirst: true, fuse: true }).eval();
    const seen: string[] = [];
    const lin = l.get(0) as Linear;
    const handles = [lin, l.get(1)].map((m) =>
      m.registerForwardHook((mod, _in, out) => seen.push(`${mod.typeName} ${(out as tf.Tensor).shape.join('x')}`)),
    );
    tf.tidy(() => {
      const x = tf.randomNormal([4, 6]);
      const pre = tf.add(tf.matMul(x, lin.weight.variable), 0);
      const expected = (l.get(2) as BatchNorm1d).call(tf.relu(pre));
      expect(relError(l.call(x), expected)).toBeLessThan(1e-6);
    });
    expect(seen).toEqual(['Linear 4x5', 'ReLU 4x5']);
    handles.forEach((h) => h.remove());
    seen.length = 0;
    tf.tidy(() => void l.call(tf.zeros([2, 6])));
    expect(seen).toEqual([]);
  });

  it('fastaiBatchNorm: weight 1 (0 for BatchZero), bias 1e-3, 1d or 2d', () => {
    const bn1 = fastaiBatchNorm(7, 'Batch', 1);
    expect(bn1.typeName).toBe('BatchNorm1d');
    const bn0 = fastaiBatchNorm(7, 'BatchZero');
    expect(bn0.typeName).toBe('BatchNorm2d');
    expect(Array.from(bn0.weight!.variable.dataSync())).toEqual(new Array(7).fill(0));
    expect(Array.from(bn1.weight!.variable.dataSync())).toEqual(new Array(7).fill(1));
    expect(Array.from(bn1.bias!.variable.dataSync())).toEqual(new Array(7).fill(Math.fround(1e-3)));
    expect(fastaiBatchNorm1d(3).typeName).toBe('BatchNorm1d');
  });

  it("fastai's Embedding init is trunc_normal(std=0.01): within ±0.02", () => {
    const e = fastaiEmbedding(100, 30);
    const w = Array.from(e.weight.variable.dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThan(0.02);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(std).toBeGreaterThan(0.008);
    expect(std).toBeLessThan(0.0105);
    tf.tidy(() => {
      expect(tf.max(tf.abs(truncNormal([1000]))).dataSync()[0]).toBeLessThan(2);
    });
  });
});
