// MixUp and CutMix (fastai 2.7's callback/mixup.py): the Beta draws, the exact blend of one seeded batch, the
// blended loss, validation left alone, and a real run on credit_data that still learns.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLoader, DataLoaders } from '../../data/dataloader.js';
import { Sequential } from '../../nn/layers/container.js';
import { Linear } from '../../nn/layers/linear.js';
import { Rng, manualSeed } from '../../nn/random.js';
import { creditDls, creditModel, loadCredit, type CreditData } from '../../test-utils/credit.js';
import { Callback } from '../callback.js';
import { Learner } from '../learner.js';
import { crossEntropyLossFlat, mseLossFlat } from '../loss.js';
import { accuracy } from '../metrics/index.js';
import { CutMix, MixUp } from './mixup.js';

/** Mean and variance of `n` draws. */
function moments(draw: () => number, n = 20000): [number, number] {
  const xs = Array.from({ length: n }, draw);
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  return [mean, xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n];
}

describe('Rng.beta and Rng.gamma (Marsaglia–Tsang)', () => {
  it.each([
    [0.4, 0.4],
    [1, 1],
    [2, 5],
    [0.2, 3],
  ])('Beta(%d, %d) has the right mean and variance', (a, b) => {
    const rng = new Rng(1);
    const [mean, variance] = moments(() => rng.beta(a, b));
    expect(mean).toBeCloseTo(a / (a + b), 2);
    const v = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(variance - v) / v).toBeLessThan(0.05);
  });
  it.each([0.3, 1, 4.5])('Gamma(%d) has mean and variance equal to its shape', (k) => {
    const rng = new Rng(2);
    const [mean, variance] = moments(() => rng.gamma(k));
    expect(Math.abs(mean - k) / k).toBeLessThan(0.03);
    expect(Math.abs(variance - k) / k).toBeLessThan(0.06);
  });
  it('is reproducible from the seed and stays in [0, 1]', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const xs = Array.from({ length: 100 }, () => a.beta(0.4, 0.4));
    expect(xs).toEqual(Array.from({ length: 100 }, () => b.beta(0.4, 0.4)));
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
  });
});

/** A learner over nothing in particular, for calling the callbacks' events by hand as fastai's tests do. */
function bareLearner(lossFunc = crossEntropyLossFlat()): Learner {
  const ds = { length: 1, get: () => 0 };
  const collate = () => ({ x: [tf.zeros([1, 3])], y: tf.zeros([1], 'int32') });
  const dl = new DataLoader(ds, { collate });
  return new Learner(new DataLoaders(dl, dl), new Sequential(new Linear(3, 2)), { lossFunc, progress: false });
}

/** Cross-entropy of one row of logits against a class, in plain JS. */
function ce(logits: number[], cls: number): number {
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, v) => s + Math.exp(v - m), 0));
  return lse - logits[cls]!;
}

