// ONNX export of text learners (a small AWD-LSTM): the classifier (token ids in, the encoder per row from its
// first real chunk, masked_concat_pool over the last maxLen positions) and the language model, ONNX Runtime
// against tfai's eval-mode outputs on amazon_fine_foods / jane_austen batches at batch 1 and 7; onnx.checker.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { exportOnnx } from '@tfai/core/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { onnxCheck, onnxCheckerSkip, ortRelErr, randomizeBatchNorms } from '@tfai/test-utils/onnx';
import { readTextTable } from '../data/read.js';
import { TextDataLoaders } from '../data/text-dataloaders.js';
import { languageModelLearner, textClassifierLearner } from '../learner/text-learner.js';
import { AWDLSTM } from './awd-lstm.js';
import type { SequentialRNN } from './sequential-rnn.js';
import { prepareTextBatch } from './text-batch.js';

const tiny = { embSz: 16, nHid: 24, nLayers: 2 };
let dir: string;
const files: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-text-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The first validation batch's token ids (int32 [bs, L]). */
async function firstBatch(dls: TextDataLoaders): Promise<tf.Tensor> {
  for await (const b of dls.valid) {
    const x = tf.keep(b.x[0]!.clone());
    tf.dispose([...b.x, b.y]);
    return x;
  }
  throw new Error('no validation batch');
}

async function parity(
  model: SequentialRNN,
  onnx: string,
  x: tf.Tensor,
  act: (t: tf.Tensor) => tf.Tensor,
): Promise<void> {
  for (const n of [1, 7]) {
    const xn = x.slice(0, n);
    await prepareTextBatch(xn);
    model.reset();
    const y = act(model.call(xn));
    const { err, dims } = await ortRelErr(onnx, [{ name: 'tokens', tensor: xn }], y);
    expect(dims).toEqual(y.shape);
    expect(err, `batch ${n}`).toBeLessThan(1e-4);
    tf.dispose([xn, y]);
  }
}

describe('exportOnnx: AWD-LSTM text learners on ONNX Runtime', () => {
  for (const maxLen of [undefined, 16]) {
    it(`text classifier on amazon_fine_foods reviews (chunks of 8, padded first${maxLen ? ', maxLen 16' : ''}): probabilities match`, async () => {
      const table = await readTextTable(`${datasets.path('amazon_fine_foods')}/reviews.csv`);
      const rows = table.rows
        .slice(0, 120)
        .map((r) => ({ ...r, text: String(r.text).split(' ').slice(0, 40).join(' ') }));
      const dls = await TextDataLoaders.fromTable(
        { fields: table.fields.filter((f) => f !== 'is_valid'), rows },
        { bs: 7, seqLen: 8, validPct: 0.2, seed: 0, cacheDir: false, progress: false },
      );
      const learn = textClassifierLearner(dls, AWDLSTM, {
        config: tiny,
        progress: false,
        logger: () => undefined,
        ...(maxLen ? { maxLen } : {}),
      });
      randomizeBatchNorms(learn.model);
      learn.model.eval();
      const x = await firstBatch(dls);
      // The batch holds texts of several lengths: whole chunks of padding first.
      const padded = (await tf.tidy(() => tf.any(tf.equal(x, 1))).data())[0];
      expect(padded).toBe(1);
      expect(x.shape[1]).toBeGreaterThan(16);
      const { onnx, description } = await exportOnnx(learn, join(dir, `clas-${maxLen ?? 'all'}.onnx`), {
        activation: true,
      });
      files.push(onnx);
      expect(description.inputs[0]).toMatchObject({ name: 'tokens', dtype: 'int64', shape: ['batch', 'sequence'] });
      expect(Array.isArray(description.vocab)).toBe(true);
      await parity(learn.model as SequentialRNN, onnx, x, (t) => tf.softmax(t));
      x.dispose();
    });
  }

  it('language model on jane_austen (tied decoder): logits over the vocab match from a reset state', async () => {
    const table = await readTextTable(`${datasets.path('jane_austen')}/austen.csv`);
    const dls = await TextDataLoaders.fromTable(
      { fields: table.fields, rows: table.rows.slice(0, 60) },
      { isLm: true, validPct: 0.2, bs: 7, seqLen: 12, seed: 0, cacheDir: false, progress: false },
    );
    const learn = languageModelLearner(dls, AWDLSTM, { config: tiny, progress: false, logger: () => undefined });
    learn.model.eval();
    const x = await firstBatch(dls);
    const { onnx, description } = await exportOnnx(learn, join(dir, 'lm.onnx'));
    files.push(onnx);
    expect(description.outputs[0]!.name).toBe('logits');
    await parity(learn.model as SequentialRNN, onnx, x, (t) => t);
    x.dispose();
  });

  it.skipIf(onnxCheckerSkip)(
    'onnx.checker (full_check) accepts every export (skipped where python3 cannot import onnx)',
    () => {
      expect(files.length).toBe(3);
      for (const f of files) expect(onnxCheck(f), f).toMatchObject({ opset: 17, irVersion: 8 });
    },
  );
});
