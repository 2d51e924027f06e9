import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy, Callback, manualSeed, slice } from '@tfai/core';
import { ExportError, exportLearner, loadLearner, loadSafetensors } from '@tfai/core/io';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, numParams, ReLU, Sequential } from '@tfai/core/nn';
import type { Parameter, TensorModule } from '@tfai/core/nn';
import { Normalize } from '@tfai/vision/augment';
import { imagenetStats, resnet18, resnet34 } from '@tfai/vision/models';
import { datasets } from '@tfai/datasets';
import { needsReference, referenceFacts, referenceFile } from '@tfai/test-utils';
import { readPairsCsv } from './data/pairs-csv.js';
import { SiameseDataLoaders } from './data/siamese-dataloaders.js';
import { SiameseInputError } from './errors.js';
import { siameseLearner, SiameseLearner } from './learner.js';

interface GroupFacts {
  n_tensors: number;
  n_params: number;
  n_trainable: number;
}
const ref = referenceFacts().siamese as unknown as {
  param_groups: GroupFacts[];
  param_groups_after_freeze: GroupFacts[];
  trainable_after_freeze_total: number;
  'lrs_for_slice_1e-6_1e-4': number[];
};
const TUX_CSV = `${datasets.path('tux_photos')}/siamese_pairs.csv`;
const CHECKPOINT = referenceFile('torchvision/resnet18.safetensors');

const groupFacts = (learn: SiameseLearner): GroupFacts[] =>
  learn.opt!.paramGroups.map((g) => ({
    n_tensors: g.params.length,
    n_params: g.params.reduce((s, p) => s + p.size, 0),
    n_trainable: g.params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.size, 0),
  }));

/** Records every training batch's learning rate per parameter group. */
class LrRecorder extends Callback {
  override runValid = false;
  lrs: number[][] = [];
  override afterBatch(): void {
    this.lrs.push(this.learn.opt!.paramGroups.map((g) => g.lr));
  }
}

/** A copy of the parameters' values, to tell which ones a fit changed. */
const snapshot = (ps: Parameter[]) => ps.map((p) => Array.from(p.variable.dataSync()));
const changed = (ps: Parameter[], before: number[][]) =>
  ps.map((p, i) => {
    const now = p.variable.dataSync();
    return now.some((v, j) => v !== before[i][j]);
  });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-siamese-learner-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('siameseLearner(resnet34) against the book’s learner in fastai 2.7.12', () => {
  it('two parameter groups; freeze() trains the head and the encoder’s BatchNorm; slice(1e-6, 1e-4) spreads as fastai', async () => {
    manualSeed(0);
    const dls = await SiameseDataLoaders.fromCsv(TUX_CSV, { size: 32, seed: 0 });
    const learn = await siameseLearner(dls, resnet34, { pretrained: false, metrics: accuracy(), progress: false });
    learn.createOpt();
    expect(groupFacts(learn)).toEqual(ref.param_groups);
    learn.freeze();
    expect(groupFacts(learn)).toEqual(ref.param_groups_after_freeze);
    expect(numParams(learn.model, { trainable: true })).toBe(ref.trainable_after_freeze_total);
    learn.unfreeze();
    expect(groupFacts(learn)).toEqual(ref.param_groups);
    learn.opt!.setHyper('lr', slice(1e-6, 1e-4));
    expect(learn.opt!.paramGroups.map((g) => g.lr)).toEqual(ref['lrs_for_slice_1e-6_1e-4']);
    // Not pretrained: nothing frozen, no normalisation added.
    expect(dls.batchTfms).toEqual([]);
    learn.dispose();
  });
});