describe('MixUp on one seeded batch', () => {
  const X = [
    [1, 2, 3],
    [-1, 0, 4],
    [0.5, -2, 1],
    [3, 3, -3],
    [2, -1, 0],
  ];
  const Y = [0, 1, 1, 0, 1];
  const LOGITS = [
    [2, -1],
    [0.5, 0.3],
    [-1, 1.5],
    [0, 0],
    [1, 2],
  ];

  it('blends each input with its partner by λ = max(b, 1−b), b ~ Beta(0.4, 0.4), and the losses by the same λ', async () => {
    const learn = bareLearner();
    const cb = new MixUp();
    learn.addCb(cb);
    learn.training = true;
    learn.x = [tf.tensor2d(X)];
    learn.y = tf.tensor1d(Y, 'int32');
    manualSeed(3);
    cb.beforeBatch();
    // The same draws from the same seed: λ per item, then the permutation.
    const rng = new Rng(3);
    const lam = X.map(() => {
      const b = rng.beta(0.4, 0.4);
      return Math.max(b, 1 - b);
    });
    const perm = Array.from(rng.permutation(X.length));
    expect(cb.lam).toEqual(lam);
    expect(Array.from(cb.shuffle)).toEqual(perm);
    expect(perm).not.toEqual([0, 1, 2, 3, 4]);
    expect(lam.every((l) => l >= 0.5 && l <= 1)).toBe(true);
    const expected = X.map((row, i) => row.map((v, j) => lam[i]! * v + (1 - lam[i]!) * X[perm[i]!]![j]!));
    const got = (await learn.x[0]!.array()) as number[][];
    got.flat().forEach((v, k) => expect(v).toBeCloseTo(expected.flat()[k]!, 5));
    // Class targets stay as they are; the loss is blended.
    expect(Array.from(await learn.y.data())).toEqual(Y);
    learn.pred = tf.tensor2d(LOGITS);
    learn.loss = tf.scalar(0);
    const plain = learn.loss;
    cb.afterLoss();
    plain.dispose();
    const want =
      LOGITS.reduce((s, row, i) => s + lam[i]! * ce(row, Y[i]!) + (1 - lam[i]!) * ce(row, Y[perm[i]!]!), 0) / X.length;
    expect((await learn.loss.data())[0]).toBeCloseTo(want, 5);
    cb.afterBatch();
    tf.dispose([...learn.x, learn.y, learn.pred, learn.loss]);
  });

  it('blends float targets as the inputs, and leaves the loss alone', async () => {
    const learn = bareLearner(mseLossFlat());
    const cb = new MixUp(1);
    learn.addCb(cb);
    learn.x = [tf.tensor2d(X)];
    learn.y = tf.tensor2d(Y.map((v) => [v * 10]));
    manualSeed(4);
    cb.beforeBatch();
    const y = Array.from(await learn.y.data());
    y.forEach((v, i) => expect(v).toBeCloseTo(cb.lam[i]! * Y[i]! * 10 + (1 - cb.lam[i]!) * Y[cb.shuffle[i]!]! * 10, 4));
    const loss = tf.scalar(1.25);
    learn.pred = tf.zeros([5, 1]);
    learn.loss = loss;
    cb.afterLoss();
    expect(learn.loss).toBe(loss);
    cb.afterBatch();
    tf.dispose([...learn.x, learn.y, learn.pred, loss]);
  });
});

describe('MixUp on segmentation targets', () => {
  it('weights each image’s mean pixel loss by its λ', async () => {
    const learn = bareLearner();
    const cb = new MixUp();
    learn.addCb(cb);
    const [n, h, w, c] = [3, 2, 2, 4];
    const rng = new Rng(9);
    const logits = Array.from({ length: n * h * w * c }, () => rng.next() * 4 - 2);
    const y = Array.from({ length: n * h * w }, (_, i) => (i * 7) % c);
    learn.x = [tf.zeros([n, h, w, 1])];
    learn.y = tf.tensor3d(y, [n, h, w], 'int32');
    manualSeed(2);
    cb.beforeBatch();
    expect(Array.from(cb.shuffle)).not.toEqual([0, 1, 2]); // partners differ from the items themselves
    learn.pred = tf.tensor4d(logits, [n, h, w, c]);
    learn.loss = tf.scalar(0);
    const plain = learn.loss;
    cb.afterLoss();
    plain.dispose();
    const px = h * w;
    const pixelCe = (img: number, p: number, target: number) =>
      ce(logits.slice((img * px + p) * c, (img * px + p + 1) * c), target);
    let want = 0;
    for (let i = 0; i < n; i++) {
      const j = cb.shuffle[i]!;
      let own = 0;
      let other = 0;
      for (let p = 0; p < px; p++) {
        own += pixelCe(i, p, y[i * px + p]!) / px;
        other += pixelCe(i, p, y[j * px + p]!) / px;
      }
      want += (cb.lam[i]! * own + (1 - cb.lam[i]!) * other) / n;
    }
    expect((await learn.loss.data())[0]).toBeCloseTo(want, 5);
    cb.afterBatch();
    tf.dispose([...learn.x, learn.y, learn.pred, learn.loss]);
  });
});

