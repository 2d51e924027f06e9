import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { numParams, type LayerInfo } from '@tfai/core/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { padInputChunk } from '../data/pad-chunk.js';
import {
  camelKeys,
  groupSizes,
  readFixture,
  relError,
  textFacts,
  toTensor,
  type FixtureTensor,
} from '../test-support.js';
import { AWDLSTM, awdLstmClasConfig } from './awd-lstm.js';
import type { PoolingLinearClassifier } from './classifier.js';
import { SentenceEncoder, awdLstmClasSplit, getTextClassifier, maskedConcatPool } from './classifier.js';
import type { SequentialRNN } from './sequential-rnn.js';
import { prepareTextBatch, textBatch } from './text-batch.js';

interface ClasRef {
  n_params: number;
  encoder_params: number;
  head_params: number;
  config: Record<string, unknown>;
  sentence_encoder: { bptt: number; pad_idx: number; max_len: number };
  pooling_linear_classifier_layers: (LayerInfo & { idx: number })[];
  split_groups: { n_tensors: number; n_params: number; n_trainable: number }[];
}

interface EncoderCase {
  lengths: number[];
  padded_input_shape: number[];
  pad_layout_per_row: { n_leading_pad: number; n_trailing_pad: number }[];
  real_bs_per_bptt_chunk: number[];
  sentence_encoder_outs_shape: number[];
  sentence_encoder_mask_shape: number[];
  mask_true_count_per_row: number[];
  n_exactly_zero_positions_per_row_in_outs: number[];
  masked_concat_pool_shape: number[];
  classifier_logits_shape: number[];
  classifier_extra_outputs_shapes: number[][];
}

/** Texts of the given lengths with ids ≥ 2 (never xxunk/xxpad), padded as fastai's Pad_Chunk, as a tensor. */
function paddedBatch(lengths: number[]): { ids: Int32Array[]; x: tf.Tensor } {
  const texts = lengths.map((n, r) => Int32Array.from({ length: n }, (_, i) => 2 + ((i * 7 + r * 3) % 990)));
  const ids = padInputChunk(texts, { seqLen: 72, padIdx: 1 });
  return { ids, x: textBatch(Int32Array.from(ids.flatMap((r) => Array.from(r))), ids.length, ids[0].length) };
}

describe('get_text_classifier(AWD_LSTM, 1000, 2, seq_len=72) against fastai', () => {
  const facts = textFacts();
  const ref = facts.text_classifier_1000_2_seq72 as ClasRef;
  let clas: SequentialRNN;
  beforeAll(() => {
    manualSeed(0);
    clas = getTextClassifier(AWDLSTM, 1000, 2).eval();
  });
  afterAll(() => clas.dispose());

  it('awdLstmClasConfig is fastai’s awd_lstm_clas_config', () => {
    expect(awdLstmClasConfig).toEqual(camelKeys(ref.config));
  });

  it('has fastai’s parameter counts, SentenceEncoder settings and head layers', () => {
    const [enc, head] = clas.children() as [SentenceEncoder, PoolingLinearClassifier];
    expect(numParams(clas)).toBe(ref.n_params);
    expect(numParams(enc)).toBe(ref.encoder_params);
    expect(numParams(head)).toBe(ref.head_params);
    expect({ bptt: enc.bptt, pad_idx: enc.padIdx, max_len: enc.maxLen }).toEqual(ref.sentence_encoder);
    const layers = head.layers.describe().children ?? [];
    expect(layers.map(({ name, ...l }) => ({ idx: Number(name), ...l }))).toEqual(ref.pooling_linear_classifier_layers);
  });

  it('awdLstmClasSplit gives fastai’s parameter groups', () => {
    expect(groupSizes(awdLstmClasSplit(clas))).toEqual(ref.split_groups);
  });

  const cases = facts.sentence_encoder_cases as Record<string, EncoderCase> & {
    max_len_72_input_2x150: { outs_shape: number[]; mask_shape: number[] };
  };
  for (const name of ['lens_150_80', 'lens_150_60', 'lens_40_25']) {
    it(`SentenceEncoder case ${name}: pad layout, chunk batch sizes, outputs, mask and pooling as fastai`, () => {
      const c = cases[name];
      const { ids, x } = paddedBatch(c.lengths);
      expect(x.shape).toEqual(c.padded_input_shape);
      const layout = ids.map((r) => {
        const lead = r.findIndex((v) => v !== 1);
        let trail = 0;
        while (r[r.length - 1 - trail] === 1) trail++;
        return { n_leading_pad: lead, n_trailing_pad: trail };
      });
      expect(layout).toEqual(c.pad_layout_per_row);
      const [enc] = clas.children() as [SentenceEncoder];
      tf.tidy(() => {
        const [outs, mask] = enc.call(x);
        expect(enc.lastRealBs).toEqual(c.real_bs_per_bptt_chunk);
        expect(outs.shape).toEqual(c.sentence_encoder_outs_shape);
        expect(mask.shape).toEqual(c.sentence_encoder_mask_shape);
        expect(Array.from(tf.sum(tf.cast(mask, 'int32'), 1).dataSync())).toEqual(c.mask_true_count_per_row);
        const zeroRows = tf.sum(tf.cast(tf.all(tf.equal(outs, 0), 2), 'int32'), 1);
        expect(Array.from(zeroRows.dataSync())).toEqual(c.n_exactly_zero_positions_per_row_in_outs);
        expect(maskedConcatPool(outs, mask, 72).shape).toEqual(c.masked_concat_pool_shape);
        expect(clas.call(x).shape).toEqual(c.classifier_logits_shape);
        expect(clas.extraOutputs.map((t) => t.shape)).toEqual(c.classifier_extra_outputs_shapes);
      });
      x.dispose();
    });
  }

  it('SentenceEncoder with maxLen 72 keeps only the chunks of the last 72 tokens', () => {
    const ref72 = cases.max_len_72_input_2x150;
    const [enc] = clas.children() as [SentenceEncoder];
    const short = new SentenceEncoder(72, enc.module, 1, 72);
    const { x } = paddedBatch([150, 150]);
    tf.tidy(() => {
      const [outs, mask] = short.call(x);
      expect(outs.shape).toEqual(ref72.outs_shape);
      expect(mask.shape).toEqual(ref72.mask_shape);
    });
    x.dispose();
  });
});

