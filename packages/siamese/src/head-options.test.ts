import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UnknownOptionError, type LearnerOptions } from '@tfai/core';
import { exportLearner, loadLearner } from '@tfai/core/io';
import { Linear, Dropout, type Module } from '@tfai/core/nn';
import { datasets } from '@tfai/datasets';
import { resnet18 } from '@tfai/vision/models';
import { describe, expect, it } from 'vitest';
import { SiameseDataLoaders } from './data/siamese-dataloaders.js';
import { siameseLearner, SiameseLearner } from './learner.js';
import { createSiameseModel } from './model.js';

const TUX_CSV = `${datasets.path('tux_photos')}/siamese_pairs.csv`;
const headOf = (m: { children(): unknown[] }) => (m.children()[1] as Module).modules();
const linShapes = (m: { children(): unknown[] }) =>
  headOf(m)
    .filter((l) => l instanceof Linear)
    .map((l) => (l as Linear).weight.shape);
const dropPs = (m: { children(): unknown[] }) =>
  headOf(m)
    .filter((l) => l instanceof Dropout)
    .map((l) => (l as Dropout).p);

describe('siamese head options in `head: {...}` (as visionLearner, fastai cnn_config)', () => {
  it('createSiameseModel: `head` builds the head; the book default is ps 0.5', async () => {
    const book = await createSiameseModel(resnet18, { pretrained: false });
    expect(linShapes(book)).toEqual([
      [2048, 512],
      [512, 2],
    ]);
    expect(dropPs(book)).toEqual([0.25, 0.5]);
    const nested = await createSiameseModel(resnet18, { pretrained: false, head: { linFtrs: [64], ps: 0.2 } });
    expect(linShapes(nested)).toEqual([
      [2048, 64],
      [64, 2],
    ]);
    expect(dropPs(nested)).toEqual([0.1, 0.2]);
    for (const m of [book, nested]) m.dispose();
  });

  it('siameseLearner: `head` builds the head and is recorded in the export args, which rebuild it; flat and unknown keys are refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfai-siamese-head-'));
    try {
      const dls = await SiameseDataLoaders.fromCsv(TUX_CSV, { size: 32, seed: 0 });
      const nested = await siameseLearner(dls, resnet18, {
        pretrained: false,
        progress: false,
        head: { linFtrs: [32], ps: 0.3 },
      });
      expect(linShapes(nested.model)).toEqual([
        [2048, 32],
        [32, 2],
      ]);
      const args = (l: SiameseLearner) => (l.builder as { args: Record<string, unknown> }).args;
      expect(args(nested).head).toEqual({ ps: 0.3, linFtrs: [32] });
      expect(args(nested)).not.toHaveProperty('ps');

      const { json } = await exportLearner(nested, join(dir, 'siamese'));
      const loaded = await loadLearner(json, SiameseLearner);
      expect(linShapes(loaded.model)).toEqual(linShapes(nested.model));
      expect(dropPs(loaded.model)).toEqual(dropPs(nested.model));
      // showResults: each cell is wide enough for the longest caption it can have, "pred: different (p(same) 0.93)"
      // (30 characters at 6.6 px, less the 8-px padding: 190 px; the 160-px cells cut it after 25).
      const png = await readFile(await nested.showResults({ file: join(dir, 'results.png'), maxN: 4 }));
      expect(png.readUInt32BE(16) / 2 - 16).toBeGreaterThanOrEqual(Math.ceil(30 * 6.6) - 8);
      for (const l of [nested, loaded]) l.dispose();

      const flat = { pretrained: false, progress: false, linFtrs: [32] } as LearnerOptions;
      await expect(siameseLearner(dls, resnet18, flat)).rejects.toThrow(/siameseLearner: unknown option 'linFtrs'/);
      const n = tf.memory().numTensors;
      const bad = { pretrained: false, progress: false, linFtr: [64] } as LearnerOptions;
      await expect(siameseLearner(dls, resnet18, bad)).rejects.toThrow(UnknownOptionError);
      await expect(siameseLearner(dls, resnet18, bad)).rejects.toThrow(/siameseLearner: unknown option 'linFtr'/);
      // A misspelt key inside `head` from JavaScript: named with its path and the known keys.
      const nestedBad = { pretrained: false, progress: false, head: { linFtr: [10] } } as LearnerOptions;
      await expect(siameseLearner(dls, resnet18, nestedBad)).rejects.toThrow(
        "siameseLearner: unknown option 'head.linFtr' (known: linFtrs, ps, pool, concatPool, firstBn, bnFinal, linFirst, yRange)",
      );
      expect(tf.memory().numTensors).toBe(n);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
