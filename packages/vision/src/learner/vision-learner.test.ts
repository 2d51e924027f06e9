import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Callback, CancelFitException, accuracy, manualSeed, slice } from '@tfai/core';
import { exportLearner, loadLearner } from '@tfai/core/io';
import { Linear } from '@tfai/core/nn';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { needsReference, referenceFacts, referenceFile } from '@tfai/test-utils';
import { Normalize } from '../augment/normalize.js';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { ImageReadError } from '../data/errors.js';
import { imagenetStats, resnetSplit } from '../models/model-meta.js';
import { resnet18 } from '../models/resnet.js';
import { VisionLearner, learnerBuilders, visionLearner } from './vision-learner.js';

interface GroupFacts {
  n_tensors: number;
  n_params: number;
  n_trainable: number;
}
const facts = (referenceFacts().vision_learner as Record<string, Record<string, unknown>>).resnet18_nout37;
const TUX = `${datasets.path('tux_photos')}`;
const WEIGHTS = referenceFile('torchvision/resnet18.safetensors');

let dir: string;
let tux: () => Promise<ImageDataLoaders>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-vlearn-'));
  tux = () => ImageDataLoaders.fromFolder(TUX, { bs: 8, seed: 0, itemTfms: [new Resize(32)] });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const groupFacts = (learn: VisionLearner): GroupFacts[] =>
  learn.opt!.paramGroups.map((g) => ({
    n_tensors: g.params.length,
    n_params: g.params.reduce((s, p) => s + p.size, 0),
    n_trainable: g.params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.size, 0),
  }));

describe('visionLearner against fastai 2.7.12’s vision_learner(resnet18, n_out=37)', () => {
  it(
    'pretrained: ImageNet normalisation added, frozen; parameter groups, trainable counts and Adam hypers as fastai',
    needsReference('torchvision/resnet18.safetensors'),
    async () => {
      const dls = await tux();
      const learn = await visionLearner(dls, resnet18, { nOut: 37, pretrained: WEIGHTS, progress: false });
      const norms = dls.batchTfms.filter((t) => t instanceof Normalize) as Normalize[];
      expect(norms).toHaveLength(1);
      expect([norms[0].mean, norms[0].std]).toEqual(imagenetStats);
      expect(learn.splitter).toBe(resnetSplit);
      const sum = (k: 'total_params' | 'body_params' | 'head_params') => facts[k] as number;
      const sizes = learn.model.parameters().reduce((s, p) => s + p.size, 0);
      expect(sizes).toBe(sum('total_params'));
      expect(groupFacts(learn)).toEqual(facts.param_groups_after_freeze);
      expect(learn.opt!.frozenIdx).toBe(facts.frozen_idx_after_freeze);
      learn.freezeTo(-2);
      expect(groupFacts(learn)).toEqual(facts['param_groups_after_freeze_to_-2']);
      learn.unfreeze();
      expect(groupFacts(learn)).toEqual(facts.param_groups_before_freeze);
      const hypers = (facts.opt_hypers_after_create_opt as Record<string, number>[]).map((h) => ({
        lr: h.lr,
        mom: h.mom,
        sqrMom: h.sqr_mom,
        eps: h.eps,
        wd: h.wd,
      }));
      expect(learn.opt!.paramGroups.map(({ lr, mom, sqrMom, eps, wd }) => ({ lr, mom, sqrMom, eps, wd }))).toEqual(
        hypers,
      );
      // A second learner on the same data does not add a second Normalize.
      const again = await visionLearner(dls, resnet18, { nOut: 37, pretrained: WEIGHTS, progress: false });
      expect(dls.batchTfms.filter((t) => t instanceof Normalize)).toHaveLength(1);
      learn.dispose();
      again.dispose();
    },
  );

  it('from scratch: no normalisation, not frozen, nOut from the data; the head is initialised kaiming-normal', async () => {
    manualSeed(0);
    const dls = await tux();
    const learn = await visionLearner(dls, resnet18, { pretrained: false, progress: false, head: { linFtrs: [512] } });
    expect(dls.batchTfms).toHaveLength(0);
    learn.createOpt();
    expect(groupFacts(learn).map((g) => g.n_trainable)).toEqual(groupFacts(learn).map((g) => g.n_params));
    const head = learn.model.children()[1];
    const lins = head.modules().filter((m): m is Linear => m instanceof Linear);
    expect(lins.map((l) => l.weight.shape)).toEqual([
      [1024, 512],
      [512, 7],
    ]);
    // kaiming_normal_ (fan_in, gain √2): std = √(2 / fan_in).
    for (const l of lins) {
      const fanIn = l.weight.shape[0];
      const std = tf.tidy(() => tf.moments(l.weight.variable).variance.sqrt().dataSync()[0]);
      expect(std / Math.sqrt(2 / fanIn)).toBeGreaterThan(0.93);
      expect(std / Math.sqrt(2 / fanIn)).toBeLessThan(1.07);
    }
    learn.dispose();
  });

  it('fit(1, slice(1e-6, 1e-4)) trains the three groups at fastai’s learning rates', async () => {
    const dls = await tux();
    const learn = await visionLearner(dls, resnet18, { pretrained: false, progress: false });
    const seen: number[][] = [];
    class Spy extends Callback {
      override afterBatch() {
        seen.push(this.learn.opt!.paramGroups.map((g) => g.lr));
        throw new CancelFitException();
      }
    }
    await learn.fit(1, slice(1e-6, 1e-4), { cbs: [new Spy()] });
    expect(seen).toEqual([facts['fit_lr_slice_1e-6_1e-4_per_group_lrs_batch0']]);
    learn.dispose();
  });
});

