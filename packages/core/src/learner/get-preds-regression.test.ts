// getPreds on a regression (MSE: an identity activation) keeps each batch's predictions: the loop disposes the
// batch's own output, so the gathered activations must be copies (they were the same tensors, and concatenating
// them read freed memory).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DataLoader, DataLoaders, type Dataset } from '../data/dataloader.js';
import { Linear } from '../nn/layers/linear.js';
import { manualSeed } from '../nn/random.js';
import { loadCredit } from '../test-utils/credit.js';
import { Learner } from './learner.js';
import { mseLossFlat } from './loss.js';

describe('getPreds on a regression', () => {
  it('gathers the predictions of every batch, with per-item squared errors', async () => {
    manualSeed(0);
    const d = loadCredit();
    const ds = (idx: number[]): Dataset<number> => ({ length: idx.length, get: (i) => idx[i] });
    const collate = (items: number[]) => {
      const xb = new Float32Array(items.length * d.nFeatures);
      items.forEach((r, i) => xb.set(d.x.subarray(r * d.nFeatures, (r + 1) * d.nFeatures), i * d.nFeatures));
      const yb = Float32Array.from(items, (r) => d.y[r]);
      return { x: [tf.tensor2d(xb, [items.length, d.nFeatures])], y: tf.tensor2d(yb, [items.length, 1]) };
    };
    const valid = d.valid.slice(0, 100);
    const dls = new DataLoaders(
      new DataLoader(ds(d.train), { bs: 64, shuffle: true, seed: 0, collate }),
      new DataLoader(ds(valid), { bs: 32, collate }),
    );
    const learn = new Learner(dls, new Linear(d.nFeatures, 1), { lossFunc: mseLossFlat(), progress: false });
    const before = tf.memory().numTensors;
    const { preds, targets, losses } = await learn.getPreds({ withLoss: true });
    const [p, t, l] = await Promise.all([preds.data(), targets.data(), losses.data()]);
    tf.dispose([preds, targets, losses]);
    expect(tf.memory().numTensors).toBe(before);
    expect(p).toHaveLength(valid.length);
    expect(Array.from(t)).toEqual(valid.map((r) => d.y[r]));
    l.forEach((v, i) => expect(v).toBeCloseTo((p[i] - t[i]) ** 2, 5));
    learn.dispose();
  });
});
