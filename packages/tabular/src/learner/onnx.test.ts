// ONNX export of tabular and collab learners: ONNX Runtime against tfai's eval-mode outputs on real rows
// (titanic, ames, insteval) at batch 1 and 7; the preprocessing travels in the description; onnx.checker.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { exportOnnx, type OnnxDescription } from '@tfai/core/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { onnxCheck, onnxCheckerSkip, ortRelErr, randomizeBatchNorms } from '@tfai/test-utils/onnx';
import type { TableDataLoaders } from '../data/table-dataloaders.js';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import { instevalDls, logPriceDls, TITANIC, withLogPrice } from '../test-utils/real-data.js';
import { collabLearner } from './collab-learner.js';
import { tabularLearner, type TabularLearner } from './tabular-learner.js';

let dir: string;
const files: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-tab-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The first 7 validation rows: the model's inputs as the learner feeds them. */
async function rows(dls: TableDataLoaders): Promise<tf.Tensor[]> {
  for await (const b of dls.valid) {
    const xs = b.x.map((t) => tf.keep(t.slice(0, 7)));
    tf.dispose([...b.x, b.y]);
    return xs;
  }
  throw new Error('no validation batch');
}

/** ORT against tfai at batch 1 and 7 for an exported learner. */
async function checkParity(
  learn: TabularLearner,
  name: string,
  inputNames: string[],
  activation = false,
): Promise<OnnxDescription> {
  randomizeBatchNorms(learn.model);
  learn.model.eval();
  const { onnx, description } = await exportOnnx(learn, join(dir, `${name}.onnx`), { activation });
  files.push(onnx);
  const xs = await rows(learn.dls as TableDataLoaders);
  for (const n of [1, 7]) {
    const x = xs.map((t) => t.slice(0, n));
    const raw = (learn.model.call as (...a: tf.Tensor[]) => tf.Tensor)(...x);
    const y = activation ? tf.softmax(raw) : raw;
    const { err, dims } = await ortRelErr(
      onnx,
      x.map((t, i) => ({ name: inputNames[i]!, tensor: t })),
      y,
    );
    expect(dims).toEqual(y.shape);
    expect(err, `${name} at batch ${n}`).toBeLessThan(1e-4);
    tf.dispose([...x, raw, y]);
  }
  tf.dispose(xs);
  return description;
}

describe('exportOnnx: tabular and collab learners on ONNX Runtime', () => {
  it('tabularLearner on titanic (embeddings, BatchNorm on x_cont, LinBnDrop): probabilities match', async () => {
    const dls = await TabularDataLoaders.fromCsv(`${datasets.path('titanic')}/titanic.csv`, { ...TITANIC, seed: 42 });
    const learn = tabularLearner(dls, { progress: false, layers: [20, 10], config: { ps: [0.1, 0.1], embedP: 0.1 } });
    const d = await checkParity(learn, 'titanic', ['x_cat', 'x_cont'], true);
    expect(d.inputs.map((i) => [i.name, i.dtype, i.shape])).toEqual([
      ['x_cat', 'int64', ['batch', dls.catNames.length]],
      ['x_cont', 'float32', ['batch', 3]],
    ]);
    expect(dls.catNames).toEqual(['pclass', 'sex', 'age_na']);
    expect(d.outputs[0]!.name).toBe('probabilities');
    // The procs (vocab, fill values, normalisation statistics) travel with the export.
    const json = await readFile(join(dir, 'titanic.onnx.json'), 'utf8');
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(d)));
    for (const needle of ['"Categorify"', '"FillMissing"', '"Normalize"', '"male"']) expect(json).toContain(needle);
  });

  it("a regression on ames' log price with y_range (SigmoidRange) matches", async () => {
    const t = await withLogPrice(`${datasets.path('ames')}/ames.csv`, 'Sale_Price');
    const learn = tabularLearner(logPriceDls(t, 64), { progress: false, layers: [16], yRange: [10, 14] });
    const d = await checkParity(learn, 'ames', ['x_cat', 'x_cont']);
    expect(d.outputs[0]!.name).toBe('output');
  });

  it('collab on insteval: EmbeddingDotBias and EmbeddingNN, each with y_range, match', async () => {
    const dls = await instevalDls();
    const dot = collabLearner(dls, { nFactors: 8, yRange: [0, 5.5], progress: false });
    const d = await checkParity(dot as unknown as TabularLearner, 'dot-bias', ['x']);
    expect(d.inputs[0]!.shape).toEqual(['batch', 2]);
    const nn = collabLearner(dls, { useNn: true, nFactors: 8, yRange: [0, 5.5], progress: false });
    await checkParity(nn as unknown as TabularLearner, 'embedding-nn', ['x_cat']);
  });

  it.skipIf(onnxCheckerSkip)(
    'onnx.checker (full_check) accepts every export (skipped where python3 cannot import onnx)',
    () => {
      expect(files.length).toBe(4);
      for (const f of files) expect(onnxCheck(f), f).toMatchObject({ opset: 17, irVersion: 8 });
    },
  );
});