describe('predict, showResults, export → loadLearner', () => {
  it('predict(imagePath) returns {label, index, probs}; a missing path is an ImageReadError', async () => {
    manualSeed(1);
    const dls = await tux();
    const learn = await visionLearner(dls, resnet18, {
      pretrained: false,
      progress: false,
      cut: 6,
      metrics: [accuracy()],
    });
    await learn.fit(1, 1e-3);
    const file = String(dls.valid.ds.items[0]);
    const p = await learn.predict(file);
    expect(p.probs).toHaveLength(7);
    expect(p.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(p.index).toBe(p.probs.indexOf(Math.max(...p.probs)));
    expect(p.label).toBe(dls.vocab[p.index]);
    const err = await learn.predict(join(dir, 'missing.png')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageReadError);

    const png = await learn.showResults({ file: join(dir, 'results.png'), maxN: 4 });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 2 * 144, 2 * (144 + 32)]);

    // Export → loadLearner → predict: identical probabilities, found through @tfai/vision's learnerBuilders.
    const { json } = await exportLearner(learn, join(dir, 'tux'));
    const desc = JSON.parse(await readFile(json, 'utf8')) as {
      builder: { package: string; name: string; args: { data: { itemTfms: unknown[] } } };
      vocab: string[];
    };
    expect(desc.builder.package).toBe('@tfai/vision');
    expect(desc.builder.args.data.itemTfms).toEqual([
      { type: 'Resize', size: [32, 32], method: 'crop', padMode: 'reflection' },
    ]);
    expect(desc.vocab).toEqual(dls.vocab);
    expect(Object.keys(learnerBuilders)).toContain('visionLearner');
    const loaded = await loadLearner(json, VisionLearner);
    expect(loaded).toBeInstanceOf(VisionLearner);
    for (const i of [0, 5, 17]) {
      const f = String(dls.valid.ds.items[i]);
      const [a, b] = [await learn.predict(f), await loaded.predict(await readFile(f))];
      expect(b.probs).toEqual(a.probs);
      expect([b.label, b.index]).toEqual([a.label, a.index]);
    }
    learn.dispose();
    loaded.dispose();
  });

  it(
    'a pretrained learner’s export keeps the ImageNet normalisation for inference',
    needsReference('torchvision/resnet18.safetensors'),
    async () => {
      const dls = await tux();
      const learn = await visionLearner(dls, resnet18, { progress: false, pretrained: WEIGHTS });
      const { json } = await exportLearner(learn, join(dir, 'pre'));
      const loaded = await loadLearner(json, VisionLearner);
      expect(loaded.dls.batchTfms.map((t) => t.name)).toEqual(['Normalize']);
      const f = String(dls.valid.ds.items[2]);
      expect((await loaded.predict(f)).probs).toEqual((await learn.predict(f)).probs);
      learn.dispose();
      loaded.dispose();
    },
  );
});
