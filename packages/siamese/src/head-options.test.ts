import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UnknownOptionError, type LearnerOptions } from '@tfai/core';
import { exportLearner, loadLearner } from '@tfai/core/io';
import { Linear, Dropout, type Module } from '@tfai/core/nn';
import { datasets } from '@tfai/datasets';
import { resnet18 } from '@tfai/vision/models';
import { describe, expect, it, vi } from 'vitest';
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
  it('createSiameseModel: `head` builds the head; the book default is ps 0.5; flat ps/linFtrs give the same head and warn once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
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
      expect(warn).not.toHaveBeenCalled();
      const flat = await createSiameseModel(resnet18, { pretrained: false, linFtrs: [64], ps: 0.2 });
      const flat2 = await createSiameseModel(resnet18, { pretrained: false, ps: 0.4 });
      expect(linShapes(flat)).toEqual(linShapes(nested));
      expect(dropPs(flat)).toEqual(dropPs(nested));
      expect(dropPs(flat2)).toEqual([0.2, 0.4]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(
        /createSiameseModel: flat head options \(ps, linFtrs\) are deprecated.*head: \{ ps, linFtrs \}/,
      );
      for (const m of [book, nested, flat, flat2]) m.dispose();
    } finally {
      warn.mockRestore();
    }
  });

  it('siameseLearner: `head` and the flat form give the same head and export args; old exports (flat ps/linFtrs) still load; unknown keys are refused', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const dir = await mkdtemp(join(tmpdir(), 'tfai-siamese-head-'));
    try {
      const dls = await SiameseDataLoaders.fromCsv(TUX_CSV, { size: 32, seed: 0 });
      const nested = await siameseLearner(dls, resnet18, {
        pretrained: false,
        progress: false,
        head: { linFtrs: [32], ps: 0.3 },
      });
      const flat = await siameseLearner(dls, resnet18, { pretrained: false, progress: false, linFtrs: [32], ps: 0.3 });
      expect(linShapes(flat.model)).toEqual([
        [2048, 32],
        [32, 2],
      ]);
      expect(linShapes(nested.model)).toEqual(linShapes(flat.model));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/siameseLearner: flat head options \(ps, linFtrs\) are deprecated/);
      const args = (l: SiameseLearner) => (l.builder as { args: Record<string, unknown> }).args;
      expect(args(nested).head).toEqual({ ps: 0.3, linFtrs: [32] });
      expect(args(flat).head).toEqual(args(nested).head);
      expect(args(nested)).not.toHaveProperty('ps');

      // An export of the previous release recorded `ps`/`linFtrs` flat: it rebuilds the same head.
      const { json } = await exportLearner(nested, join(dir, 'siamese'));
      const desc = JSON.parse(await readFile(json, 'utf8')) as { builder: { args: Record<string, unknown> } };
      delete desc.builder.args.head;
      Object.assign(desc.builder.args, { ps: 0.3, linFtrs: [32] });
      await writeFile(json, JSON.stringify(desc));
      const old = await loadLearner(json, SiameseLearner);
      expect(linShapes(old.model)).toEqual(linShapes(nested.model));
      expect(dropPs(old.model)).toEqual(dropPs(nested.model));
      for (const l of [nested, flat, old]) l.dispose();

      const n = tf.memory().numTensors;
      const bad = { pretrained: false, progress: false, linFtr: [64] } as LearnerOptions;
      await expect(siameseLearner(dls, resnet18, bad)).rejects.toThrow(UnknownOptionError);
      await expect(siameseLearner(dls, resnet18, bad)).rejects.toThrow(/siameseLearner: unknown option 'linFtr'/);
      expect(tf.memory().numTensors).toBe(n);
    } finally {
      warn.mockRestore();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
