// learn.tta() on real images: fashion_mnist (a class-balanced subset), the training augmentation of
// augTransforms() applied to the validation set n times (ImageDataLoader.withTrainAugmentation), as fastai's tta.
import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { accuracy, manualSeed } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { DATA } from '@tfai/test-utils';
import { augTransforms } from '../augment/aug-transforms.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { resnet18 } from '../models/resnet.js';
import { visionLearner } from './vision-learner.js';

/** The first `perClass` images of each class of one split, and their labels. */
function subset(split: 'train' | 'valid', perClass: number): { items: string[]; labels: string[] } {
  const root = `${DATA}fashion_mnist/${split}`;
  const items: string[] = [];
  const labels: string[] = [];
  for (const c of readdirSync(root).sort()) {
    for (const f of readdirSync(`${root}/${c}`).sort().slice(0, perClass)) {
      items.push(`${root}/${c}/${f}`);
      labels.push(c);
    }
  }
  return { items, labels };
}

const acc = async (preds: tf.Tensor, targets: tf.Tensor): Promise<number> => {
  const hits = tf.tidy(() => tf.mean(tf.equal(tf.argMax(preds, -1), targets.toInt()).toFloat()));
  const v = (await hits.data())[0]!;
  hits.dispose();
  return v;
};

describe('tta on fashion_mnist (400 train / 200 valid, 28×28, 10 classes)', () => {
  it('returns getPreds-shaped predictions, beta = 1 reproduces the plain ones, and accuracy stays sensible', async () => {
    manualSeed(0);
    const tr = subset('train', 40);
    const va = subset('valid', 20);
    const n = tr.items.length;
    const split = {
      train: Array.from({ length: n }, (_, i) => i),
      valid: Array.from({ length: va.items.length }, (_, i) => n + i),
    };
    const dls = await ImageDataLoaders.fromLists([...tr.items, ...va.items], [...tr.labels, ...va.labels], split, {
      bs: 16,
      seed: 0,
      batchTfms: augTransforms({ maxRotate: 5, maxZoom: 1.05, maxWarp: 0, doFlip: false }),
    });
    const learn = await visionLearner(dls, resnet18, {
      pretrained: false,
      cut: 5,
      head: { linFtrs: [], ps: 0.25 },
      metrics: [accuracy()],
      progress: false,
    });
    await learn.fitOneCycle(3, 3e-3);

    const plain = await learn.getPreds();
    const n0 = tf.memory().numTensors;
    const t = await learn.tta();
    expect(t.preds.shape).toEqual(plain.preds.shape);
    expect(t.preds.shape).toEqual([200, 10]);
    expect(Array.from(await t.targets.data())).toEqual(Array.from(await plain.targets.data()));
    // Probabilities still: each row sums to 1.
    const sums = tf.tidy(() => tf.sum(t.preds, -1));
    (await sums.data()).forEach((s) => expect(s).toBeCloseTo(1, 5));
    sums.dispose();
    // The augmentation changed the predictions…
    const aug = await learn.tta({ n: 2, beta: 0 });
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(aug.preds, plain.preds))));
    expect((await gap.data())[0]).toBeGreaterThan(1e-2);
    // …and beta = 1 keeps only the plain predictions.
    const one = await learn.tta({ n: 1, beta: 1 });
    const same = tf.tidy(() => tf.max(tf.abs(tf.sub(one.preds, plain.preds))));
    expect((await same.data())[0]).toBeLessThan(1e-5);
    const [accPlain, accTta, accAug] = [
      await acc(plain.preds, plain.targets),
      await acc(t.preds, t.targets),
      await acc(aug.preds, aug.targets),
    ];
    console.log(
      `fashion_mnist subset: accuracy plain ${accPlain.toFixed(3)}, tta (n 4, beta 0.25) ${accTta.toFixed(3)}, augmented only (n 2) ${accAug.toFixed(3)}`,
    );
    expect(accPlain).toBeGreaterThan(0.5);
    expect(Math.abs(accTta - accPlain)).toBeLessThan(0.1);
    tf.dispose([t.preds, t.targets, aug.preds, aug.targets, one.preds, one.targets, gap, same]);
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([plain.preds, plain.targets]);
    learn.dispose();
  }, 300_000);
});
