import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { numParams } from '@tfai/core/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camelKeys, groupSizes, textFacts } from '../test-support.js';
import { AWDLSTM, awdLstmLmConfig } from './awd-lstm.js';
import type { LinearDecoder } from './language-model.js';
import { awdLstmLmSplit, getLanguageModel } from './language-model.js';
import type { SequentialRNN } from './sequential-rnn.js';

interface LmRef {
  n_params: number;
  config: Record<string, unknown>;
  decoder_weight_tied_to_encoder: boolean;
  split_groups: { n_tensors: number; n_params: number; n_trainable: number }[];
}

describe('get_language_model(AWD_LSTM, 1000) against fastai', () => {
  const ref = textFacts().language_model_1000 as LmRef;
  let lm: SequentialRNN;
  beforeAll(() => {
    manualSeed(0);
    lm = getLanguageModel(AWDLSTM, 1000);
  });
  afterAll(() => lm.dispose());

  it('awdLstmLmConfig is fastai’s awd_lstm_lm_config', () => {
    expect(awdLstmLmConfig).toEqual(camelKeys(ref.config));
  });

  it('has fastai’s parameter count, with the decoder tied to the embedding', () => {
    expect(numParams(lm)).toBe(ref.n_params);
    const [enc, dec] = lm.children() as [AWDLSTM, LinearDecoder];
    expect(dec.decoder.weight === enc.encoder.weight).toBe(ref.decoder_weight_tied_to_encoder);
    const sd = lm.stateDict();
    expect(sd['1.decoder.weight'].shape).toEqual([1000, 400]);
    expect(Object.keys(sd).filter((k) => k.endsWith('.weight') && sd[k].shape[0] === 1000)).toEqual([
      '0.encoder.weight',
      '0.encoder_dp.emb.weight',
      '1.decoder.weight',
    ]);
    tf.dispose(Object.values(sd));
  });

  it('awdLstmLmSplit gives fastai’s parameter groups', () => {
    expect(groupSizes(awdLstmLmSplit(lm))).toEqual(ref.split_groups);
  });

  it('maps ids [bs, seqLen] to logits [bs, seqLen, vocab] and keeps the raw and dropped outputs', () => {
    const x = tf.zeros([2, 5], 'int32');
    tf.tidy(() => {
      expect(lm.call(x).shape).toEqual([2, 5, 1000]);
      expect(lm.extraOutputs.map((t) => t.shape)).toEqual([
        [2, 5, 400],
        [2, 5, 400],
      ]);
    });
    lm.reset();
    x.dispose();
  });
});

describe('getLanguageModel options', () => {
  it('dropMult scales every dropout, and tieWeights: false gives the decoder its own weight', () => {
    const lm = getLanguageModel(AWDLSTM, 50, {
      dropMult: 0.5,
      config: { embSz: 8, nHid: 12, nLayers: 2, tieWeights: false },
    });
    const [enc, dec] = lm.children() as [AWDLSTM, LinearDecoder];
    expect(enc.encoderDp.embedP).toBeCloseTo(0.01);
    expect(enc.rnns.get(0).weightP).toBeCloseTo(0.1);
    expect(dec.outputDp.p).toBeCloseTo(0.05);
    expect(dec.decoder.weight === enc.encoder.weight).toBe(false);
    expect(numParams(lm)).toBe(numParams(enc) + 50 * 8 + 50);
    lm.dispose();
  });
});
