// Helpers for this package's tests (not exported): the fastai reference facts (@tfai/test-utils' fixtures/fastai/) and
// this package's parity fixtures (./fixtures/).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyLossFlat } from '@tfai/core';
import {
  DATA as DATASETS_DIR,
  FIXTURES as CORE_FIXTURES,
  toStateDict,
  toTensor,
  type FixtureTensor,
} from '@tfai/test-utils';
import { AWDLSTM } from './models/awd-lstm.js';
import { getTextClassifier } from './models/classifier.js';
import type { SequentialRNN } from './models/sequential-rnn.js';
import { prepareTextBatch } from './models/text-batch.js';

/** @tfai/datasets' folder with a trailing slash, for code written as `${DATA}titanic/…`; prefer `datasets.path(name)`. */
export const DATA = DATASETS_DIR;

/** @tfai/test-utils' fixture tensors and relative error, for this package's tests. */
export { relError, toStateDict, toTensor, type FixtureTensor } from '@tfai/test-utils';

/** This package's fixtures (`parity_awd_lstm_tiny.json`, `parity_masked_concat_pool.json`). */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The `text` section of fastai's reference facts. */
export function textFacts(): Record<string, unknown> {
  return (JSON.parse(readFileSync(`${CORE_FIXTURES}reference.json`, 'utf8')) as { text: Record<string, unknown> }).text;
}

/** A fastai fixture as JSON: this package's `fixtures/`, else core's. */
export function readFixture<T>(name: string): T {
  const own = `${FIXTURES}${name}`;
  return JSON.parse(readFileSync(existsSync(own) ? own : `${CORE_FIXTURES}${name}`, 'utf8')) as T;
}

/** snake_case keys → camelCase (`embed_p` → `embedP`). */
export function camelKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

/** fastai's tiny `AWD_LSTM(12, 4, 6, 2)` with the state dict of `parity_awd_lstm_tiny.json`, in eval mode and reset. */
export function tinyAwdLstm(): {
  model: AWDLSTM;
  fx: { input: FixtureTensor; output: FixtureTensor; state_dict: Record<string, FixtureTensor> };
} {
  const fx = readFixture<{ input: FixtureTensor; output: FixtureTensor; state_dict: Record<string, FixtureTensor> }>(
    'parity_awd_lstm_tiny.json',
  );
  const model = new AWDLSTM(12, 4, 6, 2);
  const sd = toStateDict(fx.state_dict);
  model.loadStateDict(sd);
  tf.dispose(Object.values(sd));
  model.eval();
  model.reset();
  return { model, fx };
}

/** `models/fixtures/torch-clas-grads.json`: the BPT3C classifier's PyTorch loss and gradients (`torch_clas_grads.py`). */
export interface ClasGradsFixture {
  config: {
    vocab: number;
    emb_sz: number;
    n_hid: number;
    n_layers: number;
    bptt: number;
    max_len: number;
    lin_ftrs: number[];
  };
  ids: FixtureTensor;
  y: FixtureTensor;
  loss: number;
  state_dict: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
}

/** The BPT3C classifier's gradient fixture. */
export function clasGradsFixture(): ClasGradsFixture {
  return JSON.parse(
    readFileSync(new URL('./models/fixtures/torch-clas-grads.json', import.meta.url), 'utf8'),
  ) as ClasGradsFixture;
}

/**
 * One training step of the fixture's classifier (its state dict loaded, dropouts 0, training mode) on the fixture's
 * batch: the model, its named parameters, the batch, the loss value and the gradient of every parameter by variable name.
 */
export async function clasGradsStep(fx: ClasGradsFixture): Promise<{
  model: SequentialRNN;
  named: ReturnType<SequentialRNN['namedParameters']>;
  ids: tf.Tensor;
  y: tf.Tensor;
  value: tf.Scalar;
  grads: tf.NamedTensorMap;
}> {
  const c = fx.config;
  const zero = { hiddenP: 0, inputP: 0, embedP: 0, weightP: 0, outputP: 0 };
  const model = getTextClassifier(AWDLSTM, c.vocab, 2, {
    seqLen: c.bptt,
    maxLen: c.max_len,
    linFtrs: c.lin_ftrs,
    ps: [0],
    config: { embSz: c.emb_sz, nHid: c.n_hid, nLayers: c.n_layers, ...zero },
  });
  const sd = Object.fromEntries(
    Object.entries(fx.state_dict).map(([k, v]) => [
      k,
      k.endsWith('num_batches_tracked') ? tf.cast(toTensor(v), 'int32') : toTensor(v),
    ]),
  );
  model.loadStateDict(sd);
  tf.dispose(Object.values(sd));
  model.train();
  const ids = tf.cast(toTensor(fx.ids), 'int32');
  await prepareTextBatch(ids);
  const y = tf.cast(toTensor(fx.y), 'int32');
  const loss = crossEntropyLossFlat();
  const named = model.namedParameters();
  const { value, grads } = tf.variableGrads(
    () => loss(model.call(ids) as tf.Tensor, y) as tf.Scalar,
    named.map(([, p]) => p.variable),
  );
  return { model, named, ids, y, value, grads };
}

/** Each parameter group as fastai's reference facts count it: tensors, parameters, trainable parameters. */
export function groupSizes(
  groups: readonly (readonly { size: number; requiresGrad: boolean }[])[],
): { n_tensors: number; n_params: number; n_trainable: number }[] {
  return groups.map((g) => ({
    n_tensors: g.length,
    n_params: g.reduce((s, p) => s + p.size, 0),
    n_trainable: g.filter((p) => p.requiresGrad).reduce((s, p) => s + p.size, 0),
  }));
}