describe(
  'the book’s schedule on tux_photos pairs, from a torchvision ResNet-18 checkpoint',
  needsReference('torchvision/resnet18.safetensors'),
  () => {
    let learn: SiameseLearner;
    let dls: SiameseDataLoaders;
    beforeAll(async () => {
      manualSeed(1);
      // A bounded run: 128 of the CSV's training pairs (4 batches) and 64 validation pairs, at 32×32.
      const rows = await readPairsCsv(TUX_CSV);
      const pairs = (valid: boolean, n: number) =>
        rows
          .filter((r) => r.isValid === valid)
          .slice(0, n)
          .map(({ a, b, same }) => ({ a, b, same }));
      dls = SiameseDataLoaders.fromPairs(pairs(false, 128), pairs(true, 64), { size: 32, bs: 32, seed: 1 });
      learn = await siameseLearner(dls, resnet18, {
        pretrained: CHECKPOINT,
        metrics: accuracy(),
        progress: false,
        path: dir,
      });
    });
    afterAll(() => learn.dispose());

    it('pretrained: the encoder holds the checkpoint, is frozen, and ImageNet normalisation is added to the data', async () => {
      const { tensors } = await loadSafetensors(CHECKPOINT);
      const sd = learn.model.encoder.stateDict();
      // createBody renames the children 0…7: conv1 is encoder.0, layer4 is encoder.7.
      expect(Array.from(sd['0.weight'].dataSync())).toEqual(Array.from(tensors['conv1.weight'].dataSync()));
      expect(Array.from(sd['7.1.bn2.running_var'].dataSync())).toEqual(
        Array.from(tensors['layer4.1.bn2.running_var'].dataSync()),
      );
      tf.dispose([...Object.values(tensors), ...Object.values(sd)]);
      expect(learn.opt!.frozenIdx).toBe(1);
      const norm = dls.batchTfms.find((t) => t instanceof Normalize) as Normalize;
      expect([norm.mean, norm.std]).toEqual(imagenetStats);
    });

    it('fitOneCycle(1, 3e-3) frozen, then unfreeze() and fitOneCycle(1, slice(1e-6, 1e-4)): learning rates per group as fastai', async () => {
      const [encoder, head] = learn.opt!.paramGroups.map((g) => g.params);
      const isBn = encoder.map((p) => p.kind === 'norm');
      const rec = new LrRecorder();
      let before = snapshot(encoder);
      const headBefore = snapshot(head);
      await learn.fitOneCycle(1, 3e-3, { cbs: [rec] });
      expect(rec.lrs.length).toBe(4);
      // Both groups follow the one-cycle schedule up to 3e-3 (starting at 3e-3/25)…
      expect(Math.max(...rec.lrs.map((l) => l[1]))).toBeCloseTo(3e-3, 6);
      expect(rec.lrs[0][1]).toBeCloseTo(3e-3 / 25, 8);
      // …but only the head and the encoder's BatchNorm layers change.
      expect(changed(encoder, before).every((c, i) => c === isBn[i])).toBe(true);
      expect(changed(head, headBefore).every(Boolean)).toBe(true);

      learn.unfreeze();
      rec.lrs = [];
      before = snapshot(encoder);
      await learn.fitOneCycle(1, slice(1e-6, 1e-4), { cbs: [rec] });
      const peaks = [0, 1].map((g) => Math.max(...rec.lrs.map((l) => l[g])));
      expect(peaks[0]).toBeCloseTo(ref['lrs_for_slice_1e-6_1e-4'][0], 12);
      expect(peaks[1]).toBeCloseTo(ref['lrs_for_slice_1e-6_1e-4'][1], 10);
      // The ratio between the groups holds at every batch.
      for (const [e, h] of rec.lrs) expect(h / e).toBeCloseTo(100, 6);
      expect(changed(encoder, before).every(Boolean)).toBe(true);
      const { metrics } = await learn.validate();
      expect(metrics.accuracy).toBeGreaterThanOrEqual(0);
    });

    it('predict([imgA, imgB]) → {same, probability}; export → loadLearner → predict gives the same answer', async () => {
      const [p, q] = dls.valid.ds.pairs;
      await learn.predict([p.a, p.b]);
      const nTensors = tf.memory().numTensors;
      const r1 = await learn.predict([p.a, p.b]);
      expect(tf.memory().numTensors).toBe(nTensors);
      expect(typeof r1.same).toBe('boolean');
      expect(r1.probability).toBeCloseTo(r1.probs[1], 6);
      expect(r1.same).toBe(r1.probability > 0.5);
      expect(r1.label).toBe(r1.same ? 'same' : 'different');

      const { json } = await exportLearner(learn, join(dir, 'siamese'));
      const desc = JSON.parse(await readFile(json, 'utf8')) as {
        builder: { package: string; name: string; args: { data: { batchTfms: unknown[] } } };
      };
      expect([desc.builder.package, desc.builder.name]).toEqual(['@tfai/siamese', 'siameseLearner']);
      expect(desc.builder.args.data.batchTfms).toEqual([
        { type: 'Normalize', mean: imagenetStats[0], std: imagenetStats[1] },
      ]);
      const loaded = await loadLearner(json, SiameseLearner);
      for (const pair of [p, q]) {
        const a = await learn.predict([pair.a, pair.b]);
        const b = await loaded.predict([pair.a, pair.b]);
        expect(b.same).toBe(a.same);
        expect(b.probability).toBeCloseTo(a.probability, 5);
      }
      loaded.dispose();
    });

    it('predict with one image, three images or a non-image is a SiameseInputError; images of different sizes are resized', async () => {
      const [p] = dls.valid.ds.pairs;
      await expect(learn.predict(p.a)).rejects.toThrow(SiameseInputError);
      await expect(learn.predict([p.a])).rejects.toThrow(
        /predict compares two images: pass \[imageA, imageB\], got 1 image$/,
      );
      await expect(learn.predict([p.a, p.b, p.a])).rejects.toThrow(/got 3 images/);
      await expect(learn.predict([p.a, { path: p.b }])).rejects.toThrow(
        /image B must be a file path or the bytes of an image/,
      );
      const big = `${datasets.path('tux_photos')}/train/mammal/animals__mammals__bovines__sheep_lamb.png`;
      const small = `${datasets.path('fashion_mnist')}/valid/bag/${(await import('node:fs')).readdirSync(`${datasets.path('fashion_mnist')}/valid/bag`)[0]}`;
      const r = await learn.predict([big, small]);
      expect(r.probability).toBeGreaterThanOrEqual(0);
      expect(r.probability).toBeLessThanOrEqual(1);
      // Bytes work as well as paths.
      const r2 = await learn.predict([await readFile(big), await readFile(small)]);
      expect(r2.probability).toBeCloseTo(r.probability, 6);
    });

    it('showResults writes a PNG of validation pairs with their predictions', async () => {
      const file = await learn.showResults({ file: join(dir, 'results.png'), maxN: 6 });
      const png = await readFile(file);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    });

    it('a learner with a custom cut function cannot be exported, and says so', async () => {
      const custom = await siameseLearner(dls, resnet18, {
        pretrained: false,
        cut: (m) => new Sequential(...(m.children().slice(0, 5) as TensorModule[])),
        progress: false,
      });
      await expect(exportLearner(custom, join(dir, 'custom'))).rejects.toThrow(ExportError);
      custom.dispose();
    });
  },
);

describe('a siameseLearner that fails', () => {
  it('keeps nothing it built (a callback that is not one): numTensors flat over 20 calls', async () => {
    const dls = await SiameseDataLoaders.fromCsv(TUX_CSV, { size: 32, seed: 0 });
    /** A small architecture: conv-bn-relu body, then pool and a classifier that createBody cuts off. */
    const tiny = () =>
      new Sequential(
        new Conv2d(3, 16, 3, { stride: 2, padding: 1 }),
        new BatchNorm2d(16),
        new ReLU(),
        new AdaptiveAvgPool2d(1),
        new Flatten(),
        new Linear(16, 10),
      );
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const err = await siameseLearner(dls, tiny, {
        cut: -3,
        pretrained: false,
        progress: false,
        cbs: [null as never],
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TypeError);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