describe('CutMix on one seeded batch', () => {
  it('pastes the partner into a box of about (1−λ) of the image; λ becomes the share left; the loss blends by it', async () => {
    const [n, h, w] = [3, 6, 8];
    const values = Float32Array.from({ length: n * h * w }, (_, i) => i);
    const learn = bareLearner();
    const cb = new CutMix();
    learn.addCb(cb);
    learn.x = [tf.tensor4d(values, [n, h, w, 1])];
    const Y = [0, 1, 1];
    learn.y = tf.tensor1d(Y, 'int32');
    manualSeed(11);
    cb.beforeBatch();
    const rng = new Rng(11);
    const drawn = rng.beta(1, 1);
    const perm = Array.from(rng.permutation(n));
    const cx = rng.int(w);
    const cy = rng.int(h);
    const cutW = Math.round(w * Math.sqrt(1 - drawn));
    const cutH = Math.round(h * Math.sqrt(1 - drawn));
    const box = [
      Math.max(cx - Math.floor(cutW / 2), 0),
      Math.max(cy - Math.floor(cutH / 2), 0),
      Math.min(cx + Math.floor(cutW / 2), w),
      Math.min(cy + Math.floor(cutH / 2), h),
    ];
    expect(cb.box).toEqual(box);
    expect(Array.from(cb.shuffle)).toEqual(perm);
    const [x1, y1, x2, y2] = box as [number, number, number, number];
    expect((x2 - x1) * (y2 - y1)).toBeGreaterThan(0); // this seed's box is not empty
    expect(cb.lam).toEqual([1 - ((x2 - x1) * (y2 - y1)) / (w * h)]);
    const got = await learn.x[0]!.data();
    for (let b = 0; b < n; b++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          const inBox = i >= y1 && i < y2 && j >= x1 && j < x2;
          expect(got[(b * h + i) * w + j]).toBe(values[((inBox ? perm[b]! : b) * h + i) * w + j]);
        }
    const logits = [
      [1, -1],
      [0.2, 0.1],
      [-2, 1],
    ];
    learn.pred = tf.tensor2d(logits);
    learn.loss = tf.scalar(0);
    const plain = learn.loss;
    cb.afterLoss();
    plain.dispose();
    const lam = cb.lam[0]!;
    const want = logits.reduce((s, row, i) => s + lam * ce(row, Y[i]!) + (1 - lam) * ce(row, Y[perm[i]!]!), 0) / n;
    expect((await learn.loss.data())[0]).toBeCloseTo(want, 5);
    cb.afterBatch();
    tf.dispose([...learn.x, learn.y, learn.pred, learn.loss]);
  });

  it('needs an image batch', () => {
    const learn = bareLearner();
    const cb = new CutMix();
    learn.addCb(cb);
    learn.x = [tf.zeros([2, 3])];
    learn.y = tf.zeros([2], 'int32');
    expect(() => cb.beforeBatch()).toThrow(/NHWC image batch/);
    tf.dispose([...learn.x, learn.y]);
  });
});

/** Records, per batch, whether the model saw the loader's inputs unchanged (training or validation). */
class InputSpy extends Callback {
  override order = -10; // before MixUp's beforeBatch
  raw: tf.Tensor | undefined;
  seen: { training: boolean; same: boolean }[] = [];
  override beforeBatch(): void {
    this.raw = tf.clone(this.learn.x[0]!);
  }
  override afterPred(): void {
    const same = tf.tidy(() => tf.max(tf.abs(tf.sub(this.raw!, this.learn.x[0]!))).dataSync()[0] === 0);
    this.seen.push({ training: this.learn.training, same });
    this.raw!.dispose();
  }
}

describe('MixUp in a real run on credit_data (4,454 loans)', () => {
  let data: CreditData;
  beforeAll(() => {
    data = loadCredit();
  });

  it('blends only training batches, validates with the plain loss, and still learns', async () => {
    manualSeed(0);
    const model = creditModel(data);
    const learn = new Learner(creditDls(data, 64, 0), model, { metrics: [accuracy()], progress: false });
    const before = await learn.validate();
    const spy = new InputSpy();
    await learn.fitOneCycle(1, 1e-2, { cbs: [new MixUp(), spy] });
    const n0 = tf.memory().numTensors;
    await learn.fitOneCycle(2, 1e-2, { cbs: [new MixUp(), spy] });
    expect(tf.memory().numTensors).toBe(n0);
    const train = spy.seen.filter((s) => s.training);
    const valid = spy.seen.filter((s) => !s.training);
    expect(train.length).toBe(3 * learn.dls.train.length);
    expect(train.every((s) => !s.same)).toBe(true);
    expect(valid.length).toBe(3 * learn.dls.valid.length);
    expect(valid.every((s) => s.same)).toBe(true);
    // The epoch table's validation loss is the plain cross-entropy: validate() (no MixUp) gives the same.
    const after = await learn.validate();
    expect(learn.recorder.values.at(-1)![1]).toBeCloseTo(after.validLoss, 5);
    // Learns: the small MLP reaches ≈ 0.79 without MixUp (learner.test.ts); majority class 0.72.
    expect(after.validLoss).toBeLessThan(before.validLoss - 0.1);
    expect(after.metrics.accuracy).toBeGreaterThan(0.76);
    learn.dispose();
  });
});