describe('SentenceEncoder reads no tensor back', () => {
  it('takes the chunk batch sizes from the host ids of textBatch, or of prepareTextBatch; else a typed error', async () => {
    manualSeed(6);
    const clas = getTextClassifier(AWDLSTM, 100, 2, { config: { embSz: 8, nHid: 12, nLayers: 1 }, seqLen: 4 }).eval();
    const rows = padInputChunk([Int32Array.of(5, 6, 7, 8, 9, 10), Int32Array.of(11, 12)], { seqLen: 4, padIdx: 1 });
    const flat = Int32Array.from(rows.flatMap((r) => Array.from(r)));
    const plain = tf.tensor2d(flat, [2, 6], 'int32');
    expect(() => clas.call(plain)).toThrow(/prepareTextBatch/);
    await prepareTextBatch(plain);
    const a = clas.call(plain);
    const enc = clas.children()[0] as SentenceEncoder;
    expect(enc.lastRealBs).toEqual([1, 2]);
    const b = clas.call(textBatch(flat, 2, 6));
    expect(relError(a, b)).toBe(0);
    tf.dispose([plain, a, b, ...clas.extraOutputs]);
    clas.dispose();
  });
});

describe('masked_concat_pool parity', () => {
  it('reproduces fastai’s [last, max, mean] to 1e-6', () => {
    const fx = readFixture<{ output: FixtureTensor; mask: FixtureTensor; bptt: number; result: FixtureTensor }>(
      'parity_masked_concat_pool.json',
    );
    tf.tidy(() => {
      expect(
        relError(maskedConcatPool(toTensor(fx.output), toTensor(fx.mask), fx.bptt), toTensor(fx.result)),
      ).toBeLessThan(1e-6);
    });
  });
});

describe('masked_concat_pool gradient', () => {
  // The composition the pool had before: tfjs's own tf.max gradient (to every tied position).
  const composed = (output: tf.Tensor, mask: tf.Tensor) =>
    tf.max(tf.where(tf.broadcastTo(tf.expandDims(tf.cast(mask, 'bool'), 2), output.shape), -Infinity, output), 1);
  const maxGrad = (pool: (o: tf.Tensor) => tf.Tensor, output: tf.Tensor, w: tf.Tensor) =>
    tf.grad((o: tf.Tensor) => tf.sum(tf.mul(pool(o), w)))(output);

  it('sends the max part of the gradient to the arg max, as the composition does when there are no ties', async () => {
    const [bs, L, n] = [3, 9, 5];
    const output = tf.randomNormal([bs, L, n], 0, 1, 'float32', 3);
    const mask = tf.tensor2d(
      Array.from({ length: bs * L }, (_, k) => (k % L < [2, 0, 5][Math.floor(k / L)] ? 1 : 0)),
      [bs, L],
      'int32',
    );
    const w = tf.randomNormal([bs, 3 * n], 0, 1, 'float32', 4);
    const wMax = tf.slice(w, [0, n], [bs, n]);
    // Only the max third of the pool: zero the other two thirds' weights.
    const wOnlyMax = tf.concat([tf.zerosLike(wMax), wMax, tf.zerosLike(wMax)], 1);
    const before = tf.memory().numTensors;
    const ours = maxGrad((o) => maskedConcatPool(o, mask, 4), output, wOnlyMax);
    const ref = maxGrad((o) => composed(o, mask), output, wMax);
    expect(tf.memory().numTensors).toBe(before + 2);
    const [a, b] = [await ours.data(), await ref.data()];
    expect(Array.from(a, (v, i) => v - b[i]).filter((d) => d !== 0)).toEqual([]);
    tf.dispose([output, mask, w, wMax, wOnlyMax, ours, ref]);
  });

  it('on ties, sends it to the first arg max only (PyTorch’s max(dim)), never to padding', async () => {
    const output = tf.tensor3d([[[2], [5], [5], [9]]]); // [1, 4, 1]; position 3 is padding
    const mask = tf.tensor2d([[0, 0, 0, 1]], [1, 4], 'int32');
    const w = tf.tensor2d([[0, 1, 0]]);
    const g = maxGrad((o) => maskedConcatPool(o, mask, 4), output, w);
    expect(await g.array()).toEqual([[[0], [1], [0], [0]]]);
    tf.dispose([output, mask, w, g]);
  });
});

describe('text classifier training', () => {
  it('trains through the kept chunks only (gradients reach the encoder and the head)', () => {
    manualSeed(5);
    const clas = getTextClassifier(AWDLSTM, 100, 2, {
      config: { embSz: 8, nHid: 12, nLayers: 2 },
      maxLen: 10,
      seqLen: 5,
    });
    const x = textBatch(
      Int32Array.from({ length: 2 * 23 }, (_, i) => 2 + (i % 50)),
      2,
      23,
    );
    const vars = clas.parameters().map((p) => p.variable);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(clas.call(x))) as tf.Scalar, vars);
    expect(Object.keys(grads).length).toBe(vars.length);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    tf.dispose([value, x, ...Object.values(grads), ...clas.extraOutputs]);
    clas.dispose();
  });
});
