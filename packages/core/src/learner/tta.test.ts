// Learner.tta's arithmetic (fastai's learner.py: lerp(aug_preds, preds, beta), or the maximum) on a loader whose
// "augmentation" is known noise; vision's tta.test.ts runs it on real images with the real augmentation.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DataLoader, DataLoaders, type Batch } from '../data/dataloader.js';
import { TfaiError } from '../errors.js';
import { Sequential } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { Rng, manualSeed } from '../nn/random.js';
import { Learner } from './learner.js';

const N = 10;
const X = new Rng(5);
const ROWS = Array.from({ length: N }, () => [X.next(), X.next(), X.next()]);
const collate = (idx: number[]): Batch => ({
  x: [tf.tensor2d(idx.map((i) => ROWS[i]!))],
  y: tf.tensor1d(idx, 'int32'),
});

/** A loader whose training twin adds a different, known offset on each pass. */
class NoisyLoader extends DataLoader<number> {
  passes = 0;
  constructor(readonly noise: number) {
    super({ length: N, get: (i) => i }, { bs: 4, collate });
  }
  override withTrainAugmentation(): DataLoader<number> {
    const offsets = [0.5, -1, 2, 0.25, 1];
    return new DataLoader(
      { length: N, get: (i) => i },
      {
        bs: 4,
        collate,
        afterBatch: (b) => {
          const shift = offsets[Math.floor(this.passes / 3) % offsets.length]! * this.noise;
          this.passes++;
          const x = tf.add(b.x[0]!, shift);
          tf.dispose(b.x);
          return { x: [x], y: b.y };
        },
      },
    );
  }
}

function learner(dl: DataLoader<number>): Learner {
  manualSeed(0);
  return new Learner(new DataLoaders(dl, dl), new Sequential(new Linear(3, 4)), { progress: false });
}

async function probs(learn: Learner, dl: DataLoader<number>, shift: number): Promise<number[][]> {
  const shifted = new DataLoader(
    { length: N, get: (i) => i },
    { bs: 4, collate, afterBatch: (b) => ({ x: [tf.add(b.x[0]!, shift)], y: b.y }) },
  );
  const { preds, targets } = await learn.getPreds(shifted);
  targets.dispose();
  const out = (await preds.array()) as number[][];
  preds.dispose();
  return out;
}

describe('Learner.tta', () => {
  it('is lerp(mean of the augmented passes, plain, beta), with the targets in order', async () => {
    const dl = new NoisyLoader(1);
    const learn = learner(dl);
    const plain = await probs(learn, dl, 0);
    // Three batches per pass: passes shift by 0.5, -1, 2 (×noise).
    const augs = await Promise.all([0.5, -1, 2].map((s) => probs(learn, dl, s)));
    const n0 = tf.memory().numTensors;
    const { preds, targets } = await learn.tta({ n: 3, beta: 0.25 });
    expect(preds.shape).toEqual([N, 4]);
    expect(Array.from(await targets.data())).toEqual(Array.from({ length: N }, (_, i) => i));
    const got = (await preds.array()) as number[][];
    got.forEach((row, i) =>
      row.forEach((v, j) => {
        const aug = (augs[0]![i]![j]! + augs[1]![i]![j]! + augs[2]![i]![j]!) / 3;
        expect(v).toBeCloseTo(0.25 * plain[i]![j]! + 0.75 * aug, 6);
      }),
    );
    tf.dispose([preds, targets]);
    expect(tf.memory().numTensors).toBe(n0);
    learn.dispose();
  });

  it('beta = 1 gives the plain predictions; beta = 0 only the augmented ones; useMax the maximum', async () => {
    const dl = new NoisyLoader(1);
    const learn = learner(dl);
    const plain = await probs(learn, dl, 0);
    const aug = await probs(learn, dl, 0.5);
    const one = await learn.tta({ n: 1, beta: 1 });
    ((await one.preds.array()) as number[][]).flat().forEach((v, k) => expect(v).toBeCloseTo(plain.flat()[k]!, 6));
    dl.passes = 0;
    const zero = await learn.tta({ n: 1, beta: 0 });
    ((await zero.preds.array()) as number[][]).flat().forEach((v, k) => expect(v).toBeCloseTo(aug.flat()[k]!, 6));
    dl.passes = 0;
    const max = await learn.tta({ n: 1, useMax: true });
    ((await max.preds.array()) as number[][])
      .flat()
      .forEach((v, k) => expect(v).toBeCloseTo(Math.max(aug.flat()[k]!, plain.flat()[k]!), 6));
    // The shifts changed the predictions: the cases above are not all the same numbers.
    expect(Math.max(...plain.flat().map((v, k) => Math.abs(v - aug.flat()[k]!)))).toBeGreaterThan(1e-3);
    tf.dispose([one.preds, one.targets, zero.preds, zero.targets, max.preds, max.targets]);
    learn.dispose();
  });

  it('needs a loader with training augmentation', async () => {
    const dl = new DataLoader({ length: N, get: (i: number) => i }, { bs: 4, collate });
    const learn = learner(dl);
    await expect(learn.tta()).rejects.toThrow(TfaiError);
    await expect(learn.tta()).rejects.toThrow(/DataLoader\) has no training augmentation/);
    await expect(learn.tta({ n: 0 })).rejects.toThrow(/positive integer/);
    learn.dispose();
  });
});
